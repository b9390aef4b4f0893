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
    both = apply(b2, r2, w1)
    # a1 (first run) and a2 (second run) spell the governor differently: one known id.
    assert one(both, "Muhammad Yusuf al-Jaburi", "Mohammed Yousef al-Jabouri")
    # Every mention, published or new, points at an entity row: merged ids moved everywhere.
    assert set(both["entity_mentions"]["entity_id"].drop_nulls()) <= set(both["entities"]["entity_id"])
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
    tables, updates = apply_resolution(batch, resolved)
    story_updates, statement_updates = updates["story_updates"], updates["statement_updates"]
    assert set(tables["entity_mentions"]["entity_id"].drop_nulls()) <= set(tables["entities"]["entity_id"])
    assert dict(zip(tables["documents"]["doc_id"], tables["documents"]["story_id"])) == resolved.story_ids
    assert dict(zip(tables["quotes"]["quote_id"], tables["quotes"]["statement_id"])) == resolved.statement_ids
    assert story_updates.is_empty() and statement_updates.is_empty()  # nothing was known before


def test_entities_do_not_depend_on_how_documents_arrive(nlp, batch, resolved):
    """One run or three: the same entity rows, and every mention with the same entity id."""
    one_run = apply(batch, resolved)
    docs = namesake_docs()
    warehouse = None
    for k, part in enumerate((docs[::3], docs[1::3], docs[2::3])):
        b = analyse_batch(part, nlp, run_id=f"r{k}")
        warehouse = apply(b, resolve(b, warehouse or empty()), warehouse)
    assert warehouse["entities"].equals(one_run["entities"])
    by_mention = lambda t: dict(t["entity_mentions"].select("mention_id", "entity_id").iter_rows())  # noqa: E731
    assert by_mention(warehouse) == by_mention(one_run)
