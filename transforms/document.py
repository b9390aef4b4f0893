"""The document model: what every stage receives and passes on.

    ingest   -> SourceDocument          (decoded text and the metadata the input carried)
    segment  -> Block                   (typed lines/paragraphs of the raw text)
    analyse  -> AnalysedDocument        (parsed blocks, Sentence and Mention rows)
    quotes, resolve read AnalysedDocument and the tables built from it.

Offsets everywhere are Python str indices into `SourceDocument.raw_text`; a `ParsedBlock` turns
its spaCy tokens' block-relative offsets into those (`ParsedBlock.start_of`), so no stage does
that arithmetic by hand. This module imports no other stage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourceDocument:
    """A decoded input, ready for segmentation and analysis."""

    doc_id: str
    source_path: str
    format: str
    encoding: str
    raw_text: str
    content_sha256: str
    ingested_at: datetime
    # Metadata the input carried (HTML meta tags, JSON fields, WARC headers); None when absent.
    title: str | None = None
    source_name: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    language: str | None = "en"
    #: An extractor's main text for HTML pages: a hint for block typing, not stored.
    main_text: str | None = None


@dataclass(frozen=True)
class Block:
    """One typed block of the raw text; `raw_text[char_start:char_end] == text`."""

    position: int      # 0-based order in the document
    char_start: int
    char_end: int      # exclusive
    text: str
    kind: str          # one of schema.BLOCK_KINDS
    reason: str        # short name of the rule that decided the kind


def block_id_for(doc_id: str, position: int) -> str:
    return f"{doc_id}-b{position:04d}"


@dataclass
class ParsedBlock:
    """A block the model parsed: `doc` is the spaCy Doc of the block's text as the model read it
    (line breaks as spaces); `offsets[i]` is the block-relative raw offset of that text's i-th
    character (None when the two are the same text)."""

    block_id: str
    kind: str
    char_start: int
    char_end: int
    doc: object
    offsets: list[int] | None = None

    def raw(self, i: int) -> int:
        """Raw-text offset of character `i` of the parsed text (`i` may be its length)."""
        return self.char_start + (self.offsets[i] if self.offsets is not None else i)

    def start_of(self, token) -> int:
        """Raw-text offset of a token's first character."""
        return self.raw(token.idx)

    def end_of(self, token) -> int:
        """Raw-text offset just past a token."""
        return self.raw(token.idx + len(token) - 1) + 1 if len(token) else self.start_of(token)

    def span_of(self, span) -> tuple[int, int]:
        """Raw-text (start, end) of a spaCy Span of this block."""
        if span.end_char <= span.start_char:
            return self.raw(span.start_char), self.raw(span.start_char)
        return self.raw(span.start_char), self.raw(span.end_char - 1) + 1

    def contains(self, offset: int) -> bool:
        return self.char_start <= offset < self.char_end


@dataclass(frozen=True)
class Sentence:
    sentence_id: str
    block_id: str
    char_start: int
    char_end: int


@dataclass(frozen=True, kw_only=True)
class Mention:
    """A named mention linked to its in-document entity.

    Mentions the tagger found carry their `mention_id` and `sentence_id`; people found by the
    quote stage (a bare surname the tagger missed) have neither.
    """

    char_start: int
    char_end: int
    text: str
    label: str
    entity_id: str
    canonical: str  # the name the document gives this entity most fully and most often
    mention_id: str | None = None
    sentence_id: str | None = None


@dataclass
class AnalysedDocument:
    """One document after the spaCy pass: what quote extraction and the tables are built from."""

    doc_id: str
    raw_text: str
    blocks: list[Block]
    #: Parsed article blocks (title, subtitle, body), in order: quotes come only from these.
    article: list[ParsedBlock] = field(default_factory=list)
    #: Datelines, bylines, tables and photo captions (schema.NAMING_KINDS): parsed for sentences
    #: and entities, never for quotes.
    naming: list[ParsedBlock] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.char_start <= offset < s.char_end:
                return s
        return None
