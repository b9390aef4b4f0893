"""Names in listings: results rows, line-ups, rosters, scorecards, award lists."""
from __future__ import annotations

import re
from dataclasses import replace

from transforms.analyse.entities import RawMention


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
