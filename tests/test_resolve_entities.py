"""Entities across documents (transforms/resolve/entities.py) on made-up articles
(tests/fixtures/namesakes): namesakes stay apart, spelling variants merge, with their reasons."""
from __future__ import annotations

import polars as pl
from resolve_fixtures import apply, ids, one

from transforms.names import name_tokens, tokens_match


# --- name keys ------------------------------------------------------------------------------

def same_name(a, b):
    x, y = name_tokens(a), name_tokens(b)
    return len(x) == len(y) and all(tokens_match(p, q) for p, q in zip(x, y))


def test_transliteration_variants_match():
    assert same_name("Muhammad Rida al-Haidar", "Mohammed Reza Al-Haider")
    assert same_name("Qassem Soleimani", "Kassem Suleimani")
    assert same_name("Dmitry Volkhonsky", "Dmitri Volkhonskiy")
    assert same_name("Ali Haider", "Ali Haideri")
    assert same_name("Osama bin Laden", "Usama Bin Ladin")


def test_different_names_do_not_match():
    assert not tokens_match(*name_tokens("Hassan Hussein"))
    assert not tokens_match(name_tokens("Mahmoud")[0], name_tokens("Muhammad")[0])
    assert not tokens_match(name_tokens("Andriy")[0], name_tokens("Viktor")[0])


# --- entities -------------------------------------------------------------------------------

def test_spelling_variants_merge_with_reasons(batch, resolved):
    t = apply(batch, resolved)
    assert one(t, "Muhammad Yusuf al-Jaburi", "Mohammed Yousef al-Jabouri", "Mohamed Youssef Jabouri")
    assert one(t, "Dmitry Volkhonsky", "Dmitri Volkhonskiy")
    (eid,) = ids(t, "Mohammed Yousef al-Jabouri")
    row = resolved.entities.filter(pl.col("entity_id") == eid).row(0, named=True)
    assert row["merge_reasons"] and all(":" in r for r in row["merge_reasons"])
    assert "Muhammad Yusuf al-Jaburi" in row["aliases"] + [row["name"]]


def test_namesakes_stay_apart(batch, resolved):
    t = apply(batch, resolved)
    pairs = [
        ("Mohammed Yousef al-Jabouri", "Mohammed Salih al-Jabouri"),  # same first and family name
        ("Andriy Petrenko", "Viktor Petrenko"),                        # father and son
        ("Laila Haddad", "Samir Haddad"),
        ("Ahmed Karimi", "Ahmed Nouri"),                               # same first name
    ]
    for a, b in pairs:
        assert not ids(t, a) & ids(t, b), (a, b)
    # Same family name, another person (a hockey player named only by surname there).
    assert not ids(t, "Volkhonsky", "c3") & ids(t, "Dmitry Volkhonsky")


def test_surname_follows_the_nearest_full_name(batch, resolved):
    t = apply(batch, resolved)
    (viktor,) = ids(t, "Viktor Petrenko")
    (andriy,) = ids(t, "Andriy Petrenko")
    assert ids(t, "Petrenko", "b1") == {viktor}   # "Mr Petrenko" after Viktor's paragraph
    assert ids(t, "Petrenko", "b2") == {andriy}   # another article about the son only
    assert ids(t, "Jabouri", "a5") == ids(t, "Mohammed Salih al-Jabouri")


def test_acronym_links_to_its_expansion_across_documents(batch, resolved):
    t = apply(batch, resolved)
    assert ids(t, "NGC", "e3") == ids(t, "Northern Grain Consortium")
