"""Names in listings: results rows, line-ups, rosters, scorecards, award lists."""
import re

from transforms.analyse.entities import RawMention
from transforms.analyse.listings import drop_figures


def _mention(text, part, label, nth=0):
    start = [m.start() for m in re.finditer(re.escape(part), text)][nth]
    return RawMention(start, start + len(part), part, label, "s0")


def test_person_mentions_lose_the_figures_beside_them():
    text = "Tarvo Lindqvist 46th , Korhonen 8-0-37-2 , 1= Aapo Halonen , Euro 96"
    mentions = [_mention(text, "Tarvo Lindqvist 46th", "PERSON"), _mention(text, "Korhonen 8-0-37-2", "PERSON"),
                _mention(text, "1= Aapo Halonen", "PERSON"), _mention(text, "Euro 96", "EVENT")]
    out = drop_figures(mentions)
    assert [m.text for m in out] == ["Tarvo Lindqvist", "Korhonen", "Aapo Halonen", "Euro 96"]
    assert all(text[m.char_start:m.char_end] == m.text for m in out)
