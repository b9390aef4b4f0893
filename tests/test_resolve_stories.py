"""Stories and near-duplicates (transforms/resolve/stories.py) on made-up articles
(tests/fixtures/namesakes): one event's articles group, a syndicated copy points at its original."""
from __future__ import annotations

import numpy as np
from resolve_fixtures import apply, story

from transforms.resolve.stories import (
    jaccard_containment,
    pair_overlaps,
    story_candidates,
)


def test_stories_and_syndicated_copy(batch, resolved):
    t = apply(batch, resolved)
    assert story(t, "a1") == story(t, "a2") == story(t, "a3") == story(t, "a4")
    assert story(t, "a5") != story(t, "a1")
    assert story(t, "c1") == story(t, "c2") != story(t, "c3")
    assert story(t, "d1") != story(t, "d2")
    assert story(t, "e2") not in {story(t, "e1"), story(t, "e3")}
    by_name = dict(zip(batch["documents"]["source_path"], batch["documents"]["doc_id"]))
    assert resolved.near_duplicate_of == {by_name["a4_pipeline_syndicated.txt"]: by_name["a2_pipeline_jabouri.txt"]}


def test_candidates_share_a_rare_feature_and_touch_the_batch():
    f = [np.array(x, dtype=np.uint64) for x in ([1, 2], [2, 3], [3, 4], [1, 9])]
    in_batch = np.array([True, False, False, True])
    # 2 links d0-d1 and 3 links d1-d2 (neither d1 nor d2 in the batch), 1 links d0-d3.
    assert story_candidates(["d0", "d1", "d2", "d3"], f, in_batch, cap=2) == [("d0", "d1"), ("d0", "d3")]
    assert story_candidates(["d0", "d1", "d2", "d3"], f, in_batch, cap=1) == []


def test_pair_overlaps_and_similarity():
    sets = {"a": np.array([1, 2, 3, 4], dtype=np.uint64), "b": np.array([3, 4, 5], dtype=np.uint64),
            "c": np.array([], dtype=np.uint64)}
    assert pair_overlaps([("a", "b"), ("a", "c"), ("b", "a")], sets) == [2, 0, 2]
    assert jaccard_containment(2, 4, 3) == (2 / 5, 2 / 3)
    assert jaccard_containment(0, 4, 3) == (0.0, 0.0)
