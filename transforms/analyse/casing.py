"""Headline and table casing read back to sentence case, from the document's own usage.

The model finds names by their capitals, so an ALL-CAPS headline or results table hides every
name in it, and a Title-Case headline makes every word look like part of one ("Jane Doe Invokes
Rule"). Such a block is given to the model in the casing its words have in the document's prose:
a word the article writes lowercase becomes lowercase, one it capitalises inside sentences
keeps a capital, one it writes in capitals (an acronym) stays so; words the article never uses
are capitalised in ALL-CAPS text (names are what prose rarely repeats in a headline's form)
unless they are function words. Only letters change case and every word keeps its length, so
offsets into the raw text stay valid.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from transforms.lexicon import words

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;][\"'”’)\]]*\s+|[\"“‘(]\s*)$")
_FUNCTION_WORDS = words("prose_stopwords")
#: Labels of figures, not names.
_FIGURE_LABELS = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
#: A block is shouted when this share of its letters are capitals ...
MIN_CAPITAL_SHARE = 0.6
#: ... and Title-Case when this share of its longer words start with a capital.
MIN_TITLE_CASE_SHARE = 0.7


class CaseUsage:
    """How the document's prose writes each word: lowercase, capitalised mid-sentence, or capitals."""

    def __init__(self, texts):
        self.lower: Counter[str] = Counter()
        self.capitalised: Counter[str] = Counter()
        self.capitals: Counter[str] = Counter()
        self.lower_stems: set[str] = set()
        for text in texts:
            for m in _WORD_RE.finditer(text):
                word, key = m.group(), m.group().casefold()
                if word.islower():
                    self.lower[key] += 1
                    self.lower_stems.add(_stem(key))
                elif word.isupper() and len(word) > 1:
                    self.capitals[key] += 1
                elif word[0].isupper() and not _SENTENCE_START_RE.search(text[max(0, m.start() - 4):m.start()]):
                    self.capitalised[key] += 1

    def form(self, word: str, *, first: bool, shouted: bool) -> str:
        key = word.casefold()
        lower, cap, caps = self.lower[key], self.capitalised[key], self.capitals[key]
        if caps > max(lower, cap):
            return word.upper()
        if not lower and not cap and _stem(key) in self.lower_stems:
            lower = 1  # another form of a word the article writes lowercase ("defeats", "defeated")
        if cap > lower or (not lower and not cap and shouted and key not in _FUNCTION_WORDS):
            return word[:1].upper() + word[1:].lower()
        if lower or key in _FUNCTION_WORDS:
            return word[:1].upper() + word[1:].lower() if first else word.lower()
        return word  # a Title-Case word the article never uses: leave it as written


_SUFFIX_RE = re.compile(r"(?:ing|ed|es|s)$")


def _stem(word: str) -> str:
    """A crude English stem, enough to meet inflections of one verb or noun."""
    return _SUFFIX_RE.sub("", word) if len(word) > 4 else word


def is_shouted(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= MIN_CAPITAL_SHARE * len(letters)


def is_title_case(text: str) -> bool:
    longer = [w for w in _WORD_RE.findall(text) if len(w) > 3]
    return len(longer) >= 3 and sum(w[0].isupper() for w in longer) >= MIN_TITLE_CASE_SHARE * len(longer)


def sentence_case(text: str, usage: CaseUsage) -> str:
    """`text` (an ALL-CAPS or Title-Case block) in the casing its words have in the document;
    same length, only letters' case changed. Other text is returned as it is."""
    shouted = is_shouted(text)
    if not shouted and not is_title_case(text):
        return text
    out, last = [], 0
    for i, m in enumerate(_WORD_RE.finditer(text)):
        word = m.group()
        first = i == 0 or bool(_SENTENCE_START_RE.search(text[max(0, m.start() - 4):m.start()]))
        form = usage.form(word, first=first, shouted=shouted)
        out.append(text[last:m.start()])
        out.append(form if len(form) == len(word) else word)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def shouted_person_names(raw_text: str, mentions: list, regions: list[tuple[int, int, str]],
                         sentences: list[tuple[int, int, str]]) -> list:
    """`mentions` with the persons of ALL-CAPS blocks that the article names in its other text.

    A shouted headline hides its names from the model even when read back to sentence case
    ("SOCCER - DOE NAMED CAPTAIN": the prose writes "Jane Doe", but a headline's lone surname
    gives the model little to go on), and it often runs a name into a longer span ("CLUB 'S DOE
    MOVES"). Where the words of a shouted block spell a full name the article tags PERSON, or a
    surname of such a name (a word it never writes lowercase), those words are
    that person: a PERSON mention, and mentions overlapping it in the block give way. A name
    counts only when none of its words is part of a name the article tags otherwise.
    `mentions` are RawMentions; `regions` the analysed blocks as (start, end, kind);
    `sentences` (start, end, sentence_id) of the analysed text.
    """
    shouted = [(s, e) for s, e, _ in regions if is_shouted(raw_text[s:e])]
    if not shouted:
        return mentions
    elsewhere = [m for m in mentions if not any(s <= m.char_start < e for s, e in shouted)]
    # Words of the article's other names: a person's words must never be part of one (the model
    # tags the odd place or team PERSON; "Jane Doe England" must not make ENGLAND a person).
    other = {w for m in elsewhere if m.label not in ("PERSON", *_FIGURE_LABELS)
             for w in _WORD_RE.findall(m.text.casefold())}
    full = {tuple(_WORD_RE.findall(m.text.casefold())) for m in elsewhere if m.label == "PERSON"}
    full = {w for w in full if len(w) > 1 and not other & set(w)}
    singles = {w[-1] for w in full if len(w[-1]) >= 3 and w[-1] not in _FUNCTION_WORDS
               and not re.search(rf"(?<![\w'’-]){re.escape(w[-1])}(?![\w'’-])", raw_text)}
    longest = max((len(w) for w in full), default=1)
    found: list[tuple[int, int]] = []
    for s, e in shouted:
        words = list(_WORD_RE.finditer(raw_text, s, e))
        i = 0
        while i < len(words):
            hit = 0
            for n in range(min(longest, len(words) - i), 1, -1):
                run = words[i:i + n]
                joined = all(raw_text[a.end():b.start()] in (" ", "-") for a, b in zip(run, run[1:]))
                if joined and tuple(w.group().casefold() for w in run) in full:
                    hit = n
                    break
            if not hit and words[i].group().isupper() and words[i].group().casefold() in singles:
                hit = 1
            if hit:
                found.append((words[i].start(), words[i + hit - 1].end()))
                i += hit
            else:
                i += 1
    if not found:
        return mentions
    from transforms.analyse.entities import RawMention

    starts = [st for st, _, _ in sentences]
    kept = [m for m in mentions if not any(m.char_start < fe and fs < m.char_end for fs, fe in found)]
    for fs, fe in found:
        k = bisect_right(starts, fs) - 1
        if k >= 0 and fs < sentences[k][1]:
            kept.append(RawMention(fs, fe, raw_text[fs:fe], "PERSON", sentences[k][2]))
    return sorted(kept, key=lambda m: (m.char_start, m.char_end))
