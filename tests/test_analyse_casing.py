"""Headline casing read back from the article's own prose (same length, offsets kept)."""
from transforms.analyse.casing import CaseUsage, is_shouted, is_title_case, sentence_case

PROSE = [
    "The council named Jane Doe as the new chair of the NATO liaison committee on Friday .",
    "Doe defeated two rivals and said she would start work at once .",
]


def test_all_caps_headline_takes_the_prose_casing():
    usage = CaseUsage(PROSE)
    headline = "POLITICS - COUNCIL NAMES DOE AS NATO CHAIR ."
    cased = sentence_case(headline, usage)
    assert cased == "Politics - council names Doe as NATO chair ."
    assert len(cased) == len(headline)


def test_title_case_words_the_prose_writes_lowercase_lose_their_capital():
    usage = CaseUsage(PROSE)
    assert sentence_case("Jane Doe Defeats Rivals For Chair", usage) == "Jane Doe defeats rivals for chair"


def test_words_the_prose_never_uses_stay_or_become_names():
    usage = CaseUsage(PROSE)
    assert sentence_case("Kovacs Wins Berlin Marathon", usage) == "Kovacs Wins Berlin Marathon"  # unknown: kept
    assert sentence_case("KOVACS BEATS DOE", usage) == "Kovacs Beats Doe"      # capitalised in shouted text


def test_ordinary_prose_is_left_alone():
    usage = CaseUsage(PROSE)
    assert sentence_case(PROSE[1], usage) == PROSE[1]
    assert not is_shouted(PROSE[0]) and not is_title_case(PROSE[0])
    assert is_shouted("NEW YORK 74 59 .556") and is_title_case("Howard Unveils Election Platform Today")
