"""How well bare spaCy itself scales over processes on this machine (the ceiling for `--workers N`).

Reads and types a folder of articles as `pipeline_bench.py`'s bare measurement does (the same
article-block texts the pipeline parses), then times `nlp.pipe` over all of them in one process,
and over N interleaved shares in N processes that start parsing together once each has loaded
the model. Prints the times and the speed-up; nothing else runs meanwhile.

Usage: .venv/bin/python benchmarks/bare_parallel.py INPUT_DIR [--processes 2] [--limit N]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pipeline_bench import PIPE_BATCH_SIZE  # noqa: E402


def block_texts(inputs: str, limit: int | None) -> list[str]:
    from flows.inputs import discover, read_files
    from flows.ledger import Ledger
    from flows.settings import Settings
    from transforms import schema
    from transforms.analyse.parse import MAX_PARSE_CHARS, split_for_parse
    from transforms.segment import recurring_block_keys, segment_blocks

    settings = Settings.from_env()
    paths, _ = discover([inputs])
    docs = read_files(paths[:limit], Ledger("bench"), known_doc_ids=set(), max_file_bytes=settings.max_file_bytes)
    recurring = recurring_block_keys((d.raw_text for d in docs), min_documents=settings.min_recurring_documents)
    texts = [b.text for d in docs if (d.language or "en") == "en"
             for b in segment_blocks(d.raw_text, recurring=recurring, main_text=d.main_text, title=d.title)
             if b.kind in schema.ANALYSED_KINDS]
    return [p for t in texts for p in split_for_parse(t, MAX_PARSE_CHARS)]


def parse(texts: list[str], ready, start, out) -> None:
    from flows.runtime.workers import load_model
    from flows.settings import Settings

    nlp = load_model(Settings.from_env().spacy_model)
    ready.wait()  # every process has its model: start together
    start.wait()
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE):
        pass
    out.put(time.perf_counter() - t)


def timed(shares: list[list[str]]) -> list[float]:
    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Barrier(len(shares) + 1), ctx.Barrier(len(shares) + 1), ctx.Queue()
    procs = [ctx.Process(target=parse, args=(s, ready, start, out)) for s in shares]
    for p in procs:
        p.start()
    ready.wait()
    start.wait()
    times = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    texts = block_texts(args.inputs, args.limit)
    words = sum(len(t.split()) for t in texts)
    one = max(timed([texts]))
    many = max(timed([texts[i::args.processes] for i in range(args.processes)]))
    print(f"{len(texts)} texts, {words:,} words")
    print(f"1 process:   {one:7.1f} s  {words / one:8,.0f} words/s")
    print(f"{args.processes} processes: {many:7.1f} s  {words / many:8,.0f} words/s  speed-up {one / many:.2f}x")


if __name__ == "__main__":
    main()
