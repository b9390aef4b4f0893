"""The spaCy pass: parse a batch's article blocks, then place sentences and entity mentions.

One `nlp.pipe` call streams over the parsed blocks (title, subtitle, body, caption) of every
document of the batch, so spaCy batches across documents, and each document is handed on as
soon as its last block is parsed. The model comes in as an argument: this module never loads one.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from typing import Iterable, Iterator

from transforms import schema
from transforms.analyse.casing import (
    CaseUsage,
    is_shouted,
    is_title_case,
    sentence_case,
    shouted_person_names,
)
from transforms.analyse.entities import (
    RawMention,
    clean_span,
    link_mentions,
    propagate_names,
    settled_repeats,
)
from transforms.analyse.listings import drop_figures, listing_names
from transforms.document import (
    AnalysedDocument,
    Block,
    Mention,
    ParsedBlock,
    Sentence,
    SourceDocument,
    block_id_for,
)
from transforms.names import entity_id_for
from transforms.segment.layout import parse_text


def parse_documents(
    documents: list[SourceDocument],
    blocks: list[list[Block]],
    nlp,
    *,
    batch_size: int = 64,
) -> Iterator[AnalysedDocument]:
    """Blocks, parse, sentences and linked mentions of each document, one document at a time.

    `nlp.pipe` streams over the blocks of all documents (so spaCy still batches across them),
    and each document is yielded as soon as its last block is parsed: only one document's spaCy
    Docs need to be alive at a time, whatever the batch size. `blocks` are each document's typed blocks
    (`transforms.segment.segment_documents`).
    """
    segmented = [AnalysedDocument(d.doc_id, d.raw_text, b) for d, b in zip(documents, blocks, strict=True)]
    # Only English documents go through the (English) model; others keep their typed blocks.
    english = {d.doc_id for d in documents if (d.language or "en") == "en"}
    parsed_blocks = [
        [b for b in a.blocks if b.kind in schema.ANALYSED_KINDS] if a.doc_id in english else []
        for a in segmented
    ]
    read_as = [_texts_to_parse(to_parse) for to_parse in parsed_blocks]
    spacy_docs = _parse_blocks(nlp, (text for texts in read_as for text, _ in texts), batch_size)
    for a, to_parse, texts in zip(segmented, parsed_blocks, read_as):
        for b, (_, offsets), spacy_doc in zip(to_parse, texts, spacy_docs):
            target = a.article if b.kind in schema.ARTICLE_KINDS else a.naming
            target.append(ParsedBlock(block_id_for(a.doc_id, b.position), b.kind, b.char_start, b.char_end,
                                      spacy_doc, offsets))
        _add_sentences_and_mentions(a)
        yield a


def _texts_to_parse(blocks: list[Block]) -> list[tuple[str, list[int] | None]]:
    """What the model reads of each block, with offsets back into the block: line breaks as
    spaces (`segment.layout.parse_text`), and ALL-CAPS or Title-Case blocks in the casing the
    document's prose gives their words (`casing.sentence_case`)."""
    usage = CaseUsage(b.text for b in blocks if not (is_shouted(b.text) or is_title_case(b.text)))
    out = []
    for b in blocks:
        text, offsets = parse_text(b.text)
        out.append((sentence_case(text, usage), offsets))
    return out


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


def _add_sentences_and_mentions(a: AnalysedDocument) -> None:
    raw: list[RawMention] = []
    for block in sorted(a.article + a.naming, key=lambda b: b.char_start):
        # Texts are sliced from the raw text (Span.text would rebuild them token by token), and
        # each entity is placed in its sentence by position (Span.ents scans all the Doc's ents).
        sents = list(block.doc.sents)
        sent_starts = [s.start for s in sents]
        ents_of: dict[int, list] = defaultdict(list)
        for ent in block.doc.ents:
            k = bisect_right(sent_starts, ent.start) - 1
            if k >= 0 and ent.end <= sents[k].end:  # Span.ents: entities inside the sentence
                ents_of[k].append(ent)
        for i, sent in enumerate(sents):
            start, end = block.span_of(sent)
            sent_text = a.raw_text[start:end]
            stripped = sent_text.strip()
            if not stripped:
                continue
            start += len(sent_text) - len(sent_text.lstrip())
            sentence = Sentence(f"{block.block_id}-s{i:03d}", block.block_id, start, start + len(stripped))
            a.sentences.append(sentence)
            for ent in ents_of[i]:
                if ent.label_ not in schema.ENTITY_LABELS:
                    continue
                span = clean_span(a.raw_text, *block.span_of(ent))
                if span:
                    raw.append(RawMention(*span, a.raw_text[span[0]:span[1]], ent.label_, sentence.sentence_id))
    sentences = [(s.char_start, s.char_end, s.sentence_id) for s in a.sentences]
    raw = drop_figures(raw)
    regions = [(b.char_start, b.char_end, b.kind) for b in a.article + a.naming]
    raw = listing_names(a.raw_text, raw, regions, sentences)
    raw += propagate_names(a.raw_text, raw, sentences)
    raw = shouted_person_names(a.raw_text, raw, regions, sentences)
    raw.sort(key=lambda m: (m.char_start, m.char_end))
    more = settled_repeats(a.raw_text, raw, sentences)
    linked = link_mentions(a.raw_text, sorted(raw + more, key=lambda m: (m.char_start, m.char_end)))
    for i, m in enumerate(linked):
        a.mentions.append(Mention(
            mention_id=f"{m.sentence_id}-m{i:03d}", sentence_id=m.sentence_id, char_start=m.char_start,
            char_end=m.char_end, text=m.text, label=m.label, entity_id=entity_id_for(m.label, m.canonical),
            canonical=m.canonical,
        ))
