"""Stories (documents about one event) and near-duplicates (syndicated copies) across documents.

A new document joins a known story; two known stories may merge when a new document bridges them.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta

import numpy as np
from rapidfuzz import fuzz

from transforms.names import fold
from transforms.resolve.features import (
    CANDIDATE_DF,
    NUMERIC_LABELS,
    ArticleTexts,
    Features,
    entity_weight,
)
from transforms.resolve.ids import cluster_ids
from transforms.union_find import UnionFind

#: Documents more than this many days apart are never one story (nor copies).
STORY_DAYS = 4


def resolve_stories(batch, known, texts: ArticleTexts, mention_entity: dict[str, str], features: Features):
    """(doc_id -> story_id of batch documents and of known ones whose story changed,
    doc_id -> the earlier doc_id it nearly copies)."""
    docs = _documents(batch, known)
    batch_docs = set(batch["documents"]["doc_id"])
    ents = _entities_by_document(batch, known, mention_entity)
    sh3, sh5 = {}, {}
    for d in docs:
        sh3[d], sh5[d] = features.shingles_of(d, texts)

    def order(d):  # earlier first: publication time, then known before new, then id
        p = docs[d]["published_at"]
        return (p is None, p.timestamp() if p is not None else 0, not docs[d]["known"], d)

    forest = UnionFind(docs)
    near: dict[str, str] = {}
    candidates = _candidate_pairs(docs, batch_docs, ents, sh5)
    shared5, shared3 = pair_overlaps(candidates, sh5), pair_overlaps(candidates, sh3)
    for (d, o), s5, s3 in zip(candidates, shared5, shared3):
        if not _published_close(docs[d]["published_at"], docs[o]["published_at"]):
            continue
        j5, c5 = jaccard_containment(s5, len(sh5[d]), len(sh5[o]))
        if j5 >= 0.6 or c5 >= 0.8:
            first, later = sorted((d, o), key=order)
            near.setdefault(later, first)
            forest.attach(later, first)
            continue
        j3, _ = jaccard_containment(s3, len(sh3[d]), len(sh3[o]))
        if same_story(ents[d], ents[o], j3, docs[d]["title"], docs[o]["title"]):
            a, b = sorted((forest.find(d), forest.find(o)), key=order)
            forest.attach(b, a)

    story_ids = cluster_ids(
        forest, batch_docs, prefix="sto", order=order,
        current={d: docs[d]["story_id"] for d in docs if docs[d]["known"]},
    )
    return story_ids, near


def _documents(batch, known) -> dict[str, dict]:
    """doc_id -> (title, published_at, story_id, known) of known, then batch documents."""
    docs = {}
    for table, is_known in ((known["documents"], True), (batch["documents"], False)):
        for row in table.select("doc_id", "title", "published_at", "story_id").iter_rows(named=True):
            docs[row["doc_id"]] = dict(row, known=is_known)
    return docs


def _entities_by_document(batch, known, mention_entity: dict[str, str]) -> dict[str, dict[str, float]]:
    """doc_id -> resolved entity id -> weight, of the named (not numeric) mentions."""
    ents: dict[str, dict[str, float]] = defaultdict(dict)
    for table in (known["entity_mentions"], batch["entity_mentions"]):
        for doc_id, eid, label in table.select("doc_id", "entity_id", "label").iter_rows():
            if eid is None or label in NUMERIC_LABELS:
                continue
            ents[doc_id][mention_entity.get(eid, eid)] = entity_weight(label)
    return ents


def _published_close(p1, p2) -> bool:
    """Within the days one story runs (or either date unknown)."""
    return p1 is None or p2 is None or abs(p1 - p2) <= timedelta(days=STORY_DAYS)


def _candidate_pairs(docs, batch_docs: set[str], ents, sh5) -> list[tuple[str, str]]:
    """Documents sharing a distinctive entity or a rare 5-word shingle with a batch document.
    Features in very many documents (boilerplate phrases, a country's leader) say little about
    one event and would make the comparison quadratic, so they are not indexed."""
    doc_ids = sorted(docs)
    features = []
    for d in doc_ids:
        strong = [entity_feature(e) for e, w in ents.get(d, {}).items() if w == 1.0]
        features.append(np.union1d(sh5[d], np.array(strong, dtype=np.uint64)))
    in_batch = np.array([d in batch_docs for d in doc_ids], dtype=bool)
    cap = max(CANDIDATE_DF, len(docs) // 100)
    return story_candidates(doc_ids, features, in_batch, cap)


def entity_feature(entity_id: str) -> int:
    """An entity id as a 64-bit feature, indexed alongside shingles."""
    return int.from_bytes(hashlib.blake2b(entity_id.encode(), digest_size=8).digest(), "little")


def story_candidates(doc_ids: list[str], features: list[np.ndarray], in_batch: np.ndarray, cap: int):
    """Pairs of documents sharing a feature held by at most `cap` documents, at least one of the
    pair in the batch: (batch doc, other doc) with the smaller id first when both are in the batch,
    sorted. Features are uint64 hashes; the inverted index is a sort, not a dict of sets, so its
    memory stays a few bytes per (document, feature)."""
    codes = _sharing_pair_codes(features, cap)
    if codes is None:
        return []
    n = len(features)
    lo, hi = codes // n, codes % n
    touched = in_batch[lo] | in_batch[hi]
    out = []
    for x, y in zip(lo[touched].tolist(), hi[touched].tolist()):
        dx, dy = doc_ids[x], doc_ids[y]
        if in_batch[x] and in_batch[y]:
            out.append((min(dx, dy), max(dx, dy)))
        else:
            out.append((dx, dy) if in_batch[x] else (dy, dx))
    return sorted(out)


def _sharing_pair_codes(features: list[np.ndarray], cap: int) -> np.ndarray | None:
    """Unique codes i * n + j (i < j) of the owners sharing a feature held by 2..cap owners;
    None when there are no features at all."""
    lengths = np.array([len(f) for f in features], dtype=np.int64)
    if not lengths.sum():
        return None
    feats = np.concatenate(features)
    owners = np.repeat(np.arange(len(features), dtype=np.int64), lengths)
    order = np.argsort(feats, kind="stable")
    feats, owners = feats[order], owners[order]
    _, starts, counts = np.unique(feats, return_index=True, return_counts=True)
    keep = (counts >= 2) & (counts <= cap)
    starts, counts = starts[keep], counts[keep]
    n = len(features)
    codes = []
    pairs2 = counts == 2  # most shared features are held by two documents: pair them at once
    a, b = owners[starts[pairs2]], owners[starts[pairs2] + 1]
    codes.append(np.minimum(a, b) * n + np.maximum(a, b))
    for s, c in zip(starts[~pairs2], counts[~pairs2]):
        members = np.unique(owners[s:s + c])
        i, j = np.triu_indices(len(members), k=1)
        codes.append(members[i] * n + members[j])
    return np.unique(np.concatenate(codes))


def pair_overlaps(pairs: list[tuple[str, str]], sets: dict[str, np.ndarray]) -> list[int]:
    """|sets[a] & sets[b]| for every pair (a, b) of sorted unique arrays. The pairs of one `a` are
    counted together (one search of all their members in `sets[a]`): one numpy call per document
    instead of one per pair."""
    by_first: dict[str, list[int]] = defaultdict(list)
    for i, (a, _) in enumerate(pairs):
        by_first[a].append(i)
    out = np.zeros(len(pairs), dtype=np.int64)
    for a, at in by_first.items():
        mine = sets[a]
        others = [sets[pairs[i][1]] for i in at]
        members = np.concatenate(others)
        if not len(mine) or not len(members):
            continue
        owner = np.repeat(np.arange(len(at)), [len(x) for x in others])
        pos = np.searchsorted(mine, members)
        pos[pos == len(mine)] = 0
        out[at] = np.bincount(owner[mine[pos] == members], minlength=len(at))
    return out.tolist()


def jaccard_containment(shared: int, size_a: int, size_b: int) -> tuple[float, float]:
    """Jaccard similarity of two sets with `shared` members in common, and how much of the
    smaller one the other holds."""
    if not shared:
        return 0.0, 0.0
    return shared / (size_a + size_b - shared), shared / min(size_a, size_b)


def same_story(ea: dict, eb: dict, text_sim: float, ta: str | None, tb: str | None) -> bool:
    """One event: similar text, or the same distinctive actors and objects with enough context
    (places add a little: most articles of a region share them)."""
    if text_sim >= 0.2:
        return True
    shared = ea.keys() & eb.keys()
    strong = sum(1 for e in shared if ea[e] == 1.0 and eb[e] == 1.0)
    weight = sum(min(ea[e], eb[e]) for e in shared)
    if strong == 0 or weight < 1.5:
        return False
    total = sum(ea.values()) + sum(eb.values()) - weight  # the union's weight, each entity at its max
    ent_sim = weight / total if total else 0.0
    title_sim = fuzz.token_set_ratio(fold(ta or ""), fold(tb or "")) / 100 if ta and tb else 0.0
    return ent_sim >= 0.3 or (ent_sim >= 0.15 and (title_sim >= 0.5 or text_sim >= 0.05))
