import re

from transforms.analyse.entities import RawMention, clean_span, link_mentions
from transforms.names import name_key


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


def test_multiword_short_form_ending_a_person_name_links_even_as_org():
    text = "Daw Khin Maung Thida spoke. Later Maung Thida left."
    second = text.index("Maung Thida left")
    mentions = [
        RawMention(*_span(text, "Daw Khin Maung Thida"), "Daw Khin Maung Thida", "PERSON", "s0"),
        RawMention(second, second + 11, "Maung Thida", "ORG", "s1"),
    ]
    linked = link_mentions(text, mentions)
    assert linked[1].canonical == "Daw Khin Maung Thida" and linked[1].label == "PERSON"


def test_org_tagged_full_name_becomes_person_when_surname_used_alone():
    text = "Moderator Elsa Varga asked the first question. Varga then turned to the mayor."
    mentions = [
        RawMention(*_span(text, "Elsa Varga"), "Elsa Varga", "ORG", "s0"),
        RawMention(text.index("Varga then"), text.index("Varga then") + 5, "Varga", "ORG", "s1"),
    ]
    linked = link_mentions(text, mentions)
    assert [m.label for m in linked] == ["PERSON", "PERSON"]
    assert linked[1].canonical == "Elsa Varga"


def test_org_names_stay_org():
    """Organisation words, or leading words the article names as an organisation, keep ORG."""
    text = "The Harbour Foundation met. Foundation staff left. The Eastport Herald Kemp story ran. " \
           "Eastport Herald editors and Kemp agreed."
    s = text.index("Eastport Herald editors")
    mentions = [
        RawMention(*_span(text, "Harbour Foundation"), "Harbour Foundation", "ORG", "s0"),
        RawMention(text.index("Foundation staff"), text.index("Foundation staff") + 10, "Foundation", "ORG", "s1"),
        RawMention(*_span(text, "Eastport Herald Kemp"), "Eastport Herald Kemp", "ORG", "s2"),
        RawMention(s, s + 15, "Eastport Herald", "ORG", "s3"),
        RawMention(text.index("Kemp agreed"), text.index("Kemp agreed") + 4, "Kemp", "PERSON", "s3"),
    ]
    linked = link_mentions(text, mentions)
    assert [m.label for m in linked[:4]] == ["ORG"] * 4


def test_could_be_personal_name():
    from transforms.names import could_be_personal_name
    assert could_be_personal_name("Elsa Varga")
    assert not could_be_personal_name("Tax Foundation")
    assert not could_be_personal_name("NBC Evening")
    assert not could_be_personal_name("Varga")


def test_clean_span_cuts_a_headline_topic_off_a_name():
    text = "ATHLETICS - Jane Doe wins"
    s, e = clean_span(text, 0, text.index(" wins"))
    assert text[s:e] == "Jane Doe"


def test_names_found_once_reach_their_untagged_repeats():
    from transforms.analyse.entities import propagate_names

    text = "Jonas Lindqvist won on Sunday. Lindqvist said the course was hard. Lindqvist Street was closed."
    sentences = [(0, 30, "s0"), (31, 66, "s1"), (67, len(text), "s2")]
    found = [RawMention(*_span(text, "Jonas Lindqvist"), "Jonas Lindqvist", "PERSON", "s0")]
    added = propagate_names(text, found, sentences)
    # the repeat at a sentence start is added; the street of the same name is not
    assert [(text[m.char_start:m.char_end], m.label, m.sentence_id) for m in added] == [("Lindqvist", "PERSON", "s1")]


def test_names_written_lowercase_elsewhere_are_not_propagated():
    from transforms.analyse.entities import propagate_names

    text = "Mark Such bowled well. Such a spell is rare, and such days are few."
    sentences = [(0, 22, "s0"), (23, len(text), "s1")]
    found = [RawMention(*_span(text, "Mark Such"), "Mark Such", "PERSON", "s0")]
    assert propagate_names(text, found, sentences) == []


def _persons(text, names):
    """PERSON mentions of every occurrence of the given names (longest first, no overlaps)."""
    spans = []
    for name in sorted(names, key=len, reverse=True):
        for hit in re.finditer(rf"\b{re.escape(name)}\b", text):
            if not any(s < hit.end() and hit.start() < e for s, e, _ in spans):
                spans.append((hit.start(), hit.end(), name))
    return [RawMention(s, e, n, "PERSON", "s0") for s, e, n in sorted(spans)]


def _canonicals(text, names):
    return [(m.char_start, m.canonical) for m in link_mentions(text, _persons(text, names))]


def test_family_members_sharing_a_surname_stay_apart():
    text = ("Senator Maria Olsen spoke on Monday. Her husband Erik Olsen and their daughter Liv Olsen "
            "were there. " + "The debate went on for hours about the budget and the schools. " * 6 +
            "Olsen said the vote would pass.")
    got = _canonicals(text, ["Maria Olsen", "Erik Olsen", "Liv Olsen", "Olsen"])
    full = {c for s, c in got if text[s:].startswith(c)}
    assert full == {"Maria Olsen", "Erik Olsen", "Liv Olsen"}  # three people, three groups
    # The bare surname far from the relatives means the article's main person of that name.
    assert got[-1][1] == "Maria Olsen"


def test_bare_surname_means_the_person_introduced_first_not_the_relative_named_in_full():
    text = ("Erik Olsen visited his wife in hospital. Maria Olsen had an operation last week. "
            "Olsen said she was recovering. Maria Olsen is expected home soon. Olsen returned to work.")
    got = _canonicals(text, ["Maria Olsen", "Erik Olsen", "Olsen"])
    assert [c for s, c in got if text[s:s + 6] == "Olsen "] == ["Erik Olsen", "Erik Olsen"]


def test_honorific_gender_picks_among_namesakes():
    text = ("Erik Olsen said he was tired. Maria Olsen said she was not. "
            + "The debate went on for hours about the budget and the schools. " * 6 + "Mr Olsen left early.")
    assert _canonicals(text, ["Maria Olsen", "Erik Olsen", "Olsen"])[-1][1] == "Erik Olsen"


def test_nickname_and_middle_initial_forms_link_to_the_full_name():
    text = "William J. Hartley arrived. Bill Hartley said the plan was ready. William Hartley left."
    got = _canonicals(text, ["William J. Hartley", "Bill Hartley", "William Hartley"])
    assert {c for _, c in got} == {"William J. Hartley"}


def test_canonical_is_the_most_used_clean_full_form():
    text = "Maria Olsen Invokes Rule. Maria Olsen spoke. Maria Olsen left. Olsen said."
    got = _canonicals(text, ["Maria Olsen Invokes", "Maria Olsen", "Olsen"])
    assert {c for _, c in got} == {"Maria Olsen"}


def test_a_place_in_brackets_qualifies_a_name_and_does_not_merge_with_it():
    text = "1. Jane Kowalski (Poland) 2:10.5"
    mentions = [RawMention(*_span(text, "Jane Kowalski"), "Jane Kowalski", "GPE", "s0"),
                RawMention(*_span(text, "Poland"), "Poland", "GPE", "s0")]
    linked = link_mentions(text, mentions)
    assert linked[0].canonical != linked[1].canonical


def test_a_bare_given_name_links_only_to_the_one_person_it_fits():
    text = "Monica Hartley won in straight sets. Monica said she was pleased."
    assert {c for _, c in _canonicals(text, ["Monica Hartley", "Monica"])} == {"Monica Hartley"}
    text = "Monica Hartley beat Monica Olsen. Monica said she was pleased."
    assert _canonicals(text, ["Monica Hartley", "Monica Olsen", "Monica"])[-1][1] == "Monica"


def test_names_whose_label_linking_settles_reach_their_untagged_repeats():
    from transforms.analyse.entities import propagate_names, settled_repeats

    text = "Tarvo Lindqvist won the final . Lindqvist said little . Lindqvist played his best squash ."
    sentences = [(m.start(), m.end(), f"s{i}") for i, m in enumerate(re.finditer(r"[^.]+\.", text))]
    first = text.index("Lindqvist said")
    mentions = [RawMention(*_span(text, "Tarvo Lindqvist"), "Tarvo Lindqvist", "ORG", "s0"),
                RawMention(first, first + 9, "Lindqvist", "PRODUCT", "s1")]
    assert propagate_names(text, mentions, sentences) == []  # by the model's labels: nothing
    (added,) = settled_repeats(text, mentions, sentences)
    assert (text[added.char_start:added.char_end], added.label) == ("Lindqvist", "PERSON")
    assert added.char_start == text.index("Lindqvist played")
