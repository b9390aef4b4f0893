"""Stable ids: hashes of their parts, and the ids of clusters (stories, statements) that touch a batch."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable

from transforms.union_find import UnionFind


def hash_id(prefix: str, *parts: str) -> str:
    return f"{prefix}_{hashlib.sha1('|'.join(parts).encode()).hexdigest()[:16]}"


def cluster_ids(forest: UnionFind, batch: set[str], *, prefix: str, order: Callable,
                current: dict[str, str | None]) -> dict[str, str]:
    """Ids of the clusters that touch the batch: the id most of the cluster's published members
    already carry (ids never change because a document arrived), else a hash of its earliest
    member. Returns the new id of every batch member and of every published member that moves."""
    out = {}
    for members in forest.groups().values():
        if not any(m in batch for m in members):
            continue
        existing = Counter(current[m] for m in members if current.get(m))
        cid = min(existing, key=lambda c: (-existing[c], c)) if existing else hash_id(prefix, min(members, key=order))
        for m in members:
            if m in batch or current.get(m) != cid:
                out[m] = cid
    return out
