"""Statements (transforms/resolve/statements.py) on made-up articles (tests/fixtures/namesakes):
the same quote, reworded or copied, is one statement."""
from __future__ import annotations

import polars as pl
from resolve_fixtures import apply

from transforms.resolve.features import Features
from transforms.resolve.statements import same_statement


def test_reworded_quotes_of_one_speaker_are_one_statement(batch, resolved):
    t = apply(batch, resolved)
    q = t["quotes"]

    def stmt(fragment, reported=False):
        kind = pl.col("quote_type") == "indirect"
        return q.filter(pl.col("text").str.contains(fragment) & (kind if reported else ~kind))["statement_id"].to_list()

    water = stmt("clean water")
    gas = stmt("growing market for")
    assert len(water) == 3 and len(set(water)) == 1  # the syndicated copy repeats it
    assert len(gas) == 2 and len(set(gas)) == 1
    assert set(water) != set(gas)
    assert q["statement_id"].null_count() == 0
    # the syndicated copies' reported version (a mixed quote) joins the direct quote's statement
    assert set(stmt("waited for far too long", reported=True)) == set(water)


def _quote(qid, text, speaker):
    stems, norm = Features().terms_of(qid, text)
    return dict(quote_id=qid, speaker=speaker, stems=stems, norm=norm)


def test_same_statement_needs_shared_words_or_a_long_fragment():
    a = _quote("q1", "We will open the new harbour to every ship before the winter storms", "e1")
    b = _quote("q2", "the new harbour will be open to every ship before winter", "e1")
    other = _quote("q3", "Taxes on bread will fall next month", "e1")
    assert same_statement(a, b)
    assert not same_statement(a, other)
    # Another speaker: only a long near-verbatim fragment counts.
    assert not same_statement(a, dict(b, speaker="e2"))
    fragment = _quote("q4", "open the new harbour to every ship before the winter storms", "e2")
    assert same_statement(a, fragment)
