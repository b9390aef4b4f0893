"""Word lists keyed by language code, as textacy keys its reporting verbs.

Every list the stages use lives in one module per language (`en.py`), written once; stages
ask for a list by name: `words("speech_verbs")`. Mappings (pronoun genders, given-name
variants) are read from the language module itself with `table(name)`.
"""
from __future__ import annotations

from functools import cache
from importlib import import_module

LANGUAGES = ("en",)


def _module(lang: str):
    if lang not in LANGUAGES:
        raise KeyError(f"no word lists for language {lang!r} (have: {', '.join(LANGUAGES)})")
    return import_module(f"transforms.lexicon.{lang}")


@cache
def words(name: str, lang: str = "en") -> frozenset[str]:
    """The named word list of a language as a set."""
    return frozenset(_module(lang).WORDS[name].split())


def table(name: str, lang: str = "en") -> dict[str, str]:
    """A named mapping of a language (e.g. "PERSONAL_PRONOUNS")."""
    return getattr(_module(lang), name)
