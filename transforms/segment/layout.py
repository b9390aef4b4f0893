"""Paragraphs of plain text, whatever its layout.

Plain text arrives one paragraph per line, hard-wrapped (with blank lines or indented first lines
between paragraphs, or with no marks at all), or one sentence per line. `paragraph_spans` decides
how a text is laid out and returns one (start, end) span per paragraph:

1. Lines: every line-break convention (\\n, \\r\\n, \\r, form feed, vertical tab, NEL, U+2028/9);
   a line is blank when it holds only whitespace; groups are runs of non-blank lines.
2. Wrap width: a text is hard-wrapped when most lines that run on into a next line end within
   a word's length of one width (the column a wrapping program filled up to).
3. Paragraphs:
   - hard-wrapped: the lines of a group join; a paragraph also ends before a line indented more
     than the group's body lines, and, when the text has no other paragraph marks, after a line
     the next word would have fitted on (a wrapping program only breaks a paragraph's line when
     the next word does not fit), if that line ends a sentence or is clearly short;
   - one sentence per line: when blank lines separate groups and every line of a group ends a
     sentence, the group is a paragraph;
   - otherwise every line is a paragraph (one paragraph per line).

Spans are stripped of surrounding whitespace, so `raw_text[start:end]` starts and ends with
text; internal line breaks stay in it. `parse_text` gives the same text with every line break
(and the indentation after it) read as one space, plus the offsets back into the raw text.
"""
from __future__ import annotations

import re
from statistics import median

from transforms.lexicon import words

# Line breaks: \n, \r\n, \r and the other separators str.splitlines() knows.
_LINE_RE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_BREAK = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ONE_BREAK_RE = re.compile(rf"\r\n|[{_BREAK}]")
# A line break with the whitespace around it.
_BREAK_RUN_RE = re.compile(rf"[^\S{_BREAK}]*[{_BREAK}][\s]*")
# Ends a sentence: terminal punctuation, optionally followed by closing quotes or brackets.
_SENTENCE_END_RE = re.compile(r"[.!?…:][\"'”’»)\]]*$")
_INNER_SENTENCE_END_RE = re.compile(r"([^\W\d_]*)[.!?][\"'”’)\]]*\s+[\"'“‘(]?(?=[^\W\d_a-z])")
_ABBREVIATIONS = words("abbreviations")
_STARTS_SENTENCE_RE = re.compile(r"[\"'“‘«(\[]?[^\W_a-z]")
# The first chunk a wrapping program would have moved to the next line: a word, or the part of
# a hyphenated word up to its hyphen.
_FIRST_CHUNK_RE = re.compile(r"\S*?[^\W\d_]-(?=[^\W\d_])|\S+")

#: Hard-wrapped text fills its lines up to a width between these (e-mail and wire copy: 60-80).
MIN_WRAP_WIDTH, MAX_WRAP_WIDTH = 40, 160
#: ... and its run-on lines hold prose, several words each (a list of short items is not wrapped).
MIN_WORDS_PER_LINE = 6
MIN_LOWERCASE_SHARE = 0.3
#: Share of run-on lines that must be full (the next word would not have fitted) in hard-wrapped text.
MIN_FULL_SHARE = 0.5
MIN_RUN_ON_LINES = 2
#: In a sentence-per-line text nearly every line of a multi-line group is a whole sentence.
MIN_SENTENCE_LINE_SHARE = 0.9
#: ... grouped lines are common in it ...
MIN_GROUPED_SHARE = 0.2
#: ... and hardly any line holds two sentences.
MAX_TWO_SENTENCE_SHARE = 0.15


class _Line:
    __slots__ = ("start", "end", "text", "indent", "blank_before")

    def __init__(self, start: int, end: int, text: str, indent: int, blank_before: bool):
        self.start, self.end, self.text, self.indent, self.blank_before = start, end, text, indent, blank_before

    @property
    def width(self) -> int:
        return self.indent + len(self.text)


def _lines(raw_text: str) -> list[_Line]:
    """Non-blank lines, stripped, with their indentation in characters (as wrapping programs count)."""
    out: list[_Line] = []
    previous_end = 0
    for m in _LINE_RE.finditer(raw_text):
        seg = m.group()
        stripped = seg.strip()
        if not stripped:
            continue
        left = len(seg) - len(seg.lstrip())
        start = m.start() + left
        indent = left
        blank_before = bool(out) and len(_ONE_BREAK_RE.findall(raw_text, previous_end, m.start())) > 1
        out.append(_Line(start, start + len(stripped), stripped, indent, blank_before))
        previous_end = m.end()
    return out


def _groups(lines: list[_Line]) -> list[list[_Line]]:
    groups: list[list[_Line]] = []
    for line in lines:
        if not groups or line.blank_before:
            groups.append([])
        groups[-1].append(line)
    return groups


def wrap_width(groups: list[list[_Line]]) -> int | None:
    """The column a hard-wrapped text is filled up to, or None when it is not hard-wrapped.

    The width is the widest run-on line (the 90th percentile in longer texts: a long word can
    overflow it). A wrapping program breaks a paragraph's line only where the next word would not
    fit, so in a hard-wrapped text most run-on lines are full in that sense.
    """
    pairs = [(line, following) for g in groups for line, following in zip(g, g[1:])]
    if len(pairs) < MIN_RUN_ON_LINES:
        return None
    widths = sorted(line.width for line, _ in pairs)
    width = widths[int(0.9 * (len(widths) - 1))] if len(widths) >= 10 else widths[-1]
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return None
    if median(len(line.text.split()) for line, _ in pairs) < MIN_WORDS_PER_LINE:
        return None
    # Prose wraps mid-sentence: many run-on lines go on with a lowercase word (tables, lists and
    # one sentence per line go on with a capital or a digit).
    if sum(1 for _, following in pairs if following.text[:1].islower()) < MIN_LOWERCASE_SHARE * len(pairs):
        return None
    full = sum(1 for line, following in pairs if line.width <= width and not _next_word_fits(line, following, width))
    return width if full >= MIN_FULL_SHARE * len(pairs) else None


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END_RE.search(text))


def _sentence_per_line(groups: list[list[_Line]]) -> bool:
    """Blank lines separate groups of lines that (nearly) all are one whole sentence each.

    News paragraphs are often one sentence, so a paragraph-per-line text looks much the same; what
    tells them apart is that grouped lines are common and hardly any line holds two sentences.
    """
    lines = [line for g in groups if len(g) > 1 for line in g]
    total = sum(len(g) for g in groups)
    if len(groups) < 2 or len(lines) < MIN_GROUPED_SHARE * total:
        return False
    sentences = sum(1 for line in lines if _ends_sentence(line.text) and _STARTS_SENTENCE_RE.match(line.text))
    several = sum(1 for line in lines if _holds_two_sentences(line.text))
    return sentences >= MIN_SENTENCE_LINE_SHARE * len(lines) and several <= MAX_TWO_SENTENCE_SHARE * len(lines)


def _holds_two_sentences(text: str) -> bool:
    """A sentence end inside the line (not after an abbreviation or an initial)."""
    return any(len(m.group(1)) > 1 and m.group(1).casefold() not in _ABBREVIATIONS
               for m in _INNER_SENTENCE_END_RE.finditer(text))


def _next_word_fits(line: _Line, following: _Line, width: int) -> bool:
    chunk = _FIRST_CHUNK_RE.match(following.text)
    return line.width + 1 + len(chunk.group() if chunk else following.text) <= width


def _wrapped_paragraphs(groups: list[list[_Line]], width: int) -> list[list[_Line]]:
    indented = sum(1 for g in groups for i, line in enumerate(g) if i and line.indent > _base_indent(g))
    marked = len(groups) >= 3 or indented >= 2
    paragraphs: list[list[_Line]] = []
    for group in groups:
        base = _base_indent(group)
        paragraphs.append([group[0]])
        for line, following in zip(group, group[1:]):
            ends = following.indent > base
            if not ends and not marked and _next_word_fits(line, following, width):
                ends = _ends_sentence(line.text) or line.width < 0.75 * width
            if ends:
                paragraphs.append([])
            paragraphs[-1].append(following)
    return paragraphs


def _base_indent(group: list[_Line]) -> int:
    """The indentation of a group's run-on lines (its first lines may be indented more)."""
    return int(median(line.indent for line in group[1:])) if len(group) > 1 else group[0].indent


def paragraph_spans(raw_text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph of `raw_text`, in order (see the module docstring)."""
    lines = _lines(raw_text)
    groups = _groups(lines)
    width = wrap_width(groups)
    if width is not None:
        paragraphs = _wrapped_paragraphs(groups, width)
    elif _sentence_per_line(groups):
        paragraphs = groups
    else:
        paragraphs = [[line] for line in lines]
    return [(p[0].start, p[-1].end) for p in paragraphs if p]


def parse_text(text: str) -> tuple[str, list[int] | None]:
    """`text` with each line break and the whitespace around it read as one space (a hyphen at
    a line's end joins the word it split), and for every character of the result its offset in
    `text` (plus one past the end); (text, None) when nothing changed."""
    if not any(ch in _BREAK for ch in text):
        return text, None
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for m in _BREAK_RUN_RE.finditer(text):
        out.append(text[last:m.start()])
        offsets.extend(range(last, m.start()))
        joins_word = m.start() > 1 and text[m.start() - 1] == "-" and text[m.start() - 2].isalpha() \
            and m.end() < len(text) and text[m.end()].islower()
        if not joins_word:
            out.append(" ")
            offsets.append(m.start())
        last = m.end()
    out.append(text[last:])
    offsets.extend(range(last, len(text) + 1))
    return "".join(out), offsets
