"""Data files before and after `newsflow maintain`, on a warehouse built by many small runs.

1. Analyses `--runs` BBC articles (../shared/corpora/bbc_news.jsonl) with the pipeline's own
   `document_tables`, one article per batch.
2. Publishes each batch as its own run (`warehouse.store.publish`: one snapshot each) into a
   fresh lake under --work.
3. Prints the Parquet data files and the bytes on disk, then runs `flows.lake_commands.maintain`
   with a retention of 0 days (everything but the current snapshot expires) and prints them again,
   with the time maintenance took.

Usage: .venv/bin/python benchmarks/maintain_bench.py [--runs 50] [--work /tmp/maintain-bench]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from flows.lake_commands import data_file_count, maintain  # noqa: E402
from flows.runtime.workers import load_model  # noqa: E402
from flows.settings import Settings  # noqa: E402
from transforms.analyse import document_tables  # noqa: E402
from transforms.document import SourceDocument  # noqa: E402
from transforms.ingest.decode import content_sha256, doc_id_for  # noqa: E402
from transforms.segment import segment_documents  # noqa: E402
from warehouse import store  # noqa: E402
from warehouse.lake import Lake  # noqa: E402


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--work", type=Path, default=Path("/tmp/maintain-bench"))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    nlp = load_model(Settings().spacy_model)
    lines = open(args.shared / "corpora" / "bbc_news.jsonl", encoding="utf-8").readlines()[: args.runs]
    lake = Lake.at(args.work / "wh")
    for i, line in enumerate(lines):
        text = json.loads(line)["text"]
        doc = SourceDocument(doc_id=doc_id_for(text), source_path=f"bbc-{i:03d}.txt", format="text",
                             encoding="utf-8", raw_text=text, content_sha256=content_sha256(text.encode()),
                             ingested_at=datetime.now(timezone.utc))
        tables = document_tables([doc], segment_documents([doc]), nlp, run_id=f"r{i:03d}")
        stage = args.work / "stage" / f"r{i:03d}"
        stage.mkdir(parents=True)
        paths = {}
        for name, df in tables.items():
            paths[name] = stage / f"{name}.parquet"
            df.write_parquet(paths[name])
        now = datetime.now(timezone.utc)
        store.publish(lake, paths, run_row=dict(run_id=f"r{i:03d}", flow_run_id=None, started_at=now,
                                                finished_at=now, status="published", counts="{}", validation="{}",
                                                package_version="bench", model_name="m", model_version="v"),
                      doc_ids=[doc.doc_id])
    print(f"{args.runs} runs of one article: {data_file_count(lake)} data files, "
          f"{disk_bytes(lake.data_path) / 1e6:.2f} MB of data")
    t0 = time.perf_counter()
    result = maintain(lake, retention_days=0)
    print(f"after `maintain` (retention 0 days, {time.perf_counter() - t0:.1f} s): {result['data_files_after']} "
          f"data files, {disk_bytes(lake.data_path) / 1e6:.2f} MB; documents {len(store.published_doc_ids(lake))}")


if __name__ == "__main__":
    main()
