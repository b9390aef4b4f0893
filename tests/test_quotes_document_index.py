"""Offset lookups of one analysed document (transforms/quotes/document_index.py)."""
from __future__ import annotations

from quotes_support import analysed

from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.spans import find_quote_spans


def index_of(nlp, body: str) -> DocumentIndex:
    a = analysed(nlp, body)
    return DocumentIndex(a, find_quote_spans(a.article, a.raw_text))


def test_token_at_an_offset(nlp):
    index = index_of(nlp, "The harbour closed early. “We are done,” said Jane Doe.")
    at = index.raw_text.index("harbour") + 3  # inside the word
    bi = index.block_index_at(at)
    token = index.token_at(bi, at)
    assert token.text == "harbour"
    assert index.article[bi].start_of(token) == index.raw_text.index("harbour")
    assert index.block_index_at(len(index.raw_text) + 5) is None


def test_tokens_between_and_quote_membership(nlp):
    index = index_of(nlp, "The harbour closed early. “We are done,” said Jane Doe.")
    (span,) = index.spans
    bi = span.block_index
    assert [t.text for t in index.tokens_between(bi, span.char_start, span.char_end)] == ["We", "are", "done", ","]
    open_mark = span.char_start - 1
    assert index.in_quote(open_mark) and not index.between_marks(open_mark)
    assert index.in_quote(span.char_start) and index.between_marks(span.char_start)
    assert not index.in_quote(index.raw_text.index("said"))


def test_sentence_starts_and_mentions(nlp):
    index = index_of(nlp, "The harbour closed early on Tuesday after the storm. Jane Doe spoke to reporters later.")
    bi = index.block_index_at(index.raw_text.index("Jane"))
    assert index.raw_text.index("Jane") in index.sentence_starts(bi)
    m = index.mention_at(index.raw_text.index("Doe"), {"PERSON"})
    assert m is not None and m.text == "Jane Doe"
    assert index.mention_at(index.raw_text.index("harbour"), {"PERSON"}) is None
