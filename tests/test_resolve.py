"""The three steps in order (transforms/resolve/resolution.py) on made-up articles
(tests/fixtures/namesakes): incremental runs link to known ids, the same input gives the same ids."""
from __future__ import annotations

import polars as pl
from conftest import analyse_batch, source_document
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


_SPELLINGS = {
    "a.txt": "Envoy holds talks in Geneva\n\nKassem Suleimani, the envoy, met the mediator Lorenzo Vettel in Geneva "
             "on Tuesday, officials said.\n\nSuleimani told reporters the talks with Vettel had been useful and would "
             "continue next week.\n",
    "b.txt": "Visit to Tehran\n\nQassem Soleimani arrived in Tehran on Friday for a two-day visit.\n\n"
             "Soleimani is expected to return home on Sunday.\n",
    "c.txt": "Mediator meets envoy again\n\nQassem Soleimani held a second round of talks with Lorenzo Vettel on "
             "Monday, a spokesman said.\n\nVettel said progress had been made.\n",
}


def test_a_later_document_merges_two_published_entities(nlp):
    """Two spellings with nothing else in common stay apart; a later article that shares a
    co-mention with one and the spelling of the other joins them, and the published mentions
    move to the one id, with the reason."""
    docs = {name: source_document(text, name) for name, text in _SPELLINGS.items()}
    first = analyse_batch([docs["a.txt"], docs["b.txt"]], nlp, run_id="r1")
    w1 = apply(first, resolve(first, empty()))
    assert not one(w1, "Kassem Suleimani", "Qassem Soleimani")
    second = analyse_batch([docs["c.txt"]], nlp, run_id="r2")
    w2 = apply(second, resolve(second, w1), w1)
    assert one(w2, "Kassem Suleimani", "Suleimani", "Qassem Soleimani", "Soleimani")
    (row,) = w2["entities"].filter(pl.col("name") == "Qassem Soleimani").to_dicts()
    assert any(r.startswith("Kassem Suleimani: another spelling of") and "Lorenzo Vettel" in r
               for r in row["merge_reasons"])
