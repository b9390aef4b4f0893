"""The quote frame (stage 2 of `extract`): the words around a quote up to the nearest sentence
boundary or neighbouring quote, where the speech cue is looked for."""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.document import ParsedBlock
from transforms.lexicon import words
from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.spans import QuoteSpan, last_char

SPEECH_VERBS = words("speech_verbs")
# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = words("abbreviations")
# A speaker's name and apposition between a closing "?”" and its cue: how long, and its words.
_MAX_NAME_PHRASE = 14
_NAME_PHRASE_POS = {"PROPN", "DET", "NOUN", "ADJ", "ADP", "NUM", "CCONJ", "PART"}
_SENTENCE_END = re.compile(r"([^\W\d_]*)[.!?]\s+(?=[A-Z\"“])")


@dataclass
class Frame:
    before: tuple[int, int]  # raw-text range of the attribution words before the quote
    after: tuple[int, int]  # … and after it
    has_words: bool  # any letters in either range
    embedded: bool  # the quote sits inside a running clause (text on both sides, no comma/colon)


def quote_frame(span: QuoteSpan, index: DocumentIndex) -> Frame:
    """The raw-text ranges before and after `span` that belong to the quote's sentence."""
    block = index.block_of(span)
    neighbours = [s for s in index.spans if s.block_index == span.block_index and s is not span]
    open_mark, close_mark = span.char_start - 1, span.char_end + (1 if span.closed else 0)
    starts = _sentence_starts(span, index)
    left = max([block.char_start] + [s for s in starts if s <= open_mark]
               + [q.char_end + 1 for q in neighbours if q.char_end < open_mark])
    right = _frame_end(span, index, starts, neighbours, close_mark)
    before, after = (left, open_mark), (close_mark, max(close_mark, right))
    raw = index.raw_text
    has_words = bool(re.search(r"[^\W\d_]", raw[before[0]:before[1]] + raw[after[0]:after[1]]))
    b_txt = raw[before[0]:before[1]].rstrip()
    embedded = bool(b_txt) and b_txt[-1].isalnum() and bool(re.match(r"\s*[^\W\d_]", raw[after[0]:after[1]]))
    return Frame(before, after, has_words, embedded)


def _sentence_starts(span: QuoteSpan, index: DocumentIndex) -> list[int]:
    """Sentence starts of the quote's paragraph outside quotes: spaCy's, plus every full stop
    before a capital (spaCy sometimes runs a sentence into the next quote)."""
    block = index.block_of(span)
    base = block.char_start
    starts = [at for at in index.sentence_starts(span.block_index) if not index.between_marks(at)]
    block_text = index.raw_text[base:block.char_end]  # the block's Doc text, without rebuilding it
    starts += [base + m.end() for m in _SENTENCE_END.finditer(block_text)
               if not index.in_quote(base + m.end(1)) and len(m.group(1)) > 1
               and m.group(1).lower() not in _ABBREVIATIONS]
    return starts


def _frame_end(span: QuoteSpan, index: DocumentIndex, starts: list[int], neighbours: list[QuoteSpan],
               close_mark: int) -> int:
    """Where the frame after the quote ends: the next sentence start, neighbouring quote or the
    paragraph's end."""
    block = index.block_of(span)
    right_cands = [block.char_end] + [q.char_start - 1 for q in neighbours if q.char_start > close_mark]
    after_text = index.raw_text[close_mark:]
    # A sentence break right after the closing mark does not end the frame when the next word
    # is lowercase ("Stop!" he said): English sentences do not start that way.
    resumes_lower = bool(re.match(r"\s*[,;]?\s*[a-z]", after_text))
    # Nor does it when a question or exclamation is followed by its attribution ("Why?" Jane Doe
    # asked): the name and the speech verb belong to the quote's sentence.
    cue_end = _name_then_cue(span, index, block, close_mark) if last_char(index.raw_text, span) in ("?", "!") else None
    right_cands += [s for s in starts if s > close_mark and not (resumes_lower and s <= close_mark + 3)
                    and not (cue_end is not None and s <= cue_end)]
    return min(right_cands)


def _name_then_cue(span: QuoteSpan, index: DocumentIndex, block: ParsedBlock, close_mark: int) -> int | None:
    """End offset of a speech verb that follows the closing mark after only a name or a short
    noun phrase ("… ?” Jane Doe said", "… !” the senator shouted"), else None."""
    toks = list(index.tokens_between(span.block_index, close_mark + 1, block.char_end + 1)[:_MAX_NAME_PHRASE])
    for t in toks:
        if t.lemma_.lower() in SPEECH_VERBS and t.pos_ == "VERB":
            return block.end_of(t)
        # a name with its apposition: "… ?” Jane Doe, the minister of finance, asked"
        if not (t.pos_ in _NAME_PHRASE_POS or t.text in {".", ",", "'s", "’s"}):
            return None
    return None
