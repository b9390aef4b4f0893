import re

from transforms.entities import RawMention, clean_span, link_mentions, name_key


def _span(text, part):
    start = text.index(part)
    return start, start + len(part)


def test_clean_span_drops_honorifics_and_possessives():
    text = "Mr Jonas Lindqvist's plan and Dr. Amara Okafor"
    s, e = clean_span(text, *_span(text, "Mr Jonas Lindqvist's"))
    assert text[s:e] == "Jonas Lindqvist"
    s, e = clean_span(text, *_span(text, "Dr. Amara Okafor"))
    assert text[s:e] == "Amara Okafor"


def test_name_key_folds_case_diacritics_and_leading_particle():
    assert name_key("José Álvarez") == name_key("jose alvarez")
    assert name_key("al-Rashid") == name_key("Rashid")


def test_surname_links_to_full_name_and_fixes_org_label():
    text = "Jonas Lindqvist spoke first. Later Lindqvist left, and Lindqvist returned."
    first, second = [m.start() for m in re.finditer(r"(?<!Jonas )Lindqvist", text)]
    mentions = [
        RawMention(*_span(text, "Jonas Lindqvist"), "Jonas Lindqvist", "PERSON", "s0"),
        RawMention(first, first + 9, "Lindqvist", "PERSON", "s1"),
        RawMention(second, second + 9, "Lindqvist", "ORG", "s1"),
    ]
    linked = link_mentions(text, mentions)
    assert [m.canonical for m in linked] == ["Jonas Lindqvist"] * 3
    assert linked[2].label == "PERSON"


def test_acronym_introduced_in_parentheses_links_to_expansion():
    text = "The World Health Organization (WHO) warned. WHO later said more."
    s1, e1 = _span(text, "World Health Organization")
    s2 = text.index("WHO later")
    linked = link_mentions(text, [
        RawMention(s1, e1, "World Health Organization", "ORG", "s0"),
        RawMention(s2, s2 + 3, "WHO", "ORG", "s1"),
    ])
    assert linked[1].canonical == "World Health Organization"
