"""Names: the keys under which spellings of one name meet, shared by linking and resolution.

Pure string functions (cached): casefolding without diacritics, transliteration-neutral tokens,
acronyms and initials, and the entity id of a (label, name) pair.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import countryinfo
from nicknames import NickNamer
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


@lru_cache(maxsize=1)
def _nickname_pairs() -> frozenset[frozenset[str]]:
    """Given names and their nicknames (William/Bill), as pairs of transliterated tokens."""
    pairs = set()
    for name, nicks in NickNamer().nickname_lookup.items():
        for nick in nicks:
            a, b = translit_token(name), translit_token(nick)
            if a != b:
                pairs.add(frozenset((a, b)))
    return frozenset(pairs)


def given_names_match(a: str, b: str) -> str | None:
    """How two transliterated given-name tokens can name one person: "same", "nickname" (Bill,
    William), "initial" (J, John), or None (different people)."""
    if tokens_match(a, b):
        return "same"
    if (len(a) == 1 or len(b) == 1) and a[:1] == b[:1]:
        return "initial"
    if frozenset((a, b)) in _nickname_pairs():
        return "nickname"
    return None


_SHORT_FORM_OF = {
    "same": "another form of",
    "nickname": "a nickname form of",
    "initial": "an initialled form of",
}


def person_name_relation(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, str] | None:
    """How two person names (name_tokens) relate, short to full: (kind, description) or None
    when they name different people. Kinds, strongest first: "same" (every token matches),
    "variant" (the same words but for a nickname or an initial), "partial" (given names alone, a
    middle name dropped or added, an initial for a given name), "surname" (a bare surname).
    A different given name with one surname is another person: family members share surnames."""
    short, full = (x, y) if len(x) <= len(y) else (y, x)
    if not short:
        return None
    if len(short) == len(full):
        if not tokens_match(short[-1], full[-1]):
            return None
        kinds = [given_names_match(p, q) for p, q in zip(short[:-1], full[:-1])]
        if None in kinds:
            return None
        worst = next((k for k in ("initial", "nickname") if k in kinds), "same")
        return ("same", "same name as") if worst == "same" else ("variant", _SHORT_FORM_OF[worst])
    if len(short) == 1:
        # A bare name: a surname may stand for the full name; a first name never does.
        return ("surname", "surname of") if tokens_match(short[0], full[-1]) else None
    if all(tokens_match(p, q) for p, q in zip(short, full)):
        return ("partial", "given names of")
    if not tokens_match(short[-1], full[-1]):
        return None
    # Every given name of the short form in order among the full form's (a middle name dropped).
    rest, k, kinds = short[:-1], 0, []
    for w in full[:-1]:
        kind = given_names_match(rest[k], w) if k < len(rest) else None
        if kind is not None:
            kinds.append(kind)
            k += 1
        elif k == 0:
            return None  # the first given names differ: another person
    if k < len(rest):
        return None
    if "initial" in kinds:
        return ("partial", "initials and surname of")
    if len(full) == len(short) + 1 and len(full[-2]) == 1 and full[:-2] == short[:-1]:
        return ("variant", "name without the middle initial of")
    if "nickname" in kinds:
        return ("partial", "a nickname and surname of")
    return ("partial", "name without the middle name of")


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


# Words joined by single spaces, dots, hyphens, apostrophes or "&": no brackets, stray marks,
# digits or unusual spaces (a tagger's span that caught "Doe]" or "Doe—35").
_CLEAN_NAME = re.compile(r"[^\W\d_]+\.?(?:(?: |-|'|’|\. ?| & )[^\W\d_]+\.?)*")


def canonical_name(counts: dict[str, int], label: str) -> str:
    """The name an entity is known by: its most used full form (for a person several words, for
    anything else not an acronym), then the fuller, then alphabetical. Frequency first, so a
    headline's glued-on word or a one-off middle name does not become the name."""
    def rank(text: str) -> tuple:
        words = name_key(text).split()
        full = len(words) > 1 if label == "PERSON" else not is_acronym(text)
        return (full, _CLEAN_NAME.fullmatch(text) is not None, counts[text], *name_fullness(text, label))
    return max(counts, key=rank)


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(name key -> ISO alpha-3 code, code -> alpha-3, demonym key -> alpha-3) for every country
    countryinfo knows (names, alternative spellings, ISO codes, demonyms and their plurals) plus
    the lexicon's everyday names. A name or demonym several countries share ("American": the
    United States, the Northern Mariana Islands) means the most populous."""
    names, codes, demonyms = {}, {}, {}
    by_size = sorted((c.info() for c in countryinfo.all_countries()), key=lambda i: -(i.get("population") or 0))
    for info in by_size:
        code = (info.get("ISO") or {}).get("alpha3")
        if not code:
            continue
        for spelling in [info.get("name") or "", *(info.get("altSpellings") or [])]:
            if _COUNTRY_CODE.fullmatch(spelling):
                codes.setdefault(spelling, code)
            elif spelling:
                names.setdefault(name_key(spelling), code)
        if info.get("demonym"):
            demonym = name_key(info["demonym"])
            demonyms.setdefault(demonym, code)
            demonyms.setdefault(demonym if demonym.endswith(("s", "sh", "ch", "ese")) else demonym + "s", code)
    for code, aliases in table("COUNTRY_ALIASES").items():
        for alias in aliases.split("|"):
            names[name_key(alias)] = code
    return names, codes, demonyms


_COUNTRY_CODE = re.compile(r"[A-Z]{2,3}")


def country_code(name: str, label: str) -> str | None:
    """The ISO alpha-3 code of the country a mention names: by name or short form ("U.S.",
    "Britain") as a place or organisation, by ISO code only as a place written in capitals
    ("GER", not the acronym of an organisation), by demonym only as a nationality ("Iraqi")."""
    names, codes, demonyms = _countries()
    if label == "NORP":
        return demonyms.get(name_key(name))
    if label in {"GPE", "LOC"} and _COUNTRY_CODE.fullmatch(name) and name in codes:
        return codes[name]
    return names.get(name_key(name))


#: Ends the merge reason of a link an article makes itself.
IN_DOCUMENT = " (in the same document)"


def link_reason(form: str, canonical: str, label: str) -> str | None:
    """The merge reason of a form an article links to its name for the entity ("Doe: surname of
    Jane Doe (in the same document)"); None when the form is the name. A function of the two
    names, so resolution can state it again for mentions published long ago."""
    if name_key(form) == name_key(canonical):
        return None
    relation = person_name_relation(name_tokens(form), name_tokens(canonical)) if label == "PERSON" else None
    if relation:
        why = relation[1]
    elif is_acronym(form) and not is_acronym(canonical):
        why = "acronym of"
    else:
        why = "another form of"
    return f"{form}: {why} {canonical}{IN_DOCUMENT}"


def could_be_personal_name(text: str) -> bool:
    """2-3 capitalised words, none an acronym or an organisation/place word: "Jane Doe" may be a
    person whatever the tagger said; "Tax Foundation" may not."""
    words = text.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not any(is_acronym(w) for w in words) \
        and not any(fold(w).strip(".") in ORGANISATION_WORDS for w in words)

