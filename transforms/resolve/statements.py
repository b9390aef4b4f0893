"""Statements: one id for the same quote across outlets (reworded translations, fragments).

A new quote joins a known statement; two known statements may merge when a new quote bridges them.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from rapidfuzz import fuzz

from transforms.resolve.features import CANDIDATE_DF, Features
from transforms.resolve.ids import cluster_ids
from transforms.union_find import UnionFind


def resolve_statements(batch, known, entity_id_map: dict[str, str], features: Features) -> dict[str, str]:
    """quote_id -> statement_id of batch quotes and of known ones whose statement changed."""
    quotes = _quotes(batch, known, entity_id_map, features)
    by_id = {q["quote_id"]: q for q in quotes}
    batch_ids = {q["quote_id"] for q in quotes if not q["known"]}
    forest = UnionFind(by_id)
    for q, o in _candidate_pairs(quotes, by_id):
        if same_statement(q, o):
            a, b = sorted((forest.find(q["quote_id"]), forest.find(o["quote_id"])))
            forest.attach(b, a)
    return cluster_ids(
        forest, batch_ids, prefix="stm", order=lambda qid: qid,
        current={qid: q["statement_id"] for qid, q in by_id.items() if q["known"]},
    )


def _quotes(batch, known, entity_id_map: dict[str, str], features: Features) -> list[dict]:
    """Known, then batch quotes with their resolved speaker, content-word stems and folded text."""
    quotes = []
    for table, is_known in ((known["quotes"], True), (batch["quotes"], False)):
        for row in table.select("quote_id", "doc_id", "text", "speaker_entity_id", "statement_id").iter_rows(named=True):
            spk = row["speaker_entity_id"]
            if not is_known and spk is not None:
                spk = entity_id_map.get(spk, spk)
            stems, norm = features.terms_of(row["quote_id"], row["text"])
            quotes.append(dict(row, speaker=spk, known=is_known, stems=stems, norm=norm))
    return quotes


def _candidate_pairs(quotes: list[dict], by_id: dict[str, dict]):
    """(batch quote, other quote) pairs of other documents sharing at least two content words,
    each pair once, in id order. Every same-statement rule needs two shared content words, so
    candidates come from an index of stems; stems in very many quotes (said, government) are
    left out of it."""
    by_stem: dict[str, list[str]] = defaultdict(list)
    for q in quotes:
        for stem in q["stems"]:
            by_stem[stem].append(q["quote_id"])
    cap = max(CANDIDATE_DF, len(quotes) // 100)
    for q in sorted(quotes, key=lambda q: q["quote_id"]):
        if q["known"]:
            continue
        shared_stems = Counter(o for stem in q["stems"] if len(by_stem[stem]) <= cap for o in by_stem[stem])
        for o in (by_id[oid] for oid in sorted(shared_stems) if shared_stems[oid] >= 2):
            if o["quote_id"] == q["quote_id"] or o["doc_id"] == q["doc_id"]:
                continue
            if not o["known"] and o["quote_id"] < q["quote_id"]:
                continue
            yield q, o


def same_statement(q: dict, o: dict) -> bool:
    """Same speaker and shared content words (translations reword), or a long verbatim fragment
    of one inside the other (outlets attribute one statement to different speakers)."""
    a, b = q["stems"], o["stems"]
    if not a or not b:
        return False
    shared = len(a & b)
    if q["speaker"] is not None and q["speaker"] == o["speaker"]:
        if shared >= 3 and shared / min(len(a), len(b)) >= 0.5:
            return True
        if shared >= 2 and fuzz.token_set_ratio(q["norm"], o["norm"], score_cutoff=75):
            return True
    elif q["speaker"] is None or o["speaker"] is None:
        # One side has no named speaker (often an attribution miss): ask for more shared words.
        if shared >= 4 and shared / min(len(a), len(b)) >= 0.6:
            return True
    if shared * 2 < min(len(a), len(b)):
        return False  # a near-verbatim fragment shares most of the shorter quote's content words
    short, long_ = sorted((q["norm"], o["norm"]), key=len)
    return len(short.split()) >= 6 and len(short) >= 35 and fuzz.partial_ratio(short, long_, score_cutoff=88) > 0
