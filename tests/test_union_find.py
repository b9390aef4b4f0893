"""The one union-find of transforms/resolve/union_find.py (resolution and in-document linking)."""
from __future__ import annotations

from transforms.union_find import UnionFind


def test_attach_keeps_the_target_root():
    f = UnionFind("abcd")
    f.attach("a", "b")
    f.attach("b", "c")
    assert f.find("a") == f.find("b") == "c"
    assert f.find("d") == "d"
    assert f.groups() == {"c": ["a", "b", "c"], "d": ["d"]}


def test_union_smallest_root_and_groups_in_item_order():
    f = UnionFind(range(5))
    f.union_smallest_root(4, 2)
    f.union_smallest_root(2, 3)
    f.union_smallest_root(3, 3)
    assert f.find(4) == f.find(3) == 2
    assert f.groups() == {0: [0], 1: [1], 2: [2, 3, 4]}
