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


def _raw(text, part, label, nth=0):
    import re

    from transforms.analyse.entities import RawMention

    start = [m.start() for m in re.finditer(re.escape(part), text)][nth]
    return RawMention(start, start + len(part), part, label, "s0")


def test_shouted_headlines_name_the_persons_the_article_names():
    from transforms.analyse.casing import shouted_person_names

    text = ("SOCCER - LINDQVIST NAMED AS NORWAY CAPTAIN , CLUB 'S TARVO KORHONEN MOVES .\n"
            "Oskar Lindqvist was named Norway captain and Tarvo Korhonen moved to a rival club .")
    head = text.index("\n")
    regions = [(0, head, "title"), (head + 1, len(text), "body")]
    sentences = [(0, head, "s0"), (head + 1, len(text), "s1")]
    mentions = [_raw(text, "NORWAY", "GPE"), _raw(text, "CLUB 'S TARVO KORHONEN MOVES", "ORG"),
                _raw(text, "Oskar Lindqvist", "PERSON"), _raw(text, "Norway", "GPE"),
                _raw(text, "Tarvo Korhonen", "PERSON")]
    out = shouted_person_names(text, mentions, regions, sentences)
    in_head = sorted((m.text, m.label) for m in out if m.char_end <= head)
    assert in_head == [("LINDQVIST", "PERSON"), ("NORWAY", "GPE"), ("TARVO KORHONEN", "PERSON")]
    assert [m.sentence_id for m in out if m.text == "LINDQVIST"] == ["s0"]


def test_shouted_words_of_the_articles_other_names_stay_as_they_are():
    from transforms.analyse.casing import shouted_person_names

    # The model tagged "Oskar Lindqvist Norway" PERSON once, but the article calls Norway a place.
    text = "SOCCER - NORWAY BEAT CHILE .\nOskar Lindqvist Norway scored , and Norway beat Chile ."
    head = text.index("\n")
    regions = [(0, head, "title"), (head + 1, len(text), "body")]
    mentions = [_raw(text, "Oskar Lindqvist Norway", "PERSON"), _raw(text, "Norway", "GPE", 1)]
    assert shouted_person_names(text, mentions, regions, [(0, len(text), "s0")]) == mentions
