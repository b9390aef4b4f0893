"""Time a 100-document run into an empty warehouse and into one that already holds N documents.

1. Writes BBC articles (../shared/corpora/bbc_news.jsonl) as text files: N for the base
   warehouse, 100 others for the timed run.
2. Builds the base warehouse once with `newsflow run` (cached under --work by N).
3. Times, `--repeats` times each, `newsflow run NEW` into a fresh empty folder and into a copy of
   the base warehouse; prints the medians, their ratio, the warehouse size on disk and the data
   file count (DuckLake writes new files per run: nothing is copied).

Usage: .venv/bin/python benchmarks/publish_bench.py [--base 1000] [--repeats 3] [--work /tmp/publish-bench]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWSFLOW = Path(sys.executable).parent / "newsflow"


def write_texts(records: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, r in enumerate(records):
        (folder / f"{i:05d}.txt").write_text(r["text"] + "\n", encoding="utf-8")


def run(inputs: Path, warehouse: Path) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([str(NEWSFLOW), "run", str(inputs), "--warehouse", str(warehouse)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stdout + out.stderr)
    return time.perf_counter() - t0


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(1 for p in files if p.suffix == ".parquet")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/publish-bench"))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    records = [json.loads(line) for line in open(args.shared / "corpora" / "bbc_news.jsonl", encoding="utf-8")]
    base_in, new_in = args.work / f"base-{args.base}", args.work / "new-100"
    if not base_in.exists():
        write_texts(records[:args.base], base_in)
    if not new_in.exists():
        write_texts(records[args.base:args.base + 100], new_in)
    base_wh = args.work / f"warehouse-{args.base}"
    if not base_wh.exists():
        print(f"building the base warehouse ({args.base} documents): {run(base_in, base_wh):.1f} s")
    empty_t, full_t = [], []
    for k in range(args.repeats):
        for target, times in ((None, empty_t), (base_wh, full_t)):
            wh = args.work / f"trial-{k}"
            shutil.rmtree(wh, ignore_errors=True)
            if target is not None:
                shutil.copytree(target, wh)
            times.append(run(new_in, wh))
            if target is not None and k == 0:
                before, after = size(target), size(wh)
                print(f"warehouse on disk: {before[0] / 1e6:.1f} MB, {before[1]} Parquet files -> "
                      f"{after[0] / 1e6:.1f} MB, {after[1]} files after the run")
            shutil.rmtree(wh, ignore_errors=True)
    e, f = statistics.median(empty_t), statistics.median(full_t)
    print(f"100-document run: into an empty warehouse {e:.1f} s (runs {', '.join(f'{t:.1f}' for t in empty_t)}); "
          f"into {args.base} documents {f:.1f} s (runs {', '.join(f'{t:.1f}' for t in full_t)}); ratio {f / e:.2f}")


if __name__ == "__main__":
    main()
