"""Names: the keys under which spellings of one name meet, shared by linking and resolution.

Pure string functions (cached): casefolding without diacritics, transliteration-neutral tokens,
acronyms and initials, and the entity id of a (label, name) pair.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

from transforms.lexicon import table, words

HONORIFICS = words("honorifics")
PARTICLES = words("name_particles")
ORGANISATION_WORDS = words("organisation_words")

def fold(text: str) -> str:
    """Casefold and strip diacritics: 'Ḥalab' and 'Halab' compare equal."""
    if text.isascii():  # nothing to decompose; most news text takes this path
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return _NON_ASCII.sub(_drop_combining, decomposed).casefold()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _drop_combining(match: re.Match) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def _words(name: str) -> list[str]:
    # Apostrophes and ayn/hamza marks inside a word are transliteration noise: Sha'bi == Shabi.
    text = re.sub(r"(?<=\w)['’ʿʾ`](?=\w)", "", fold(name))
    return re.findall(r"[^\W_]+", text)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Key under which spellings of one name meet: case, diacritics, particles, a leading 'the'."""
    words = _words(name)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(w for w in words if w not in PARTICLES or len(words) == 1)


_VARIANT_OF = {v: k for k, vs in table("GIVEN_NAME_VARIANTS").items() for v in vs.split()}


@lru_cache(maxsize=65536)
def translit_token(word: str) -> str:
    """One name word in a spelling-neutral form (Soleimani = Suleimani, Haider ~ Haidar, q = k)."""
    w = unidecode(word).lower()
    w = re.sub(r"[^a-z0-9]", "", w)
    if w in _VARIANT_OF:
        return _VARIANT_OF[w]
    if w.isdigit():
        return w
    for a, b in (("tch", "ch"), ("zh", "j"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ph", "f"),
                 ("ck", "k"), ("q", "k"), ("x", "ks"), ("w", "v"), ("ou", "u"), ("oo", "u"), ("ee", "i"),
                 ("z", "d")):
        w = w.replace(a, b)
    w = re.sub(r"(?:skiy|skii|skyi|sky)$", "ski", w)
    w = re.sub(r"c(?!h)", "k", w)
    w = w.replace("o", "u").replace("e", "i").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", w)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant skeleton of a transliterated token: a coarse key to find candidates."""
    return token[:1] + re.sub(r"[aeiou]", "", token[1:])


@lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """Transliterated tokens of a name, without honorifics, particles and a leading 'the'."""
    words = [w for w in _words(name) if w not in HONORIFICS]
    if words and words[0] == "the":
        words = words[1:]
    kept = [w for w in words if w not in PARTICLES] or words
    return tuple(translit_token(w) for w in kept)


def tokens_match(a: str, b: str) -> bool:
    """Two transliterated tokens spell one name: same skeleton and at most one vowel/ending edit."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or skeleton(a) != skeleton(b):
        return False
    limit = 1 if min(len(a), len(b)) < 7 else 2
    return Levenshtein.distance(a, b, score_cutoff=limit) <= limit


def entity_id_for(label: str, canonical: str) -> str:
    digest = hashlib.sha1(f"{label}|{name_key(canonical)}".encode()).hexdigest()[:16]
    return f"ent_{digest}"


def initials(name: str) -> str:
    """Initials of the capitalised words: 'World Health Organization' -> 'WHO'."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w.lower() not in PARTICLES]
    return "".join(w[0] for w in words if w[0].isupper()).upper()


_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")


@lru_cache(maxsize=200_000)
def is_acronym(text: str) -> bool:
    return bool(_ACRONYM.fullmatch(text.replace(".", "")))



def name_fullness(text: str, label: str) -> tuple:
    """Which name of a group is the fullest: more words, not an acronym, longer, then alphabetical."""
    words = name_key(text).split()
    return (not is_acronym(text), len(words), len(text), text)


def could_be_personal_name(text: str) -> bool:
    """2-3 capitalised words, none an acronym or an organisation/place word: "Jane Doe" may be a
    person whatever the tagger said; "Tax Foundation" may not."""
    words = text.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not any(is_acronym(w) for w in words) \
        and not any(fold(w).strip(".") in ORGANISATION_WORDS for w in words)

