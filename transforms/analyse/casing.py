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
from collections import Counter

from transforms.lexicon import words

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;][\"'”’)\]]*\s+|[\"“‘(]\s*)$")
_FUNCTION_WORDS = words("prose_stopwords")
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
