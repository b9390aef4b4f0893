"""Helpers for the quote tests: small made-up articles through the real pipeline path."""
from __future__ import annotations

from datetime import datetime, timezone

from conftest import analyse_batch, analysed_documents

from transforms.document import AnalysedDocument, SourceDocument

TITLE = "Council rejects harbour plan after long debate"


def article(body: str, title: str = TITLE) -> SourceDocument:
    """A document of a title, a blank line and paragraphs."""
    raw = f"{title}\n\n{body.strip()}\n"
    return SourceDocument("d1", "mem://d1.txt", "text", "utf-8", raw, "0" * 64, datetime.now(timezone.utc))


def analysed(nlp, body: str, title: str = TITLE) -> AnalysedDocument:
    """The segmented, parsed article (for tests of the quote modules' indexes)."""
    return analysed_documents([article(body, title)], nlp)[0]


def quotes(nlp, body: str, title: str = TITLE) -> list[dict]:
    """Quote rows of one article, offsets checked against the text."""
    doc = article(body, title)
    rows = analyse_batch([doc], nlp, run_id="test")["quotes"].to_dicts()
    for r in rows:
        assert doc.raw_text[r["char_start"]:r["char_end"]] == r["text"]
        assert 0.0 <= r["confidence"] <= 1.0
    return rows


def one(rows: list[dict], starts: str) -> dict:
    found = [r for r in rows if r["text"].startswith(starts)]
    assert len(found) == 1, [r["text"] for r in rows]
    return found[0]
