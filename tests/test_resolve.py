"""The three steps in order (transforms/resolve/resolution.py) on made-up articles
(tests/fixtures/namesakes): incremental runs link to known ids, the same input gives the same ids."""
from __future__ import annotations

import polars as pl
from conftest import analyse_batch
from resolve_fixtures import (
    apply,
    empty,
    ids,
    namesake_docs,
    one,
    story,
)

from transforms.resolve import apply_resolution, resolve


def test_incremental_run_links_to_known_ids(nlp):
    docs = namesake_docs()
    first, second = docs[::2], docs[1::2]
    b1 = analyse_batch(first, nlp, run_id="r1")
    w1 = apply(b1, resolve(b1, empty()))
    b2 = analyse_batch(second, nlp, run_id="r2")
    r2 = resolve(b2, w1)
    w2 = apply(b2, r2)
    known_ids = set(w1["entities"]["entity_id"])
    both = {k: pl.concat([w1[k], w2[k]]) for k in ("entity_mentions", "documents")}
    # a1 (first run) and a2 (second run) spell the governor differently: one known id.
    assert one(both, "Muhammad Yusuf al-Jaburi", "Mohammed Yousef al-Jabouri")
    assert ids(both, "Mohammed Yousef al-Jabouri") <= known_ids
    assert not ids(both, "Mohammed Yousef al-Jabouri") & ids(both, "Mohammed Salih al-Jabouri")
    assert story(both, "a2") == story(both, "a1")


def test_same_input_same_ids(batch, resolved):
    doc_ids = set(batch["documents"]["doc_id"])
    quote_ids = set(batch["quotes"]["quote_id"])
    assert set(resolved.story_ids) == doc_ids and all(resolved.story_ids.values())
    assert set(resolved.statement_ids) == quote_ids and all(resolved.statement_ids.values())
    again = resolve(batch, empty())
    assert again.entity_id_map == resolved.entity_id_map
    assert again.story_ids == resolved.story_ids
    assert again.statement_ids == resolved.statement_ids
    rerun = resolve(batch, apply(batch, resolved))  # the warehouse already holds this batch
    assert rerun.entity_id_map == resolved.entity_id_map
    assert rerun.story_ids == resolved.story_ids  # every document again, with the same story
    assert rerun.statement_ids == resolved.statement_ids


def test_apply_resolution_publishes_resolved_ids(batch, resolved):
    tables, story_updates, statement_updates = apply_resolution(batch, resolved)
    assert set(tables["entity_mentions"]["entity_id"].drop_nulls()) <= set(tables["entities"]["entity_id"])
    assert dict(zip(tables["documents"]["doc_id"], tables["documents"]["story_id"])) == resolved.story_ids
    assert dict(zip(tables["quotes"]["quote_id"], tables["quotes"]["statement_id"])) == resolved.statement_ids
    assert story_updates.is_empty() and statement_updates.is_empty()  # nothing was known before
