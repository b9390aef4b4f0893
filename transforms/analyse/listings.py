"""Names in listings: results rows, line-ups, rosters, scorecards, award lists.

The model reads a listing ("1 - Jane Doe ( Norway ) beat John Roe ( Chile ) 6-3 6-4",
"Chile - 1 - Ana Diaz , 2 - Rosa Soto ( 14 - Eva Ruiz 80th ) , ...") without the prose that
tells it what a capitalised pair of words is, so it tags some names of a list and leaves others
untagged, or tags them DATE or QUANTITY beside the figures. Items in one column of a listing are
of one type: where the model calls most tagged items of a column PERSON, the untagged items of
the same shape are persons too. Only the article's own text and the model's own tags of it are
evidence, so a document's mentions never depend on other documents.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace

from transforms.analyse.entities import RawMention
from transforms.lexicon import words
from transforms.names import ORGANISATION_WORDS, fold

_FUNCTION_WORDS = words("prose_stopwords")
_PARTICLES = words("surname_particles")
#: Labels of names (the model's votes); other labels on a capitalised name are the model's mistake.
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART",
                          "LAW", "WEAPON", "LANGUAGE"})
#: A line is a listing when at most this share of its words are lowercase prose words.
MAX_LOWERCASE_SHARE = 1 / 3
#: Tagged items that must agree before untagged ones follow them.
MIN_VOTES = 2
#: Longest name an item may hold, in capitalised words.
MAX_NAME_WORDS = 4

_TOKEN = re.compile(r"""
    (?P<initial>(?<![\w.])[A-Z]\.(?=\s))
  | (?P<word>[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_])|-(?=[^\W\d_]))*)
  | (?P<number>\d[\w.:/=+-]*)
  | (?P<punct>[^\w\s])
""", re.X)
_POSSESSIVE_S = re.compile(r"['’]s\b")
_SEPARATORS = frozenset({",", ";"})
_DASHES = frozenset({"-", "–", "—"})


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    kind: str  # initial, word, number, punct


@dataclass
class _Run:
    start: int
    end: int
    caps: int  # capitalised words
    initials: int
    left: str  # what precedes it on its line: a token text, or "" at the line start
    right: str  # what follows it on its line, or "" at the line end
    possessive: bool
    bracketed: bool
    line: int


def _is_cap(t: _Token) -> bool:
    return t.kind == "word" and t.text[0].isupper() and any(ch.islower() for ch in t.text)


def _is_lower_word(t: _Token) -> bool:
    return t.kind == "word" and t.text.islower() and len(t.text) > 1


def is_listing_line(text: str) -> bool:
    """A line of a table or list rather than prose: it has words, and few of them are lowercase
    (prose is mostly lowercase words; "Jane Doe ( Norway ) beat John Roe ( Chile )" is not)."""
    tokens = [_Token(m.start(), m.end(), m.group(), m.lastgroup) for m in _TOKEN.finditer(text)]
    named = [t for t in tokens if t.kind in ("word", "initial") and not (t.text == "s" and t.start > 0
                                                                         and text[t.start - 1] in "'’")]
    lower = sum(_is_lower_word(t) for t in named)
    return len(named) >= 1 and lower <= MAX_LOWERCASE_SHARE * len(named)


_COLON = re.compile(r":\s")


def _lines(raw_text: str, regions: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line of the regions, in text order; a colon ends a line
    too, since what follows it may be a list however the line began ("Results on Friday : 1 -
    Jane Doe ( Norway ) beat ...")."""
    out = []
    for start, end, _ in sorted(regions):
        pos = start
        for piece in raw_text[start:end].split("\n"):
            cut = pos
            for colon in _COLON.finditer(raw_text, pos, pos + len(piece)):
                if raw_text[cut:colon.end()].strip():
                    out.append((cut, colon.end()))
                cut = colon.end()
            if raw_text[cut:pos + len(piece)].strip():
                out.append((cut, pos + len(piece)))
            pos += len(piece) + 1
    return out


def _runs(raw_text: str, lines: list[tuple[int, int]], listing: list[bool]) -> list[_Run]:
    """Maximal runs of name words (capitalised words, initials, surname particles between them)
    on listing lines. A run goes on over a line break only when it did not start its line: a name
    wrapped at the end of a list line ("..., Jane\\nDoe , ...") is one name, a line holding only a
    team name followed by a line of players is not."""
    runs: list[_Run] = []
    skip_until = -1  # the start of a line that a wrapped name took
    for k, (ls, le) in enumerate(lines):
        if not listing[k]:
            continue
        tokens = [_Token(m.start(), m.end(), m.group(), m.lastgroup) for m in _TOKEN.finditer(raw_text, ls, le)]
        depth = 0
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.start < skip_until:
                i += 1
                continue
            if t.kind == "punct" and t.text in "([":
                depth += 1
            elif t.kind == "punct" and t.text in ")]":
                depth = max(0, depth - 1)
            if not (_is_cap(t) or t.kind == "initial"):
                i += 1
                continue
            j = i
            while j + 1 < len(tokens) and raw_text[tokens[j].end:tokens[j + 1].start].isspace() \
                    and (_is_cap(tokens[j + 1]) or tokens[j + 1].kind == "initial"
                         or (tokens[j + 1].text in _PARTICLES and tokens[j + 1].kind == "word")):
                j += 1
            members = tokens[i:j + 1]
            while members and not _is_cap(members[-1]):  # end on a capitalised word
                members.pop()
            if not members:
                i = j + 1
                continue
            end = members[-1].end
            nxt = i + len(members)
            right = tokens[nxt].text if nxt < len(tokens) else ""
            if right == "" and k + 1 < len(lines) and listing[k + 1] and raw_text[ls:t.start].strip():
                # wrapped: the name goes on at the start of the next line
                m = re.match(r"\s*", raw_text[le:])
                follow = [_Token(x.start(), x.end(), x.group(), x.lastgroup)
                          for x in _TOKEN.finditer(raw_text, *lines[k + 1])][:MAX_NAME_WORDS + 1]
                cont = []
                for f in follow:
                    if _is_cap(f) and (not cont or raw_text[cont[-1].end:f.start].isspace()):
                        cont.append(f)
                    else:
                        break
                after = follow[len(cont)].text if len(follow) > len(cont) else ""
                if cont and m and le + m.end() == cont[0].start and len(members) + len(cont) <= MAX_NAME_WORDS \
                        and after in {"", ",", ";", ".", "("}:
                    members = members + cont
                    end, right = cont[-1].end, after
                    skip_until = end
            possessive = bool(_POSSESSIVE_S.match(raw_text, end)) or right in ("'", "’")
            left = tokens[i - 1].text if i > 0 else ""
            runs.append(_Run(t.start, end, sum(_is_cap(x) for x in members), sum(x.kind == "initial" for x in members),
                             left, right, possessive, depth > 0, k))
            i = j + 1
    return runs


def _eligible(raw_text: str, run: _Run) -> bool:
    """An item that can be a personal name: not a heading ("Teams :") or a possessor ("Women 's"),
    2-4 capitalised words (or initials and a surname) with no organisation word or function word,
    or a lone surname standing between list separators that the article never writes lowercase."""
    if run.right == ":" or run.possessive or run.caps > MAX_NAME_WORDS:
        return False
    if run.left == "" and run.right in _DASHES:
        return False  # "Chile - 1 - Ana Diaz , ...": the line's heading, a team or a country
    text = raw_text[run.start:run.end]
    names = [w for w in re.split(r"\s+", text) if w[:1].isupper() and not re.fullmatch(r"[A-Z]\.", w)]
    if any(fold(w) in _FUNCTION_WORDS or fold(w) in ORGANISATION_WORDS for w in names):
        return False
    if run.caps + run.initials >= 2:
        return not all(re.search(rf"(?<![\w'’-]){re.escape(w.lower())}(?![\w'’-])", raw_text) for w in names)
    word = names[0]
    between_separators = run.left in {"", ",", ";", ":", "and"} and run.right in {"", ",", ";", ".", "and"} \
        and (run.left in _SEPARATORS or run.right in _SEPARATORS)
    return between_separators and len(word) >= 3 and \
        re.search(rf"(?<![\w'’-]){re.escape(word.lower())}(?![\w'’-])", raw_text) is None


def _norm(text: str) -> str:
    return " ".join(text.split())


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def listing_names(raw_text: str, mentions: list[RawMention], regions: list[tuple[int, int, str]],
                  sentences: list[tuple[int, int, str]]) -> list[RawMention]:
    """`mentions` plus the persons of listing lines the model left untagged (or tagged as a figure).

    Consecutive listing lines form a section; in each section the items outside brackets form one
    column and those inside brackets ("( Norway )", "( 14 - Eva Ruiz 80th )") another. Where at
    least MIN_VOTES tagged items of a column are PERSON and PERSON is the majority of the name
    labels there, every eligible untagged item of that column becomes a PERSON mention; mentions
    inside it (a first name tagged alone, "Jane Doe" tagged DATE) give way to it. `regions` are
    the analysed blocks as (start, end, kind); `sentences` (start, end, sentence_id) of the
    analysed text.
    """
    lines = _lines(raw_text, regions)
    listing = [is_listing_line(raw_text[s:e]) for s, e in lines]
    runs = [r for r in _runs(raw_text, lines, listing) if _eligible(raw_text, r)]
    if not runs:
        return mentions
    section_of, section = [], 0
    for k in range(len(lines)):
        if k and not (listing[k] and listing[k - 1]):
            section += 1
        section_of.append(section)
    by_start = sorted(mentions, key=lambda m: m.char_start)
    starts = [m.char_start for m in by_start]
    votes: dict[tuple[int, bool], Counter] = {}
    untagged: list[tuple[_Run, list[RawMention]]] = []
    for run in runs:
        k = bisect_right(starts, run.end)
        near = [m for m in by_start[max(0, k - 20):k] if _overlap(m.char_start, m.char_end, run.start, run.end)]
        named = [m for m in near if m.label in _NAME_LABELS]
        best = max(named, key=lambda m: _overlap(m.char_start, m.char_end, run.start, run.end), default=None)
        key = (section_of[run.line], run.bracketed)
        if best is not None and 2 * _overlap(best.char_start, best.char_end, run.start, run.end) \
                >= max(best.char_end - best.char_start, run.end - run.start):
            votes.setdefault(key, Counter())[best.label] += 1  # the model's word on this item
        if all(run.start <= m.char_start and m.char_end <= run.end for m in named) \
                and not any((m.char_start, m.char_end) == (run.start, run.end) for m in named):
            untagged.append((run, near))  # no name mention, or only part of the item tagged
    drop: set[int] = set()
    added: list[RawMention] = []
    sent_starts = [s for s, _, _ in sentences]

    def by_vote(run: _Run) -> bool:
        v = votes.get((section_of[run.line], run.bracketed), Counter())
        return v["PERSON"] >= MIN_VOTES and 2 * v["PERSON"] > sum(v.values())

    # One name, one sense: a full name the article calls a person (the model, or a column's
    # vote) is a person in every listing line, whatever its own column says.
    persons = {_norm(m.text) for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1}
    persons |= {_norm(raw_text[r.start:r.end]) for r, _ in untagged if by_vote(r)}
    for run, near in untagged:
        named_person = run.caps + run.initials > 1 and _norm(raw_text[run.start:run.end]) in persons
        if not (by_vote(run) or named_person):
            continue
        k = bisect_right(sent_starts, run.start) - 1
        if k < 0 or run.start >= sentences[k][1]:
            continue
        drop.update(id(m) for m in near)
        added.append(RawMention(run.start, run.end, raw_text[run.start:run.end], "PERSON", sentences[k][2]))
    if not added:
        return mentions
    return sorted([m for m in mentions if id(m) not in drop] + added, key=lambda m: (m.char_start, m.char_end))


_FIGURES = re.compile(r"(?:\s+\S*\d\S*)+$")
_LEADING_FIGURES = re.compile(r"^(?:\S*\d\S*\s+)+")


def drop_figures(mentions: list[RawMention]) -> list[RawMention]:
    """A personal name holds no figures: "Jane Doe 46th", "Doe 8-0-37-2" (a bowler's figures) and
    "1= Jane Doe" are the name with a result beside it, so a PERSON mention loses the
    digit-bearing words at its ends."""
    out = []
    for m in mentions:
        if m.label == "PERSON":
            tail = _FIGURES.search(m.text)
            head = _LEADING_FIGURES.match(m.text)
            cut_end = len(m.text) - (len(tail.group()) if tail else 0)
            cut_start = head.end() if head else 0
            if (tail or head) and cut_start < cut_end and re.search(r"[^\W\d_]", m.text[cut_start:cut_end]):
                m = replace(m, char_start=m.char_start + cut_start, char_end=m.char_start + cut_end,
                            text=m.text[cut_start:cut_end])
        out.append(m)
    return out
