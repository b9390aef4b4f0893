"""Measure transforms.segment against hand-made gold and a public extraction benchmark.

(a) Seeds: line-kind accuracy, body precision/recall and confusion against
    ../shared/gold/seeds.json (a gold line's predicted kind is the kind of the block overlapping it;
    recurring keys are computed over the seed documents with the default min_documents).
(b) Whole-page text: article_extraction_dev.jsonl pages turned into whole-page text with
    html_text.extract_text(html, guess_layout=True) (needs the `bench` extra: html-text), then the
    text of body+subtitle blocks is scored against gold_text by bag-of-whitespace-token P/R/F1, as
    in scrapinghub's article-extraction-benchmark, averaged over pages.
(c) HTML path: the same pages read from their HTML exactly as ingest reads an HTML file
    (transforms.ingest.formats.html_document: visible text as raw_text, trafilatura's main text and
    metadata as hints), then segment_blocks; body+subtitle text scored as in (b). Also reports
    trafilatura's own main text scored the same way, and milliseconds per page (parse + typing).

Usage: .venv/bin/python benchmarks/blocks_eval.py [--shared ../shared] [--show-errors] [--pages]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from transforms.segment import recurring_block_keys, segment_blocks  # noqa: E402
from transforms.ingest.formats import html_document  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def seeds_scores(shared: Path, seeds_dir: Path, show: bool) -> dict:
    gold = json.loads((shared / "gold" / "seeds.json").read_text(encoding="utf-8"))["documents"]
    raws = {name: (seeds_dir / name).read_text(encoding="utf-8") for name in gold}
    recurring = recurring_block_keys(raws.values())
    right = total = tp = fp = fn = 0
    confusion: Counter[str] = Counter()
    for name, gd in gold.items():
        raw = raws[name]
        blocks = segment_blocks(raw, recurring=recurring)
        starts, pos = [], 0
        for line in raw.split("\n"):
            starts.append((pos, pos + len(line)))
            pos += len(line) + 1
        for ln, kind in gd["line_kinds"].items():
            s, e = starts[int(ln) - 1]
            best, cover = "none", 0
            for b in blocks:
                o = max(0, min(e, b.char_end) - max(s, b.char_start))
                if o > cover:
                    best, cover, reason = b.kind, o, b.reason
            total += 1
            right += best == kind
            if best != kind:
                confusion[f"{kind}->{best}"] += 1
                if show:
                    print(f"  {name}:{ln} gold={kind} pred={best} ({reason}): {raw[s:e][:90]!r}")
            tp += kind == "body" and best == "body"
            fp += kind != "body" and best == "body"
            fn += kind == "body" and best != "body"
    return {"line_kind_accuracy": round(right / max(total, 1), 4),
            "body_precision": round(tp / max(tp + fp, 1), 4),
            "body_recall": round(tp / max(tp + fn, 1), 4),
            "lines": total, "confusion": dict(confusion.most_common())}


def _prf(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = Counter(pred.split()), Counter(gold.split())
    tp = sum((p & g).values())
    if not p and not g:
        return 1.0, 1.0, 1.0
    prec = tp / sum(p.values()) if p else 0.0
    rec = tp / sum(g.values()) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def pages_scores(shared: Path, show: bool) -> dict:
    import html_text  # bench extra

    path = shared / "corpora" / "article_extraction_dev.jsonl"
    recs = [json.loads(line) for line in path.open(encoding="utf-8")]
    texts = [html_text.extract_text(r["html"], guess_layout=True) for r in recs]
    rows, base, secs = [], [], 0.0
    for r, text in zip(recs, texts):
        t0 = time.perf_counter()
        blocks = segment_blocks(text)
        secs += time.perf_counter() - t0
        pred = "\n".join(b.text for b in blocks if b.kind in ("body", "subtitle"))
        rows.append(_prf(pred, r["gold_text"]))
        base.append(_prf(text, r["gold_text"]))
        if show:
            p, rc, f = rows[-1]
            print(f"  P={p:.2f} R={rc:.2f} F={f:.2f} {r['url'][:90]}")
    avg = lambda xs, k: round(sum(x[k] for x in xs) / max(len(xs), 1), 4)  # noqa: E731
    return {"pages": len(rows), "precision": avg(rows, 0), "recall": avg(rows, 1), "f1": avg(rows, 2),
            "whole_page_f1": avg(base, 2), "segment_seconds": round(secs, 2)}


def html_scores(shared: Path, show: bool) -> dict:
    path = shared / "corpora" / "article_extraction_dev.jsonl"
    recs = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows, extractor, secs = [], [], 0.0
    for r in recs:
        t0 = time.perf_counter()
        doc = html_document(r["html"], url=r.get("url"))
        blocks = segment_blocks(doc.raw_text, main_text=doc.main_text, title=doc.title)
        secs += time.perf_counter() - t0
        pred = "\n".join(b.text for b in blocks if b.kind in ("body", "subtitle"))
        rows.append(_prf(pred, r["gold_text"]))
        extractor.append(_prf(doc.main_text or "", r["gold_text"]))
        if show:
            p, rc, f = rows[-1]
            print(f"  html P={p:.2f} R={rc:.2f} F={f:.2f} (extractor F={extractor[-1][2]:.2f}) {r['url'][:80]}")
    avg = lambda xs, k: round(sum(x[k] for x in xs) / max(len(xs), 1), 4)  # noqa: E731
    return {"pages": len(rows), "precision": avg(rows, 0), "recall": avg(rows, 1), "f1": avg(rows, 2),
            "extractor_main_text_f1": avg(extractor, 2),
            "ms_per_page": round(1000 * secs / max(len(rows), 1), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--show-errors", action="store_true", help="list every wrong seed line")
    ap.add_argument("--pages", action="store_true", help="list per-page scores")
    a = ap.parse_args()
    shared = Path(a.shared)
    print("seeds:", json.dumps(seeds_scores(shared, Path(a.seeds), a.show_errors), indent=1))
    print("whole-page text:", json.dumps(pages_scores(shared, a.pages), indent=1))
    print("html path:", json.dumps(html_scores(shared, a.pages), indent=1))


if __name__ == "__main__":
    main()
