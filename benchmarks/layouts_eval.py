"""Measure block typing across text layouts, and what it costs the entity and quote stages.

Every corpus runs through the pipeline's own code path without Prefect: documents are built as
ingest builds them (text via `text_document`, HTML via `html_document`), recurring block keys are
computed over each corpus's texts with the run's `min_recurring_documents`, then
`segment_documents`, and (where entities or quotes are scored) `document_tables` with the model
`load_model` gives the flow. "Body" means blocks of kind body or subtitle; the kinds seen are
reported so that new kinds (dateline, byline, table, ...) show up.

- wrapped:    ../shared/corpora/wrapped_dev.jsonl, per layout style and overall: body token
              precision/recall/F1 against the joined gold paragraphs (bag of whitespace tokens,
              multiset overlap, averaged per document as in the article-extraction benchmark),
              share of titles right (title block == gold title, whitespace-normalised), share of
              gold paragraphs that come out as exactly one block.
- aida:       aida_dev.jsonl (CoNLL layout, one sentence per line): gold Wikidata-linked mentions
              found among entity_mentions (overlap >= half the longer span) per type and overall;
              misses split into lost to block typing (mention in a block the model does not
              analyse), lost to language (document not read as English) and lost to NER; and NER
              exact-span P/R/F1 against the CoNLL++ labels (OntoNotes labels mapped to
              PER/ORG/LOC/MISC), with `--bare` also for the bare model over whole document texts.
- extraction: article_extraction_dev.jsonl: body token P/R/F1 from HTML (raw_text + main_text
              hint) and from the same raw_text as plain page text (no main_text, no title hint).
- seeds:      ./seeds against ../shared/gold/seeds.json, line kinds scored as
              ../shared/tools/score_seeds.py does (a line's kind is that of the block covering
              most of it).
- polnear:    polnear_dev.jsonl direct quotes and speakers, scored by benchmarks/quotes_eval.py.

Usage: .venv/bin/python benchmarks/layouts_eval.py [--corpora wrapped,aida,extraction,seeds,polnear]
           [--limit N] [--json OUT] [--bare] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from flows.settings import Settings

try:
    from flows.runtime.workers import load_model
except ImportError:
    from flows.workers import load_model
from transforms import schema
from transforms.analyse import document_tables
from transforms.document import SourceDocument
from transforms.ingest.decode import content_sha256, doc_id_for
from transforms.ingest.formats import html_document, parse_input, text_document
from transforms.segment import recurring_block_keys, segment_documents

BODY_KINDS = {"body", "subtitle"}
SETTINGS = Settings.from_env() if hasattr(Settings, "from_env") else Settings()
GOLD_TYPES = {"Q215627": "person", "Q43229": "organisation", "Q27096213": "place"}
ONTO_TO_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
                 **dict.fromkeys(("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"), "MISC")}
TARGETS = {
    "wrapped": {"precision": 0.98, "recall": 0.98, "paragraph_one_block": 0.95},
    "wrapped_no_separator_ragged": {"paragraph_one_block": 0.80},
    "aida": {"person": 0.92, "place": 0.85, "organisation": 0.80},
    "aida_not_analysed_max": 0.03,
    "extraction": {"html": 0.975, "page_text": 0.939},
}


# ---------------------------------------------------------------- shared helpers
def read_jsonl(path: Path, limit: int | None) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(out) >= limit:
                break
            out.append(json.loads(line))
    return out


def source(parsed, name: str, data: bytes) -> SourceDocument:
    """A SourceDocument from an ingest ParsedDocument, as flows.sources publishes it."""
    return SourceDocument(
        doc_id=doc_id_for(parsed.raw_text), source_path=name, format=parsed.format, encoding=parsed.encoding,
        raw_text=parsed.raw_text, content_sha256=content_sha256(data), ingested_at=datetime.now(UTC),
        title=parsed.title, source_name=parsed.source_name, url=parsed.url, published_at=parsed.published_at,
        author=parsed.author, language=parsed.language, main_text=parsed.main_text)


def text_source(name: str, text: str) -> SourceDocument:
    return source(text_document(text, "utf-8", "text"), name, text.encode("utf-8"))


def segment(docs: list[SourceDocument]):
    """Blocks of each document, with the run's recurring keys computed over these documents."""
    recurring = recurring_block_keys((d.raw_text for d in docs), min_documents=SETTINGS.min_recurring_documents)
    return segment_documents(docs, recurring=recurring)


def norm_ws(text: str) -> str:
    return " ".join(text.split())


def no_ws(text: str) -> str:
    """Text without whitespace: a paragraph whose hyphenated word was split at a line end
    ("three-\nparty") is still that one paragraph."""
    return "".join(text.split())


def token_prf(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = Counter(pred.split()), Counter(gold.split())
    if not p and not g:
        return 1.0, 1.0, 1.0
    tp = sum((p & g).values())
    prec = tp / sum(p.values()) if p else 0.0
    rec = tp / sum(g.values()) if g else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def mean(xs) -> float:
    xs = list(xs)
    return round(sum(xs) / len(xs), 4) if xs else 0.0


def overlaps_half(a0: int, a1: int, b0: int, b1: int) -> bool:
    return max(0, min(a1, b1) - max(a0, b0)) >= 0.5 * max(a1 - a0, b1 - b0)


def body_text(blocks) -> str:
    return "\n".join(b.text for b in blocks if b.kind in BODY_KINDS)


def mark(value: float, target: float | None, below: bool = False) -> str:
    if target is None:
        return ""
    ok = value < target if below else value >= target
    return f"{'<' if below else '>='}{target:g} {'ok' if ok else 'MISS'}"


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    cells = [[f"{c:.4f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print(f"\n== {title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


# ---------------------------------------------------------------- wrapped_dev
def eval_wrapped(shared: Path, limit: int | None) -> dict:
    recs = read_jsonl(shared / "corpora" / "wrapped_dev.jsonl", limit)
    docs = [text_source(r["doc_id"], r["text"]) for r in recs]
    per_style: dict[str, list[dict]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    for r, blocks in zip(recs, segment(docs)):
        kinds.update(b.kind for b in blocks)
        p, rc, f = token_prf(body_text(blocks), "\n".join(r["gold_paragraphs"]))
        title = next((b.text for b in blocks if b.kind == "title"), "")
        texts = {no_ws(b.text) for b in blocks}
        one = [no_ws(g) in texts for g in r["gold_paragraphs"]]
        row = dict(p=p, r=rc, f=f, title=norm_ws(title) == norm_ws(r["gold_title"]), one=one)
        per_style[r["style"]].append(row)
        per_style["all"].append(row)
    out = {"documents": len(recs), "kinds_seen": dict(kinds.most_common()), "styles": {}}
    rows = []
    for style in sorted(s for s in per_style if s != "all") + ["all"]:
        xs = per_style[style]
        paras = [o for x in xs for o in x["one"]]
        s = dict(documents=len(xs), precision=mean(x["p"] for x in xs), recall=mean(x["r"] for x in xs),
                 f1=mean(x["f"] for x in xs), title_right=mean(x["title"] for x in xs),
                 paragraph_one_block=mean(paras), paragraphs=len(paras))
        out["styles"][style] = s
        t = TARGETS["wrapped"] if style != "all" else {}
        t_one = TARGETS.get(style, {}).get("paragraph_one_block", t.get("paragraph_one_block"))
        rows.append([style, s["documents"], s["precision"], mark(s["precision"], t.get("precision")),
                     s["recall"], mark(s["recall"], t.get("recall")), s["f1"], s["title_right"],
                     s["paragraph_one_block"], mark(s["paragraph_one_block"], t_one)])
    print_table(f"wrapped_dev ({len(recs)} docs; kinds seen: {out['kinds_seen']})",
                ["style", "n", "body_P", "target", "body_R", "target", "F1", "title", "para=1blk", "target"], rows)
    return out


# ---------------------------------------------------------------- aida_dev
def conll_set(rows) -> set[tuple]:
    """(doc, start, end, CoNLL label) of OntoNotes-labelled (doc, start, end, label) rows."""
    return {(d, s, e, ONTO_TO_CONLL[lb]) for d, s, e, lb in rows if lb in ONTO_TO_CONLL}


def ner_scores(pred: set[tuple], gold: set[tuple]) -> dict:
    out = {}
    for label in ("PER", "ORG", "LOC", "MISC", "all"):
        p = {x for x in pred if label in ("all", x[3])}
        g = {x for x in gold if label in ("all", x[3])}
        tp = len(p & g)
        prec, rec = tp / max(len(p), 1), tp / max(len(g), 1)
        out[label] = dict(precision=round(prec, 4), recall=round(rec, 4),
                          f1=round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0, gold=len(g), pred=len(p))
    return out


def ner_errors(pred: set[tuple], gold: set[tuple]) -> Counter:
    """Classes of NER errors: wrong label on the right span, wrong boundary, missed, spurious."""
    err: Counter[str] = Counter()
    by_doc_p, by_doc_g = defaultdict(list), defaultdict(list)
    for x in pred:
        by_doc_p[x[0]].append(x)
    for x in gold:
        by_doc_g[x[0]].append(x)
    for g in gold - pred:
        near = [p for p in by_doc_p[g[0]] if min(p[2], g[2]) > max(p[1], g[1])]
        if any(p[1:3] == g[1:3] for p in near):
            err[f"label {g[3]}->{next(p[3] for p in near if p[1:3] == g[1:3])}"] += 1
        elif near:
            err[f"boundary {g[3]}"] += 1
        else:
            err[f"missed {g[3]}"] += 1
    for p in pred - gold:
        if not any(min(p[2], g[2]) > max(p[1], g[1]) for g in by_doc_g[p[0]]):
            err[f"spurious {p[3]}"] += 1
    return err


def eval_aida(shared: Path, limit: int | None, nlp, bare: bool) -> dict:
    recs = read_jsonl(shared / "corpora" / "aida_dev.jsonl", limit)
    docs = [text_source(r["doc_id"], r["text"]) for r in recs]
    blocks = segment(docs)
    tables = document_tables(docs, blocks, nlp, run_id="eval")
    em = tables["entity_mentions"]
    pred_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    pred_rows = []
    for d, s, e, lb in em.select("doc_id", "char_start", "char_end", "label").iter_rows():
        pred_spans[d].append((s, e))
        pred_rows.append((d, s, e, lb))
    found, total = Counter(), Counter()
    lost: Counter[str] = Counter()
    lost_where: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for r, d, bl in zip(recs, docs, blocks):
        kinds.update(b.kind for b in bl)
        english = (d.language or "en") == "en"
        for m in r["mentions"]:
            types = {GOLD_TYPES[t] for t in m["type"].split("|") if t in GOLD_TYPES} | {"all"}
            hit = any(overlaps_half(m["start"], m["end"], s, e) for s, e in pred_spans[d.doc_id])
            for t in types:
                total[t] += 1
                found[t] += hit
            block = next((b for b in bl if b.char_start <= m["start"] < b.char_end), None)
            analysed = block is not None and block.kind in schema.ANALYSED_KINDS
            lost["in_not_analysed_block"] += not analysed
            if hit:
                continue
            cause = "block_typing" if not analysed else ("language" if not english else "ner")
            lost[cause] += 1
            if cause == "block_typing":
                lost_where[f"{block.kind}/{block.reason}" if block else "no block"] += 1
    found_share = {t: round(found[t] / max(total[t], 1), 4) for t in ("person", "organisation", "place", "all")}
    not_analysed = round(lost["in_not_analysed_block"] / max(total["all"], 1), 4)
    gold_ner = {(r["doc_id"], n["start"], n["end"], n["label"]) for r in recs for n in r["ner"]}
    doc_of = {d.doc_id: r["doc_id"] for r, d in zip(recs, docs)}
    pipe = conll_set((doc_of[d], s, e, lb) for d, s, e, lb in pred_rows)
    out = {"documents": len(recs), "kinds_seen": dict(kinds.most_common()),
           "not_english_documents": sum((d.language or "en") != "en" for d in docs),
           "gold_mentions": dict(total), "found": found_share,
           "lost_to_block_typing": lost["block_typing"], "lost_to_language": lost["language"],
           "lost_to_ner": lost["ner"], "share_in_not_analysed_blocks": not_analysed,
           "lost_by_block": dict(lost_where.most_common()),
           "ner": {"pipeline": ner_scores(pipe, gold_ner)},
           "ner_errors": {"pipeline": dict(ner_errors(pipe, gold_ner).most_common(12))}}
    if bare:
        import spacy

        model = spacy.load(SETTINGS.spacy_model)
        bare_rows = [(r["doc_id"], e.start_char, e.end_char, e.label_)
                     for r, doc in zip(recs, model.pipe((r["text"] for r in recs), batch_size=32)) for e in doc.ents]
        out["ner"]["bare"] = ner_scores(conll_set(bare_rows), gold_ner)
        out["ner_errors"]["bare"] = dict(ner_errors(conll_set(bare_rows), gold_ner).most_common(12))
    rows = [[t, total[t], found_share[t], mark(found_share[t], TARGETS["aida"].get(t))]
            for t in ("person", "organisation", "place", "all")]
    print_table(f"aida_dev ({len(recs)} docs; kinds seen: {out['kinds_seen']}) gold mentions found",
                ["type", "gold", "found", "target"], rows)
    print(f"lost to block typing {lost['block_typing']}, to language {lost['language']} "
          f"({out['not_english_documents']} docs not English), to NER {lost['ner']}; "
          f"gold mentions in not-analysed blocks {not_analysed:.4f} "
          f"{mark(not_analysed, TARGETS['aida_not_analysed_max'], below=True)}")
    if lost_where:
        print("lost to block typing, by kind/reason:", dict(lost_where.most_common(8)))
    rows = [[sys_name, lb, s["gold"], s["pred"], s["precision"], s["recall"], s["f1"]]
            for sys_name, res in out["ner"].items() for lb, s in res.items()]
    print_table("aida_dev NER vs CoNLL++ (exact span + label)", ["system", "label", "gold", "pred", "P", "R", "F1"], rows)
    for sys_name, errs in out["ner_errors"].items():
        print(f"{sys_name} NER errors:", errs)
    return out


# ---------------------------------------------------------------- article_extraction_dev
def eval_extraction(shared: Path, limit: int | None) -> dict:
    recs = read_jsonl(shared / "corpora" / "article_extraction_dev.jsonl", limit)
    docs = []
    for r in recs:
        data = r["html"].encode("utf-8")
        docs.append(source(html_document(r["html"], url=r.get("url")), r["doc_id"], data))
    plain = [replace(d, format="text", main_text=None, title=None) for d in docs]
    out = {"documents": len(recs)}
    rows = []
    for name, variant in (("html", docs), ("page_text", plain)):
        kinds: Counter[str] = Counter()
        scores = []
        for r, bl in zip(recs, segment(variant)):
            kinds.update(b.kind for b in bl)
            scores.append(token_prf(body_text(bl), r["gold_text"]))
        s = dict(precision=mean(x[0] for x in scores), recall=mean(x[1] for x in scores),
                 f1=mean(x[2] for x in scores), kinds_seen=dict(kinds.most_common()))
        out[name] = s
        rows.append([name, s["precision"], s["recall"], s["f1"], mark(s["f1"], TARGETS["extraction"][name])])
    print_table(f"article_extraction_dev ({len(recs)} pages; kinds seen html: {out['html']['kinds_seen']})",
                ["input", "body_P", "body_R", "F1", "target"], rows)
    return out


# ---------------------------------------------------------------- seeds
def eval_seeds(shared: Path, seeds_dir: Path, limit: int | None) -> dict:
    gold = json.loads((shared / "gold" / "seeds.json").read_text(encoding="utf-8"))["documents"]
    names = sorted(gold)[:limit]
    docs = []
    for name in names:
        data = (seeds_dir / name).read_bytes()
        docs.append(source(parse_input(data, name).records[0].document, name, data))
    right = total = 0
    confusion: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for name, d, bl in zip(names, docs, segment(docs)):
        kinds.update(b.kind for b in bl)
        starts, pos = [], 0
        for line in d.raw_text.split("\n"):
            starts.append((pos, pos + len(line)))
            pos += len(line) + 1
        for ln, kind in gold[name]["line_kinds"].items():
            s, e = starts[int(ln) - 1]
            best, cover = "none", 0
            for b in bl:
                o = max(0, min(e, b.char_end) - max(s, b.char_start))
                if o > cover:
                    best, cover = b.kind, o
            total += 1
            right += best == kind
            if best != kind:
                confusion[f"{kind}->{best}"] += 1
    out = {"documents": len(names), "lines": total, "line_kind_accuracy": round(right / max(total, 1), 4),
           "errors": dict(confusion.most_common()), "kinds_seen": dict(kinds.most_common())}
    print_table(f"seeds ({len(names)} docs; kinds seen: {out['kinds_seen']})",
                ["lines", "kind_right", "errors"], [[total, out["line_kind_accuracy"], out["errors"]]])
    return out


# ---------------------------------------------------------------- polnear_dev
def eval_polnear(shared: Path, limit: int | None, nlp) -> dict:
    import quotes_eval

    recs = read_jsonl(shared / "corpora" / "polnear_dev.jsonl", limit)
    quotes_eval.record_of.update((r["doc_id"], r) for r in recs)
    analysed = quotes_eval.analyse(recs, nlp)
    res = quotes_eval.score(analysed, recs, quotes_eval.direct_quotes, False, "newsflow")
    keys = ["gold_direct", "predicted", "precision", "recall", "f1", "precision_strict", "speaker_named",
            "speaker_named_n", "missed_outside_article_blocks"]
    print_table(f"polnear_dev ({len(recs)} docs) direct quotes", keys, [[res[k] for k in keys]])
    return {"documents": len(recs), **{k: v for k, v in res.items() if k != "system"}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default="wrapped,aida,extraction,seeds,polnear")
    ap.add_argument("--limit", type=int, default=None, help="documents per corpus")
    ap.add_argument("--json", dest="json_out", help="write all figures to this JSON file")
    ap.add_argument("--bare", action="store_true", help="also score the bare model's NER on aida")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    args = ap.parse_args()
    shared, wanted = Path(args.shared), [c.strip() for c in args.corpora.split(",") if c.strip()]
    unknown = set(wanted) - {"wrapped", "aida", "extraction", "seeds", "polnear"}
    if unknown:
        ap.error(f"unknown corpora: {sorted(unknown)}")
    nlp = load_model(SETTINGS.spacy_model) if {"aida", "polnear"} & set(wanted) else None
    results = {"model": SETTINGS.spacy_model, "limit": args.limit}
    for name in wanted:
        if name == "wrapped":
            results[name] = eval_wrapped(shared, args.limit)
        elif name == "aida":
            results[name] = eval_aida(shared, args.limit, nlp, args.bare)
        elif name == "extraction":
            results[name] = eval_extraction(shared, args.limit)
        elif name == "seeds":
            results[name] = eval_seeds(shared, Path(args.seeds), args.limit)
        elif name == "polnear":
            results[name] = eval_polnear(shared, args.limit, nlp)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
