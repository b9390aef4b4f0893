"""Analyse a batch of decoded documents into the document tables.

One `nlp.pipe` call covers every article block (title, subtitle, body) of the batch, so spaCy
batches across documents. The model comes in as an argument: this module never loads one.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Iterator

import polars as pl

from transforms import schema
from transforms.blocks import Block, segment_blocks
from transforms.entities import RawMention, clean_span, entity_id_for, link_mentions
from transforms.quotes import extract_quotes


@dataclass(frozen=True)
class SourceDocument:
    """A decoded input, ready for analysis."""

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


@dataclass
class ArticleBlock:
    block_id: str
    kind: str
    char_start: int
    char_end: int
    doc: object  # spacy.tokens.Doc over raw_text[char_start:char_end]


@dataclass(frozen=True)
class Sentence:
    sentence_id: str
    block_id: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Mention:
    mention_id: str
    sentence_id: str
    char_start: int
    char_end: int
    text: str
    label: str
    entity_id: str
    canonical: str


@dataclass
class AnalysedDocument:
    """Everything the quote extractor needs to know about one document."""

    doc_id: str
    raw_text: str
    blocks: list[Block]
    article: list[ArticleBlock] = field(default_factory=list)
    #: Photo captions: editorial text naming who and what is pictured. Parsed for sentences and
    #: entities, never for quotes.
    captions: list[ArticleBlock] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.char_start <= offset < s.char_end:
                return s
        return None


def block_id_for(doc_id: str, position: int) -> str:
    return f"{doc_id}-b{position:04d}"


def iter_analysed(
    documents: list[SourceDocument],
    nlp,
    *,
    recurring: frozenset[str] = frozenset(),
    batch_size: int = 64,
    blocks: list[list[Block]] | None = None,
) -> Iterator[AnalysedDocument]:
    """Blocks, parse, sentences and linked mentions of each document, one document at a time.

    `nlp.pipe` streams over the blocks of all documents (so spaCy still batches across them),
    and each document is yielded as soon as its last block is parsed: only one document's spaCy
    Docs need to be alive at a time, whatever the batch size. `blocks` may hold each document's
    `segment_documents` computed ahead (e.g. by another process).
    """
    if blocks is None:
        blocks = segment_documents(documents, recurring=recurring)
    segmented = [AnalysedDocument(d.doc_id, d.raw_text, b) for d, b in zip(documents, blocks, strict=True)]
    # Only English documents go through the (English) model; others keep their typed blocks.
    english = {d.doc_id for d in documents if (d.language or "en") == "en"}
    parsed_blocks = [
        [b for b in a.blocks if b.kind in schema.ANALYSED_KINDS] if a.doc_id in english else []
        for a in segmented
    ]
    spacy_docs = _parse_blocks(nlp, (b.text for blocks in parsed_blocks for b in blocks), batch_size)
    for a, blocks in zip(segmented, parsed_blocks):
        for b, spacy_doc in zip(blocks, spacy_docs):
            target = a.captions if b.kind == "caption" else a.article
            target.append(
                ArticleBlock(block_id_for(a.doc_id, b.position), b.kind, b.char_start, b.char_end, spacy_doc)
            )
        _add_sentences_and_mentions(a)
        yield a


def segment_documents(documents: list[SourceDocument], *, recurring: frozenset[str] = frozenset()) -> list[list[Block]]:
    """The typed blocks of each document (`segment_blocks`)."""
    return [segment_blocks(d.raw_text, recurring=recurring, main_text=d.main_text, title=d.title) for d in documents]


def analyse_documents(documents: list[SourceDocument], nlp, **options) -> list[AnalysedDocument]:
    """All documents of `iter_analysed` at once (for evaluation scripts that inspect the parses)."""
    return list(iter_analysed(documents, nlp, **options))


#: Blocks longer than this are parsed in pieces: spaCy refuses texts over `nlp.max_length` and its
#: parser's memory grows with the text, so one huge paragraph must not take the batch down.
MAX_PARSE_CHARS = 100_000
_CUTS = (re.compile(r"[.!?]['\"”’)\]]*\s+"), re.compile(r"\s+"))   # sentence end, else whitespace


def split_for_parse(text: str, limit: int = MAX_PARSE_CHARS) -> list[str]:
    """Consecutive pieces of `text` of at most `limit` characters that join back to `text`.

    Each piece ends after the last sentence end in its window (else the last whitespace, else a
    hard cut), so the parse loses as little context as possible.
    """
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = 0
        for pattern in _CUTS:
            ends = [m.end() for m in pattern.finditer(window, limit // 2)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or limit
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _parse_blocks(nlp, texts: Iterable[str], batch_size: int) -> Iterator:
    """One spaCy Doc per text, in order and lazily; long texts are parsed in pieces and joined."""
    from spacy.tokens import Doc

    limit = min(MAX_PARSE_CHARS, nlp.max_length)
    pieces_of: list[int] = []  # how many pieces each text was cut into, in order

    def pieces():
        for text in texts:
            split = split_for_parse(text, limit)
            pieces_of.append(len(split))
            yield from split

    docs = nlp.pipe(pieces(), batch_size=batch_size)
    done = 0
    for doc in docs:
        parts = [doc]
        while len(parts) < pieces_of[done]:
            parts.append(next(docs))
        done += 1
        yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


def analyse_batch(
    documents: Iterable[SourceDocument],
    nlp,
    *,
    run_id: str,
    recurring: frozenset[str] = frozenset(),
    batch_size: int = 64,
    blocks: list[list[Block]] | None = None,
) -> dict[str, pl.DataFrame]:
    """Segment (unless `blocks` are given), parse and extract; returns one DataFrame per
    document table plus `entities`."""
    documents = list(documents)
    rows = {name: [] for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes")}
    entity_rows = EntityCounter()
    for d, a in zip(documents, iter_analysed(documents, nlp, recurring=recurring, batch_size=batch_size,
                                                        blocks=blocks)):
        title = d.title or next((b.text for b in a.blocks if b.kind == "title"), None)
        rows["documents"].append(dict(
            doc_id=d.doc_id, source_path=d.source_path, format=d.format, encoding=d.encoding, title=title,
            source_name=d.source_name, url=d.url, published_at=d.published_at, author=d.author,
            language=d.language, story_id=None, near_duplicate_of=None,
            raw_text=d.raw_text, n_chars=len(d.raw_text), content_sha256=d.content_sha256,
            ingested_at=d.ingested_at, run_id=run_id,
        ))
        rows["blocks"].extend(
            dict(doc_id=a.doc_id, block_id=block_id_for(a.doc_id, b.position), position=b.position,
                 kind=b.kind, reason=b.reason, char_start=b.char_start, char_end=b.char_end, text=b.text)
            for b in a.blocks
        )
        rows["sentences"].extend(
            dict(doc_id=a.doc_id, sentence_id=s.sentence_id, block_id=s.block_id, char_start=s.char_start,
                 char_end=s.char_end, text=a.raw_text[s.char_start:s.char_end])
            for s in a.sentences
        )
        rows["entity_mentions"].extend(
            dict(doc_id=a.doc_id, mention_id=m.mention_id, sentence_id=m.sentence_id, char_start=m.char_start,
                 char_end=m.char_end, text=m.text, label=m.label, entity_id=m.entity_id)
            for m in a.mentions
        )
        for i, q in enumerate(extract_quotes(a)):
            rows["quotes"].append(dict(doc_id=a.doc_id, quote_id=f"{a.doc_id}-q{i:03d}", statement_id=None, **q))
        entity_rows.add(a)  # the document's spaCy Docs can go once this iteration ends

    tables = {name: schema.TABLES[name].frame(r) for name, r in rows.items()}
    tables["entities"] = entity_rows.frame()
    return tables


def _add_sentences_and_mentions(a: AnalysedDocument) -> None:
    raw: list[RawMention] = []
    for block in sorted(a.article + a.captions, key=lambda b: b.char_start):
        # Texts are sliced from the raw text (Span.text would rebuild them token by token), and
        # each entity is placed in its sentence by position (Span.ents scans all the Doc's ents).
        text = a.raw_text[block.char_start:block.char_end]
        sents = list(block.doc.sents)
        sent_starts = [s.start for s in sents]
        ents_of: dict[int, list] = defaultdict(list)
        for ent in block.doc.ents:
            k = bisect_right(sent_starts, ent.start) - 1
            if k >= 0 and ent.end <= sents[k].end:  # Span.ents: entities inside the sentence
                ents_of[k].append(ent)
        for i, sent in enumerate(sents):
            sent_text = text[sent.start_char:sent.end_char]
            stripped = sent_text.strip()
            if not stripped:
                continue
            start = block.char_start + sent.start_char + (len(sent_text) - len(sent_text.lstrip()))
            sentence = Sentence(f"{block.block_id}-s{i:03d}", block.block_id, start, start + len(stripped))
            a.sentences.append(sentence)
            for ent in ents_of[i]:
                if ent.label_ not in schema.ENTITY_LABELS:
                    continue
                span = clean_span(a.raw_text, block.char_start + ent.start_char, block.char_start + ent.end_char)
                if span:
                    raw.append(RawMention(*span, a.raw_text[span[0]:span[1]], ent.label_, sentence.sentence_id))
    for i, m in enumerate(link_mentions(a.raw_text, raw)):
        a.mentions.append(Mention(
            f"{m.sentence_id}-m{i:03d}", m.sentence_id, m.char_start, m.char_end, m.text, m.label,
            entity_id_for(m.label, m.canonical), m.canonical,
        ))


class EntityCounter:
    """One row per entity id in the batch; the warehouse merges these with what it already holds."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def add(self, a: AnalysedDocument) -> None:
        for m in a.mentions:
            e = self.by_id.setdefault(m.entity_id, dict(
                entity_id=m.entity_id, name=m.canonical, label=m.label, aliases=set(), docs=set(), n=0))
            if len(m.canonical) > len(e["name"]):
                e["name"] = m.canonical
            e["aliases"].add(m.text)
            e["docs"].add(a.doc_id)
            e["n"] += 1

    def frame(self) -> pl.DataFrame:
        rows = [
            dict(entity_id=e["entity_id"], name=e["name"], label=e["label"],
                 aliases=sorted(e["aliases"] - {e["name"]}), merge_reasons=[],
                 n_documents=len(e["docs"]), n_mentions=e["n"])
            for e in sorted(self.by_id.values(), key=lambda e: e["entity_id"])
        ]
        return schema.ENTITIES.frame(rows)
