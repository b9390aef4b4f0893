"""Quotation-mark pairing: where each quote of an article starts and ends (stage 1 of `extract`).

Whether a mark opens or closes is read from what flanks it, so straight, curly, mixed (“ … ") and
sloppy (” … ”) pairs and guillemets all work. A quote left open at a paragraph's end stops there
(it never swallows the article); when the next paragraph opens with a mark, the quote runs on in it.
"""
from __future__ import annotations

from dataclasses import dataclass

from transforms.document import ParsedBlock

# Marks that can open a quote, and what each may be closed by ("mixed pairs" are common in
# hand-edited copy: “ … " and even ” … ”).
OPEN_MARKS = {"“": "”\"“", "\"": "\"”“", "„": "“”\"", "«": "»", "”": "”\"“", "‟": "”\""}
ALL_MARKS = set("“”\"„«»‟")
OPENING_CONTEXT = set("([{—–-―:;,/") | {"\u00a0"}
_TWO_APOSTROPHES = "''"


@dataclass(frozen=True)
class QuoteSpan:
    char_start: int  # first character inside the marks
    char_end: int  # the closing mark, or the end of the paragraph when the quote runs on
    block_index: int
    opens_block: bool  # the paragraph begins with this quote's opening mark
    closed: bool  # a closing mark was found in the paragraph
    runs_on: bool = False  # continues a quote left open at the end of the previous paragraph


def find_quote_spans(article: list[ParsedBlock], raw_text: str) -> list[QuoteSpan]:
    """Pair quotation marks paragraph by paragraph (see module docstring)."""
    spans: list[QuoteSpan] = []
    left_open = False  # the previous paragraph ended inside a quote
    for bi, block in enumerate(article):
        text = raw_text[block.char_start:block.char_end]
        lead = len(text) - len(text.lstrip())
        found = _pair_marks(text)
        runs_on = left_open
        left_open = False
        for k, (s, e, closed) in enumerate(found):
            opens = s - 1 >= lead and not text[lead:s - 1].strip("'")  # a two-apostrophe mark opens too
            spans.append(QuoteSpan(block.char_start + s, block.char_start + e, bi, opens, closed,
                                   runs_on=runs_on and k == 0 and opens))
            left_open = not closed
    return spans


def _pair_marks(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) inside-the-marks spans of one paragraph."""
    out: list[tuple[int, int, bool]] = []
    open_at, closers = None, ""
    for i, ch, before, after in _marks(text):
        opening = (before.isspace() or before in OPENING_CONTEXT or before in ALL_MARKS) and not after.isspace()
        if open_at is None:
            # ” and » open only where nothing else could be meant (paragraph start, after a space).
            if ch in OPEN_MARKS and opening and (ch not in "”" or before.isspace()):
                open_at, closers = i, OPEN_MARKS[ch]
            continue
        if ch in closers and not (opening and before.isspace()):
            if i > open_at + 1:
                out.append((open_at + 1, i, True))
            open_at = None
        elif ch in "“„«" and opening and before.isspace():
            # A fresh opening mark inside an open quote: the earlier quote lost its closing mark.
            end = len(text[:i].rstrip())
            if end > open_at + 1:
                out.append((open_at + 1, end, False))
            open_at, closers = i, OPEN_MARKS[ch]
    if open_at is not None:
        end = len(text.rstrip())
        if end > open_at + 1:
            out.append((open_at + 1, end, False))
    return out


def _marks(text: str):
    """(offset, mark, character before, character after) of each quotation mark of a paragraph. Two
    apostrophes ('' …'') are one straight double mark, as some wire and archive copy writes it;
    its offset is the apostrophe next to the quoted words, so the span's edges stay one character
    from the text."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'" and text.startswith(_TWO_APOSTROPHES, i) and not text.startswith("'", i + 2):
            before = text[i - 1] if i > 0 else " "
            after = text[i + 2] if i + 2 < n else " "
            opening = (before.isspace() or before in OPENING_CONTEXT or before in ALL_MARKS) and not after.isspace()
            yield (i + 1 if opening else i), '"', before, after
            i += 2
            continue
        if ch in ALL_MARKS:
            yield i, ch, (text[i - 1] if i > 0 else " "), (text[i + 1] if i + 1 < n else " ")
        i += 1


def last_char(raw_text: str, span: QuoteSpan) -> str:
    """The quote's last non-space character ('' when empty)."""
    inner = raw_text[span.char_start:span.char_end].rstrip()
    return inner[-1] if inner else ""
