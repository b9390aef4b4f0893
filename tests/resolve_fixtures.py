"""Shared by the tests of transforms/resolve: the made-up articles of tests/fixtures/namesakes
(namesakes, spelling variants, stories, a syndicated copy, reworded quotes), analysed once per
test session, and helpers that read the resolved tables."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl
from conftest import analyse_batch, source_document

from transforms import schema
from transforms.resolve import apply_resolution, published_after, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "namesakes"
T0 = datetime(2023, 5, 7, 9, tzinfo=timezone.utc)
# Publication order inside each story; the syndicated copy comes after its original.
HOURS = {"a1": 0, "a2": 2, "a3": 30, "a4": 5, "a5": 400, "b1": 24, "b2": 200, "c1": 600, "c2": 606, "c3": 610,
         "d1": 900, "d2": 910, "e1": 1200, "e2": 1201, "e3": 1300}
TABLES = ("entities", "entity_mentions", "documents", "blocks", "quotes")

_CACHE: dict = {}


def empty():
    return {n: schema.TABLES[n].empty() for n in TABLES}


def namesake_docs():
    """The fixture articles as decoded documents, published in the order of HOURS."""
    if "docs" not in _CACHE:
        out = []
        for p in sorted(FIXTURES.glob("*.txt")):
            d = source_document(p.read_text(encoding="utf-8"), p.name)
            out.append(replace(d, published_at=T0 + timedelta(hours=HOURS[p.name[:2]])))
        _CACHE["docs"] = out
    return _CACHE["docs"]


def namesake_batch(nlp):
    """The fixture articles analysed as one batch (once per session: the test modules share it)."""
    if "batch" not in _CACHE:
        _CACHE["batch"] = analyse_batch(namesake_docs(), nlp, run_id="test")
    return _CACHE["batch"]


def namesakes_resolved(nlp):
    """The batch resolved against an empty warehouse."""
    if "resolved" not in _CACHE:
        _CACHE["resolved"] = resolve(namesake_batch(nlp), empty())
    return _CACHE["resolved"]


def apply(batch, res, known=None):
    """The warehouse after publishing a resolved batch (into `known`, else into an empty one), as
    `warehouse.store.publish` leaves it: the batch's rows added with resolved ids, published
    mentions and speakers moved to the entities they belong to now, entity rows replaced."""
    tables, updates = apply_resolution(batch, res)
    return tables if known is None else published_after(known, tables, updates)


def ids(tables, text, source=None):
    em = tables["entity_mentions"].filter(pl.col("text") == text)
    if source:
        doc_ids = tables["documents"].filter(pl.col("source_path").str.starts_with(source))["doc_id"]
        em = em.filter(pl.col("doc_id").is_in(doc_ids.to_list()))
    found = set(em["entity_id"])
    assert found, f"no mention {text!r}"
    return found


def one(tables, *texts):
    out = set().union(*(ids(tables, t) for t in texts))
    return len(out) == 1


def story(tables, prefix):
    docs = tables["documents"].filter(pl.col("source_path").str.starts_with(prefix))
    return docs["story_id"].item()
