"""Property tests (hypothesis) for the transforms: offsets, coverage, determinism, no crashes.

For arbitrary text: every span indexes its own text (`raw_text[char_start:char_end] == text`),
blocks cover every non-blank line exactly once and in order, segmentation is deterministic, quote
extraction (with the real spaCy model, on small texts) never raises, and decoding or parsing any
bytes raises nothing but RejectedInput.
"""
from __future__ import annotations

import codecs
import os

import pytest
from conftest import analyse_batch, source_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.analyse.entities import clean_span
from transforms.analyse.parse import split_for_parse
from transforms.document import ParsedBlock
from transforms.ingest.decode import RejectedInput, decode_text
from transforms.ingest.formats import parse_input
from transforms.quotes import find_quote_spans
from transforms.schema import BLOCK_KINDS
from transforms.segment import recurring_block_keys, segment_blocks

#: PROPERTY_EXAMPLES=2000 for a deeper local search; the default keeps the file fast.
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# The real model parses every example: keep these few and small (the file runs in well under 60 s).
NLP = settings(max_examples=40, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

LINE_BREAKS = ["\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x1e", " \n\t ", "\n \n"]
WORDS = ["the", "minister", "said", "Baghdad", "Maria Keller", "told", "reporters", "on", "Tuesday", "we",
         "will", "not", "accept", "this", "according to", "Mr.", "Photo:", "AFP", "Share", "Comments",
         "1,200", "—", "(Reuters)", "plan", "al-Haider", "she", "added", ".", ",", "?", "!", "…"]
QUOTES = ["“", "”", "\"", "'", "‘", "’", "«", "»", "„", "‟"]

# Lines that look like news (words, quotation marks, punctuation) or arbitrary unicode.
news_line = st.lists(st.sampled_from(WORDS + QUOTES), min_size=0, max_size=25).map(" ".join)
any_line = st.text(max_size=60)
texts = st.lists(st.tuples(st.one_of(news_line, news_line, any_line), st.sampled_from(LINE_BREAKS)),
                 max_size=25).map(lambda parts: "".join(a + b for a, b in parts))


def _lines_of_blocks(blocks) -> list[str]:
    """The lines of the blocks' texts (a paragraph block holds several)."""
    return [line for b in blocks for line in b.text.splitlines()]


def _non_blank_lines(text: str) -> list[str]:
    """The oracle: str.splitlines() knows the same line separators the segmenter splits on."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------------
# Blocks
# ------------------------------------------------------------------------------------------------
@FAST
@given(texts, st.one_of(st.none(), texts), st.one_of(st.none(), any_line))
def test_blocks_offsets_coverage_and_kinds(text, main_text, title):
    blocks = segment_blocks(text, main_text=main_text, title=title)
    # every non-blank line, once, in order: one block each, or joined into paragraphs
    assert [line.strip() for line in _lines_of_blocks(blocks) if line.strip()] == _non_blank_lines(text)
    end = 0
    for i, b in enumerate(blocks):
        assert b.position == i
        assert text[b.char_start:b.char_end] == b.text               # the offset invariant
        assert b.char_start >= end                                   # no overlap
        assert b.text == b.text.strip()
        end = b.char_end
        assert b.kind in BLOCK_KINDS
        assert b.reason != "fallback", "typing raised (segment_blocks fell back to untyped body)"


@FAST
@given(st.lists(texts, min_size=1, max_size=4))
def test_segmentation_is_deterministic(docs):
    recurring = recurring_block_keys(docs + docs[:1] * 2, min_documents=3)
    assert recurring == recurring_block_keys(docs + docs[:1] * 2, min_documents=3)
    for text in docs:
        assert segment_blocks(text, recurring=recurring) == segment_blocks(text, recurring=recurring)


@FAST
@given(texts.filter(bool), st.integers(min_value=1, max_value=40))
def test_long_blocks_split_for_parsing_join_back(text, limit):
    pieces = split_for_parse(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit for p in pieces)


# ------------------------------------------------------------------------------------------------
# Quotes and the whole analysis with the real model
# ------------------------------------------------------------------------------------------------
@FAST
@given(texts)
def test_quote_spans_lie_inside_their_paragraph(text):
    article = [ParsedBlock(f"b{b.position}", "body", b.char_start, b.char_end, None) for b in segment_blocks(text)]
    prev_end = 0
    for span in find_quote_spans(article, text):
        block = article[span.block_index]
        assert block.char_start <= span.char_start < span.char_end <= block.char_end
        assert span.char_start >= prev_end or span.block_index > 0   # ordered, no overlap in a block
        prev_end = span.char_end


@NLP
@given(st.lists(st.tuples(news_line, st.sampled_from(LINE_BREAKS)), min_size=1, max_size=6)
       .map(lambda parts: "".join(a + b for a, b in parts)))
def test_analysis_never_raises_and_every_span_indexes_raw_text(nlp, text):
    if not text.strip():
        return
    tables = analyse_batch([source_document(text)], nlp, run_id="r")
    for name in ("blocks", "sentences", "entity_mentions", "quotes"):
        for row in tables[name].iter_rows(named=True):
            assert 0 <= row["char_start"] < row["char_end"] <= len(text), (name, row)
            assert text[row["char_start"]:row["char_end"]] == row["text"], (name, row)
    blocks = [(r["char_start"], r["char_end"]) for r in tables["blocks"].iter_rows(named=True)]
    for q in tables["quotes"].iter_rows(named=True):                # a quote stays in one paragraph
        assert any(s <= q["char_start"] and q["char_end"] <= e for s, e in blocks), q


@FAST
@given(texts, st.integers(min_value=-5, max_value=400), st.integers(min_value=0, max_value=60))
def test_clean_span_stays_inside_the_span(text, start, length):
    start = max(0, min(start, len(text)))
    end = min(len(text), start + length)
    span = clean_span(text, start, end)
    if span is not None:
        s, e = span
        assert 0 <= s < e <= len(text) and s >= start


# ------------------------------------------------------------------------------------------------
# Decoding and parsing bytes
# ------------------------------------------------------------------------------------------------
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1",
             "koi8_r", "shift_jis", "gb18030"]
BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, b"\x89PNG",
        b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"WARC/1.0\r\n", b"<html>", b"{", b"["]


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


byte_inputs = st.one_of(
    st.binary(max_size=3000),
    st.builds(_encoded, texts, st.sampled_from(ENCODINGS)),
    st.builds(lambda bom, body: bom + body, st.sampled_from(BOMS), st.binary(max_size=500)),
    st.builds(lambda a, b: a + b, st.builds(_encoded, texts, st.sampled_from(ENCODINGS)), st.binary(max_size=40)),
)


@FAST
@given(byte_inputs)
def test_decode_text_raises_only_rejected_input(data):
    try:
        decoded = decode_text(data)
    except RejectedInput as rej:
        assert rej.reason and rej.detail
        return
    assert decoded.text.strip() and decoded.encoding
    decoded.text.encode("utf-8")                    # storable: no lone surrogates
    assert decode_text(data) == decoded             # deterministic


@FAST
@given(byte_inputs, st.sampled_from(["a.txt", "a.html", "a.json", "a.jsonl", "a.warc.gz", "noext"]))
def test_parse_input_raises_only_rejected_input(data, name):
    try:
        parsed = parse_input(data, name, max_record_bytes=100_000, max_decompressed_bytes=1_000_000)
    except RejectedInput as rej:
        assert rej.reason and rej.detail
        return
    for rec in parsed.records:
        assert (rec.document is None) != (rec.rejection is None)
        if rec.document is not None:
            assert rec.document.raw_text.strip()
            rec.document.raw_text.encode("utf-8")    # storable: no lone surrogates
            for value in (rec.document.title, rec.document.author, rec.document.source_name, rec.document.url):
                assert value is None or value.encode("utf-8")


@pytest.mark.parametrize("payload", [
    '{"text": "Lone \\ud800 high and \\udfff low surrogates in a record that is long enough.", "title": "\\ud83d"}',
    '[{"text": "A valid pair \\ud83d\\ude00 stays one character in this record of text.", "author": ["\\udc00"]}]',
])
def test_json_escapes_of_lone_surrogates_become_storable_text(payload):
    doc = next(r.document for r in parse_input(payload.encode(), "x.json").records)
    for value in (doc.raw_text, doc.title, doc.author):
        assert value is None or value.encode("utf-8")
    assert "\U0001F600" in doc.raw_text or "\ufffd" in doc.raw_text
