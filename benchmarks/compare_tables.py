"""Row-for-row comparison of the published tables of two code versions on the dev corpora.

A refactor must not change what the pipeline publishes. This script runs `newsflow run` (the
code under `--code`, through `python -m flows.cli`) on each corpus laid out as input files, and
exports every published table sorted by all its columns, without the columns that differ on
every run (run ids, timestamps). `diff` then compares two such snapshots table by table.

The corpora are written once into `--inputs` as one file per article (`.txt` for text, `.html`
for pages), so both snapshots read the very same paths.

Usage:
  .venv/bin/python benchmarks/compare_tables.py snapshot --code . --inputs /tmp/nf-inputs --out /tmp/before
  .venv/bin/python benchmarks/compare_tables.py snapshot --code . --inputs /tmp/nf-inputs --out /tmp/after
  .venv/bin/python benchmarks/compare_tables.py diff /tmp/before /tmp/after
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

CORPORA_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
#: corpus name -> (JSONL file, field holding the article, file suffix)
CORPORA = {
    "bbc": ("bbc_news.jsonl", "text", ".txt"),
    "polnear_dev": ("polnear_dev.jsonl", "text", ".txt"),
    "extraction_dev": ("article_extraction_dev.jsonl", "html", ".html"),
}
#: Columns that change on every run whatever the code does.
VOLATILE = {"run_id", "ingested_at", "flow_run_id", "started_at", "finished_at"}
#: Per-run bookkeeping, not content.
SKIP_TABLES = {"runs", "validation_results"}


def write_inputs(inputs: Path) -> dict[str, Path]:
    folders = {}
    for name, (file, field, suffix) in CORPORA.items():
        folder = inputs / name
        folders[name] = folder
        if folder.exists():
            continue
        folder.mkdir(parents=True)
        with open(CORPORA_DIR / file, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                (folder / f"{i:05d}{suffix}").write_text(json.loads(line)[field], encoding="utf-8")
    seeds = inputs / "seeds"
    if not seeds.exists():
        shutil.copytree(SEEDS_DIR, seeds)
    folders["seeds"] = seeds
    return folders


def export_tables(db: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    counts = {}
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()]
        for name in sorted(set(names) - SKIP_TABLES):
            df = pl.from_arrow(con.sql(f'SELECT * FROM "{name}"').to_arrow_table())
            df = df.drop([c for c in df.columns if c in VOLATILE])
            df = df.sort(df.columns, nulls_last=True)
            df.write_parquet(out / f"{name}.parquet")
            counts[name] = df.height
    finally:
        con.close()
    return counts


def snapshot(args) -> None:
    folders = write_inputs(Path(args.inputs))
    out = Path(args.out)
    env = dict(os.environ, PYTHONPATH=str(Path(args.code).resolve()))
    summary = {}
    for name in args.corpora.split(","):
        warehouse = out / "warehouses" / name
        shutil.rmtree(warehouse, ignore_errors=True)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", str(folders[name]), "--warehouse", str(warehouse),
             "--workers", str(args.workers)],
            env=env, capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - started
        print(f"{name}: exit {proc.returncode} in {elapsed:.1f} s", flush=True)
        if proc.returncode not in (0, 1):
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
            raise SystemExit(f"{name}: run failed")
        summary[name] = dict(seconds=round(elapsed, 1), rows=export_tables(warehouse / "newsflow.duckdb",
                                                                           out / "tables" / name))
    (out / "summary.json").write_text(json.dumps(summary, indent=2))


def diff(args) -> int:
    before, after = Path(args.before) / "tables", Path(args.after) / "tables"
    differences = 0
    for corpus in sorted(p.name for p in before.iterdir()):
        if not (after / corpus).exists():
            print(f"{corpus:15} not in {args.after}: skipped")
            continue
        for path in sorted((before / corpus).glob("*.parquet")):
            other = after / corpus / path.name
            a = pl.read_parquet(path)
            if not other.exists():
                print(f"{corpus:15} {path.stem:20} MISSING after")
                differences += 1
                continue
            b = pl.read_parquet(other)
            if a.columns != b.columns:
                print(f"{corpus:15} {path.stem:20} columns differ: {a.columns} vs {b.columns}")
                differences += 1
                continue
            only_a = a.join(b, on=a.columns, how="anti", nulls_equal=True).height
            only_b = b.join(a, on=a.columns, how="anti", nulls_equal=True).height
            same = a.equals(b)
            status = "identical" if same else f"DIFFERENT: {only_a} rows only before, {only_b} only after"
            print(f"{corpus:15} {path.stem:20} {a.height:>8} vs {b.height:>8} rows  {status}")
            differences += not same
    print("all tables identical" if not differences else f"{differences} tables differ")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("--code", default=".", help="project root whose code runs")
    snap.add_argument("--inputs", required=True, help="folder the corpora are written to (once)")
    snap.add_argument("--out", required=True)
    snap.add_argument("--corpora", default="seeds,polnear_dev,extraction_dev,bbc")
    snap.add_argument("--workers", type=int, default=2)
    d = sub.add_parser("diff")
    d.add_argument("before")
    d.add_argument("after")
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args)
        return 0
    return diff(args)


if __name__ == "__main__":
    raise SystemExit(main())
