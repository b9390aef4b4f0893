"""Entity mentions: clean spaCy's spans, link short forms to full names, give stable entity ids.

In-document linking only joins evidence the article itself gives (a surname after the full
name, "Mr Surname", an acronym introduced in parentheses); identities across documents come from
the name key, which folds case, diacritics and a leading Arabic article.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace

HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady gen col lt capt sgt maj adm cmdr rev fr sheikh".split()
)
_PARTICLES = ("al", "el", "ad", "ash", "as", "az", "an", "ar")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# Labels that spaCy's small model gives bare surnames by mistake.
_SURNAME_CONFUSIONS = frozenset({"ORG", "GPE", "NORP", "PRODUCT", "LOC", "FAC", "WORK_OF_ART"})
_ACRONYM_INTRO = re.compile(r"\s*[(\[]\s*([A-Z][A-Za-z&]{1,9})\s*[)\]]")


@dataclass(frozen=True)
class RawMention:
    """A mention before linking; offsets index the document's raw text."""

    char_start: int
    char_end: int
    text: str
    label: str
    sentence_id: str


@dataclass(frozen=True)
class LinkedMention:
    char_start: int
    char_end: int
    text: str
    label: str
    sentence_id: str
    canonical: str  # the fullest name the article gives for this entity


def fold(text: str) -> str:
    """Casefold and strip diacritics: 'Ḥashd' and 'Hashd' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_key(name: str) -> str:
    """Key under which names of one entity meet across documents."""
    words = re.findall(r"[^\W_]+", fold(name))
    while len(words) > 1 and words[0] in _PARTICLES:
        words = words[1:]
    return " ".join(w for w in words if w not in _PARTICLES or len(words) == 1)


def entity_id_for(label: str, canonical: str) -> str:
    digest = hashlib.sha1(f"{label}|{name_key(canonical)}".encode()).hexdigest()[:16]
    return f"ent_{digest}"


def clean_span(raw_text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim honorifics, possessives, quotes and punctuation off a mention span."""
    text = raw_text[start:end]
    while True:
        m = re.match(r"([A-Za-z]+)\.?\s+", text)
        if m and m.group(1).lower() in HONORIFICS and len(text) > m.end():
            start += m.end()
            text = text[m.end():]
            continue
        break
    m = _POSSESSIVE.search(text)
    if m and len(text) > len(m.group(0)) + 1:
        end -= len(m.group(0))
        text = text[: -len(m.group(0))]
    lead = len(text) - len(text.lstrip(" \t\"'“”‘’([—–-,.:;"))
    trail = len(text) - len(text.rstrip(" \t\"'“”‘’)]—–-,.:;"))
    start, end = start + lead, end - trail
    if end <= start or not any(ch.isalnum() for ch in raw_text[start:end]):
        return None
    return start, end


def link_mentions(raw_text: str, mentions: list[RawMention]) -> list[LinkedMention]:
    """Point short forms at the fullest name the article gives for the same entity."""
    persons = [m for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1]
    surname_of: dict[str, str] = {}
    for m in persons:  # later, longer names win: they are the fuller form
        words = m.text.split()
        for k in (name_key(words[-1]), name_key(m.text)):
            if k and (k not in surname_of or len(m.text) > len(surname_of[k])):
                surname_of[k] = m.text
    acronyms = _acronym_expansions(raw_text, mentions)

    linked: list[LinkedMention] = []
    for m in mentions:
        label, canonical = m.label, m.text
        key = name_key(m.text)
        if len(m.text.split()) == 1 and key in surname_of and label in {"PERSON", *_SURNAME_CONFUSIONS}:
            label, canonical = "PERSON", surname_of[key]
        elif label == "PERSON" and key in surname_of:
            canonical = surname_of[key]
        elif m.text in acronyms:
            canonical = acronyms[m.text]
        linked.append(LinkedMention(m.char_start, m.char_end, m.text, label, m.sentence_id, canonical))
    return linked


def _acronym_expansions(raw_text: str, mentions: list[RawMention]) -> dict[str, str]:
    """'Full Name (ABC)' or 'Full Name [ABC]' in the text: ABC means Full Name."""
    found = {}
    for m in mentions:
        intro = _ACRONYM_INTRO.match(raw_text, m.char_end)
        if not intro:
            continue
        acronym = intro.group(1)
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", m.text) if w[0].isupper())
        if acronym.upper() == initials.upper() or acronym[0].upper() == m.text[0].upper():
            found[acronym] = m.text
    return found


def with_entity_ids(mentions: list[LinkedMention]) -> list[tuple[LinkedMention, str]]:
    return [(m, entity_id_for(m.label, m.canonical)) for m in mentions]


def relabel(mention: LinkedMention, label: str) -> LinkedMention:
    return replace(mention, label=label)
