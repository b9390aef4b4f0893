"""Name keys and relations (transforms/names.py): what links and resolution agree a name is."""
from collections import Counter

import pytest

from transforms.names import canonical_name, country_code, link_reason, name_tokens, person_name_relation


def relation(a, b):
    found = person_name_relation(name_tokens(a), name_tokens(b))
    return found and found[0]


@pytest.mark.parametrize("a, b, kind", [
    ("Maria Olsen", "Maria Olsen", "same"),
    ("Olsen", "Maria Olsen", "surname"),
    ("Bill Hartley", "William Hartley", "variant"),          # a nickname
    ("W. Hartley", "William Hartley", "variant"),            # an initial
    ("William Hartley", "William J. Hartley", "variant"),    # a middle initial dropped
    ("Bill Hartley", "William James Hartley", "partial"),    # nickname, middle name dropped
    ("Maria Olsen", "Maria Anna Olsen", "partial"),
    ("Maria", "Maria Olsen", None),                          # a first name alone is nobody
    ("Erik Olsen", "Maria Olsen", None),                     # family members
    ("Liv Olsen", "Maria Anna Olsen", None),
    ("Maria Olsen", "Maria Hansen", None),
])
def test_person_name_relation(a, b, kind):
    assert relation(a, b) == kind
    assert relation(b, a) == kind


def test_canonical_name_is_the_most_used_clean_full_form():
    assert canonical_name(Counter({"Olsen": 9, "Maria Olsen": 3, "Maria Olsen Wins": 1}), "PERSON") == "Maria Olsen"
    assert canonical_name(Counter({"Maria] Olsen": 5, "Maria Olsen": 1}), "PERSON") == "Maria Olsen"
    assert canonical_name(Counter({"EU": 9, "European Union": 2}), "ORG") == "European Union"


@pytest.mark.parametrize("name, label, code", [
    ("U.S.", "GPE", "USA"), ("United States", "GPE", "USA"), ("America", "GPE", "USA"),
    ("Britain", "GPE", "GBR"), ("UK", "GPE", "GBR"), ("Iraqi", "NORP", "IRQ"), ("Iraqis", "NORP", "IRQ"),
    ("Dutch", "NORP", "NLD"), ("Holland", "GPE", "NLD"),
    ("NLD", "ORG", None),        # an organisation's acronym is not a country code
    ("American", "ORG", None),   # a demonym counts only as a nationality
    ("Iraqi", "GPE", None), ("us", "GPE", None),
])
def test_country_code(name, label, code):
    assert country_code(name, label) == code


def test_link_reason_states_the_relation():
    assert link_reason("Olsen", "Maria Olsen", "PERSON") == "Olsen: surname of Maria Olsen (in the same document)"
    assert link_reason("WHO", "World Health Organization", "ORG").startswith("WHO: acronym of")
    assert link_reason("Maria Olsen", "maria olsen", "PERSON") is None
