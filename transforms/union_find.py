"""Union-find over hashable ids: which mentions, entities, documents or quotes have been joined."""
from __future__ import annotations

from collections.abc import Hashable, Iterable


class UnionFind:
    """Disjoint sets of items (path halving, no ranks: which root survives a join is the caller's
    choice, since ids derive from it)."""

    def __init__(self, items: Iterable[Hashable]):
        self.parent = {x: x for x in items}

    def find(self, x):
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def attach(self, item, onto) -> None:
        """Join item's set under onto's set (onto's root stays the root)."""
        self.parent[self.find(item)] = self.find(onto)

    def union_smallest_root(self, a, b) -> None:
        """Join the sets of a and b under the smaller of their two roots."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict:
        """root -> members, members in the order the items were given."""
        out: dict = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return out
