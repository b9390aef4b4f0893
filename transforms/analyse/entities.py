"""Entity mentions: clean spaCy's spans, add rule-based types, link short forms, give entity ids.

In-document linking only joins evidence the article itself gives (a surname after the full name,
"Mr Surname", an acronym or gloss introduced in brackets); identities across documents are decided
in `transforms.resolve`; both compare the transliteration-aware keys of `transforms.names`.
"""
from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections import Counter
from dataclasses import dataclass, replace

from transforms.lexicon import table, words
from transforms.names import (
    HONORIFICS,
    canonical_name,
    country_code,
    could_be_personal_name,
    initials,
    is_acronym,
    name_fullness,
    name_key,
    name_tokens,
    person_name_relation,
    tokens_match,
)
from transforms.union_find import UnionFind

_SPACED_DASH = re.compile(r"\s[-–—―]+\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# Labels that spaCy's small model gives bare surnames (and Arabic-style names) by mistake.
_SURNAME_CONFUSIONS = frozenset({"ORG", "GPE", "NORP", "PRODUCT", "LOC", "FAC", "WORK_OF_ART"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART",
                          "LAW", "WEAPON"})
# Acronym in brackets right after a name: "Full Name (ABC)", "Full Name [ABC]".
_ACRONYM_INTRO = re.compile(r"\s*[(\[]\s*([A-Z][A-Za-z&]{1,9})\s*[)\]]")
# Gloss in brackets: "Arabic Name [English Name, ABC]" or "Name (Other Name)".
_GLOSS_INTRO = re.compile(r"\s*[(\[]\s*([^()\[\]]{2,80}?)\s*[)\]]")
# A following Arabic-article word the model left out: "al-Bayt" + " ash-Sharqi".
_PARTICLE_TAIL = re.compile(r"[ \u00a0](?:al|el|ad|ash|as|az|an|ar|at)[-‐][^\W\d_][\w'’ʿʾ]*(?<!['’])")
_WEAPON_CUES = re.compile(
    r"missile|air[- ]?defen[cs]e|weapon|rocket|fighter|warplane|aircraft|\btanks?\b|drone|artillery|"
    r"howitzer|bomber|submarine|launcher|interceptor|\barms\b|military|army|navy|air force|warship",
    re.I,
)
# Letter-digit designations: S-300, F-35, Su-57, MiG-29, T-90A, Bavar-373 (optionally plural "s").
_DESIGNATION = re.compile(r"\b([A-Z][A-Za-z]{0,5})-(\d{1,4}[A-Z]{0,2})(?=s?\b)")
# Designation-shaped names that are not weapons.
_NOT_WEAPON_PREFIXES = frozenset({"COVID", "Covid", "SARS", "MERS", "G", "H", "N", "ISO", "A", "B", "Q", "K"})
_WEAPON_NOUNS = re.compile(
    r"(?:(?:anti-(?:aircraft|tank|ship|missile)|surface-to-air|air-to-air|air[- ]defen[cs]e|ballistic|"
    r"cruise|hypersonic|guided|rocket|missile)\s+)?"
    r"(?:missiles?|rockets?|launchers?|(?:air[- ]defen[cs]e\s+|missile\s+|weapons?\s+)?systems?|drones?|"
    r"jets?|fighters?|bombers?|tanks?|rifles?|howitzers?|interceptors?|warships?)\b"
)
_LABEL_PRIORITY = ("WEAPON", "PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "LAW",
                   "WORK_OF_ART", "LANGUAGE")


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
    canonical: str  # the most used full name the article gives this entity


# ---------------------------------------------------------------------------------------------
# Name keys
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Span cleaning
# ---------------------------------------------------------------------------------------------

def clean_span(raw_text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim honorifics, a lowercase 'the', possessives, quotes and punctuation off a mention span;
    cut it after a spaced dash (no name holds one: "ATHLETICS - JANE DOE" is a headline's topic
    and a name); extend it over a trailing Arabic-article word the model cut off ('al-Bayt ash-Sharqi')."""
    text = raw_text[start:end]
    dash = None
    for dash in _SPACED_DASH.finditer(text):
        pass
    if dash is not None and dash.end() < len(text):
        start += dash.end()
        text = text[dash.end():]
    while True:
        m = re.match(r"([A-Za-z]+)\.?\s+", text)
        if m and m.group(1).lower() in HONORIFICS and len(text) > m.end() and text[m.end()].isupper():
            start += m.end()
            text = text[m.end():]
            continue
        if m and m.group(1) == "the" and len(text) > m.end() and text[m.end()].isupper():
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
    if re.search(r"(?:^|[\s-])(?:al|el|ash|as|ad|az|an|ar|at)[-‐]\w", raw_text[start:end], re.I):
        tail = _PARTICLE_TAIL.match(raw_text, end)
        if tail:
            end = tail.end()
    return start, end


# ---------------------------------------------------------------------------------------------
# Rule-based WEAPON mentions (a spaCy component)
# ---------------------------------------------------------------------------------------------

def weapon_spans(text: str, ents: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Character spans of weapon-system names in `text` (one block).

    Designations (S-300, F-35) count when the block talks about arms; a capitalised name right
    before a lowercase weapon noun ("Patriot missiles", "Iron Dome air-defence system") counts when
    the model did not call it a nationality or place ("Russian missile systems" is not a name).
    """
    found = []
    if _WEAPON_CUES.search(text):
        for m in _DESIGNATION.finditer(text):
            if m.group(1) not in _NOT_WEAPON_PREFIXES:
                found.append((m.start(), m.end()))
    non_names = [(s, e) for s, e, label in ents if label in {"NORP", "GPE", "LOC", "DATE", "CARDINAL", "ORDINAL"}]
    for m in re.finditer(r"\b((?:[A-Z][\w]*(?:-[\w]+)?\s+){1,2})(?=[a-z])", text):
        noun = _WEAPON_NOUNS.match(text, m.end())
        if not noun:
            continue
        s, e = m.start(1), m.start(1) + len(m.group(1).rstrip())
        words = text[s:e].split()
        sentence_start = s == 0 or re.search(r"[.!?\"“]\s*$", text[:s]) is not None
        if sentence_start and len(words) == 1 and not re.search(r"[A-Z].*[A-Z]|\d", words[0]):
            continue  # "Missiles hit…": a capitalised first word is not evidence of a name
        if any(s < ne and ns < e for ns, ne in non_names):
            continue
        if words[0].lower() in {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these"}:
            continue
        found.append((s, e))
    return found


def add_entity_rules(nlp):
    """Add the WEAPON component after the model's NER (call right after `spacy.load`)."""
    from spacy.language import Language
    from spacy.util import filter_spans

    name = "newsflow_weapons"
    if not Language.has_factory(name):
        @Language.component(name)
        def _weapons(doc):
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            spans = []
            for s, e in weapon_spans(doc.text, ents):
                span = doc.char_span(s, e, label="WEAPON", alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            if spans:
                kept = [e for e in doc.ents if not any(e.start < w.end and w.start < e.end for w in spans)]
                doc.ents = filter_spans(list(spans) + kept)
            return doc

    if name not in nlp.pipe_names:
        nlp.add_pipe(name, after="ner" if "ner" in nlp.pipe_names else None)
    return nlp


def _trim_plural(m: RawMention) -> RawMention:
    """'S-400s' and 'S-400' are one designation: the mention covers the designation only."""
    if re.search(r"\ds$", m.text):
        return replace(m, text=m.text[:-1], char_end=m.char_end - 1)
    return m


# ---------------------------------------------------------------------------------------------
# In-document linking
# ---------------------------------------------------------------------------------------------

# Labels whose names recur in an article under the same spelling.
_PROPAGATED_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_FUNCTION_WORDS = words("prose_stopwords")
HONORIFIC_GENDER = table("HONORIFIC_GENDER")
PERSONAL_PRONOUNS = table("PERSONAL_PRONOUNS")


def propagate_names(raw_text: str, mentions: list[RawMention],
                    sentences: list[tuple[int, int, str]]) -> list[RawMention]:
    """Mentions the model missed of names it found elsewhere in the same article.

    One name, one sense per article: where the article names "Jane Doe" (or tags "Doe"), a later
    "Doe" the model left untagged (often at a sentence start, or in a table row) is the same
    person. A form is propagated only when the article never writes it lowercase, it is not a
    function word, and the occurrence is not part of a longer capitalised name. `sentences` are
    (start, end, sentence_id) of the analysed sentences; returns the added mentions.
    """
    forms: dict[str, str] = {}
    for m in mentions:
        if m.label not in _PROPAGATED_LABELS:
            continue
        forms.setdefault(m.text, m.label)
        if m.label == "PERSON" and len(m.text.split()) > 1:
            forms.setdefault(m.text.split()[-1], "PERSON")
    covered = sorted((m.char_start, m.char_end) for m in mentions)
    starts = [s for s, _, _ in sentences]
    added: list[RawMention] = []
    for form, label in forms.items():
        if len(form) < 3 or not form[0].isupper() or form.casefold() in _FUNCTION_WORDS \
                or re.search(rf"\b{re.escape(form.lower())}\b", raw_text):
            continue
        for hit in re.finditer(rf"(?<![\w'’-]){re.escape(form)}(?![\w-]|['’]\w\w)", raw_text):
            s, e = hit.span()
            k = bisect_right(starts, s) - 1
            if k < 0 or e > sentences[k][1] or _overlaps(covered, s, e) or _in_longer_name(raw_text, s, e):
                continue
            added.append(RawMention(s, e, form, label, sentences[k][2]))
            insort(covered, (s, e))
    return added


def settled_repeats(raw_text: str, mentions: list[RawMention],
                    sentences: list[tuple[int, int, str]]) -> list[RawMention]:
    """Untagged repeats of names whose label only linking settles.

    `propagate_names` goes by the model's labels, so a surname the model tagged PRODUCT beside a
    full name it tagged ORG ("Jane Doe" ORG, "Doe" PRODUCT) reaches none of its untagged repeats,
    though `link_mentions` makes both the person Jane Doe. This propagates again from the linked
    labels; returns the mentions to add (link everything again with them).
    """
    linked = link_mentions(raw_text, mentions)
    settled = [RawMention(m.char_start, m.char_end, m.text, m.label, m.sentence_id) for m in linked]
    return propagate_names(raw_text, settled, sentences)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    k = bisect_right(spans, (start, float("inf")))
    return (k > 0 and spans[k - 1][1] > start) or (k < len(spans) and spans[k][0] < end)


def _in_longer_name(raw_text: str, start: int, end: int) -> bool:
    """A capitalised word right before or after: "Doe" in "Doe Street" or "Lake Doe"."""
    before = re.search(r"([^\W\d_][\w'’.-]*)[ \t]+$", raw_text[max(0, start - 40):start])
    after = re.match(r"[ \t]+([^\W\d_][\w'’-]*)", raw_text[end:end + 40])
    capital_before = before is not None and before.group(1)[0].isupper() and not before.group(1).endswith(".") \
        and before.group(1).casefold() not in _FUNCTION_WORDS | HONORIFICS
    capital_after = after is not None and after.group(1)[0].isupper()
    return capital_before or capital_after


def link_mentions(raw_text: str, mentions: list[RawMention]) -> list[LinkedMention]:
    """Point short forms at the name the article gives most fully for the same entity.

    1. One label per name in the article (the model flips between labels for one string);
       designations as WEAPON wherever the article calls one of them a weapon.
    2. Same name key and label: one entity (except short person forms, linked one by one in 4).
    3. Bracketed acronyms and glosses, and acronyms of names the article spells out.
    4. Each short person form (a bare surname, "Mr Doe", a name without its middle name) to the
       one full name it means: compatible given names and gender, then the person of that name
       the article introduced first. Family members share
       surnames, so bare surnames are never grouped among themselves first.
    5. Each group's label and canonical name (the most used full form).
    """
    # 1. Labels
    mentions = [_trim_plural(m) if m.label == "WEAPON" else m for m in mentions]
    mentions = _vote_labels(mentions)
    mentions = _persons_tagged_as_org(raw_text, mentions)
    mentions = [_without_descriptor(m) for m in mentions]
    forest = UnionFind(range(len(mentions)))
    union = forest.union_smallest_root
    short_forms = _short_person_forms(mentions)
    # 2. Same names
    first_of: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        if i not in short_forms:
            union(i, first_of.setdefault((m.label, name_key(m.text)), i))
    # 3. Glosses and acronyms
    for i, j in _gloss_links(raw_text, mentions):
        union(i, j)
    acronyms = _acronym_expansions(raw_text, mentions)
    for i, m in enumerate(mentions):
        if m.text in acronyms:
            union(i, acronyms[m.text])
    # 4. Short person names
    for i, j in _short_name_links(raw_text, mentions, short_forms, forest):
        union(i, j)
        if mentions[i].label != "PERSON":
            mentions[i] = replace(mentions[i], label="PERSON")
    for i in short_forms:  # short forms that name no full name of the article: one entity per form
        if forest.find(i) == i and not any(forest.find(j) == i for j in range(len(mentions)) if j != i):
            union(i, first_of.setdefault((mentions[i].label, name_key(mentions[i].text)), i))
    # 5. Canonical names
    linked: list[LinkedMention | None] = [None] * len(mentions)
    for members in forest.groups().values():
        label = _group_label([mentions[i] for i in members])
        canonical = canonical_name(Counter(mentions[i].text for i in members), label)
        for i in members:
            m = mentions[i]
            linked[i] = LinkedMention(m.char_start, m.char_end, m.text, label, m.sentence_id, canonical)
    return linked


_DESCRIPTORS = words("person_descriptors") | words("resolution_role_words")


def _without_descriptor(m: RawMention) -> RawMention:
    """A person's span without a leading demonym or role word the tagger took in ("American
    Jane Doe", "CHAMPION JANE DOE", "Centre John Doe"): the name starts after it."""
    if m.label != "PERSON":
        return m
    first, _, rest = m.text.partition(" ")
    if rest and rest[:1].isupper() and (first.casefold() in _DESCRIPTORS or country_code(first, "NORP")):
        cut = len(m.text) - len(rest)
        return replace(m, char_start=m.char_start + cut, text=rest)
    return m


def _short_person_forms(mentions: list[RawMention]) -> set[int]:
    """Mentions that may be a shorter form of a fuller person name of the article: a bare
    surname (whatever label the model gave it), a name without its middle name or initial."""
    fuller_names = {name_tokens(m.text) for m in mentions if m.label == "PERSON"}
    out = set()
    for i, m in enumerate(mentions):
        if m.label not in {"PERSON", *_SURNAME_CONFUSIONS} or is_acronym(m.text):
            continue
        short = name_tokens(m.text)
        if short and any(_shorter_form(full, short, m.label) or _given_name_of(full, short, m.label)
                         for full in fuller_names):
            out.add(i)
    return out


def _given_name_of(full: tuple[str, ...], short: tuple[str, ...], label: str) -> bool:
    """A bare given name tagged PERSON that begins the full name ("Monica" of "Monica Seles"):
    linked only when it fits one person of the article (across documents a first name alone
    never links)."""
    return label == "PERSON" and len(short) == 1 and len(full) > 1 and tokens_match(short[0], full[0])


def _shorter_form(full: tuple[str, ...], short: tuple[str, ...], label: str) -> bool:
    """`short` may be the person `full` named more briefly: the whole end of the name ("Suu Kyi"
    of "Aung San Suu Kyi"); for a person tag also any fitting shorter form (`_contains_name`).
    A bare surname is the typical error of the other labels."""
    if _ends_name(full, short):
        return True
    return _contains_name(full, short) if label == "PERSON" or len(short) == 1 else False


def _short_name_links(raw_text: str, mentions: list[RawMention], short_forms: set[int],
                      forest: UnionFind) -> list[tuple[int, int]]:
    """(short form, full name) links, one per short form, in text order.

    Candidates are the article's full person names the short form fits (same surname, no
    conflicting given name, no conflicting "Mr"/"Mrs" or pronoun gender). The first introduced
    wins: news introduces its main person of a name first and keeps the bare surname for them,
    naming a relative who shares it in full each time (or as "Mrs Doe"), so neither the person
    named last nor the one named most often is a better guess."""
    # Fuller names may be short forms themselves ("Jane Doe" of a headline's "Jane Doe Wins"):
    # linking to one reaches its group.
    persons = [j for j, m in enumerate(mentions) if m.label == "PERSON"]
    genders = _genders(raw_text, mentions)
    links = []
    for i in sorted(short_forms, key=lambda i: mentions[i].char_start):
        m = mentions[i]
        short = name_tokens(m.text)
        fuller = [j for j in persons if j != i and _shorter_form(name_tokens(mentions[j].text), short, m.label)]
        given = not fuller
        if given:
            fuller = [j for j in persons if j != i and _given_name_of(name_tokens(mentions[j].text), short, m.label)]
        gender = genders.get(i)
        by_group: dict[int, list[int]] = {}
        for j in fuller:
            by_group.setdefault(forest.find(j), []).append(j)
        groups = {g: js for g, js in by_group.items()
                  if gender is None or {genders[j] for j in (g, *js) if j in genders} <= {gender}}
        if not groups or (given and len(groups) > 1):
            continue
        g = min(groups, key=lambda g: min(mentions[j].char_start for j in groups[g]))
        links.append((i, min(groups[g], key=lambda j: abs(mentions[j].char_start - m.char_start))))
    return links


_HONORIFIC_BEFORE = re.compile(r"\b([A-Za-z]+)\.?\s+$")
_PRONOUN_GENDER = {**PERSONAL_PRONOUNS, "his": "m", "hers": "f"}
_PRONOUN = re.compile(r"\b(?:" + "|".join(_PRONOUN_GENDER) + r")\b", re.I)


def _genders(raw_text: str, mentions: list[RawMention]) -> dict[int, str]:
    """'m'/'f' for mentions with a gender cue, and for the full-name groups they belong to: a
    gendered honorific right before the name ("Mrs Doe"), or the first personal pronoun after a
    full name in its sentence with no other person between ("Jane Doe said she ...")."""
    out: dict[int, str] = {}
    persons = [k for k, m in enumerate(mentions) if m.label in {"PERSON", *_SURNAME_CONFUSIONS}]
    for n, k in enumerate(persons):
        m = mentions[k]
        hon = _HONORIFIC_BEFORE.search(raw_text[max(0, m.char_start - 8):m.char_start])
        g = HONORIFIC_GENDER.get(hon.group(1).lower()) if hon else None
        if g is None and mentions[k].label == "PERSON" and len(name_tokens(m.text)) > 1:
            stop = mentions[persons[n + 1]].char_start if n + 1 < len(persons) else len(raw_text)
            tail = raw_text[m.char_end:min(stop, m.char_end + 200)]
            tail = re.split(r"[.!?](?:\s|$)", tail, maxsplit=1)[0]
            pronoun = _PRONOUN.search(tail)
            g = _PRONOUN_GENDER.get(pronoun.group().lower()) if pronoun else None
        if g:
            out[k] = g
    # A full name's gender holds for every mention of its name.
    by_key: dict[str, set[str]] = {}
    for k, g in out.items():
        if len(name_tokens(mentions[k].text)) > 1:
            by_key.setdefault(name_key(mentions[k].text), set()).add(g)
    for k in persons:
        gs = by_key.get(name_key(mentions[k].text))
        if gs and len(gs) == 1 and k not in out:
            out[k] = next(iter(gs))
    return out


def _gloss_links(raw_text: str, mentions: list[RawMention]) -> list[tuple[int, int]]:
    """Mentions joined by a bracketed acronym or gloss right after one: "Popular Mobilization
    Forces (PMF)". A person is never glossed by an organisation, unless the gloss carries the
    acronym of an expansion: then the glossed name is that organisation (the model often tags
    Arabic names PERSON). Numbers are never glossed: "£6bn (€7.1bn)" is a conversion, and a
    place in brackets is a qualifier unless it names the same country ("Myanmar (Burma)")."""
    links = []
    for i, m in enumerate(mentions):
        intro = _GLOSS_INTRO.match(raw_text, m.char_end) if m.label in _NAME_LABELS else None
        if not intro:
            continue
        inside = [j for j, o in enumerate(mentions) if j != i and o.label in _NAME_LABELS
                  and intro.start(1) <= o.char_start and o.char_end <= intro.end(1)]
        has_acronym = any(is_acronym(mentions[j].text) for j in inside)
        for j in inside:
            other = mentions[j]
            if (other.label == "PERSON") != (m.label == "PERSON") and not has_acronym:
                continue
            if other.label in {"GPE", "LOC"} and (
                    country_code(other.text, other.label) is None
                    or country_code(other.text, other.label) != country_code(m.text, "GPE")):
                continue  # a place in brackets qualifies a name ("Jane Doe (Kenya)", "Paris (Texas)")
            if m.label in {"GPE", "LOC"} and other.label not in {"GPE", "LOC"}:
                continue
            links.append((i, j))
    return links


def _contains_name(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """`short` is a shorter form of the person name `full`: fewer words that fit it (a first
    name alone never does), or as many words with initials for its given names."""
    if len(short) > len(full) or person_name_relation(short, full) is None:
        return False
    return len(short) < len(full) or any(len(p) == 1 < len(q) for p, q in zip(short, full))


def _ends_name(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """`short` is the last words of the longer `full`."""
    return len(full) > len(short) and all(tokens_match(a, b) for a, b in zip(short, full[-len(short):]))


def _vote_labels(mentions: list[RawMention]) -> list[RawMention]:
    """One label per name key in an article: WEAPON wins (a rule saw weapon context), then the
    majority, ties broken by _LABEL_PRIORITY. Only name-like labels take part."""
    votes: dict[str, dict[str, int]] = {}
    for m in mentions:
        if m.label in _NAME_LABELS:
            votes.setdefault(name_key(m.text), {}).setdefault(m.label, 0)
            votes[name_key(m.text)][m.label] += 1
    chosen = {}
    for key, v in votes.items():
        if "WEAPON" in v:
            chosen[key] = "WEAPON"
        else:
            chosen[key] = max(v, key=lambda lb: (v[lb], -_LABEL_PRIORITY.index(lb) if lb in _LABEL_PRIORITY else -99))
    out = []
    for m in mentions:
        if m.label in _NAME_LABELS:
            m = replace(m, label=chosen[name_key(m.text)])
        if m.label == "PERSON" and _all_article_words(m.text):
            m = replace(m, label="ORG")  # "Al-Bayt al-Sharqi": a personal name starts with a given name
        out.append(m)
    return out


# Honorifics that only ever precede a person's name.
_PERSON_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.?\s+$")


def _persons_tagged_as_org(raw_text: str, mentions: list[RawMention]) -> list[RawMention]:
    """The small model often tags a full personal name as ORG ("Jane Doe" ORG, "Doe" PERSON).
    A 2-3 word ORG name is a PERSON when its last word is used alone in the article (as a tagged
    name, or after Mr/Ms …), none of its words is an organisation or place word, and its
    leading words are not themselves an organisation or place the article names."""
    # Organisations are seldom called by their last word alone; people are, by their surname,
    # whatever label the model gives the bare surname.
    single = {m.text for m in mentions if m.label in _NAME_LABELS and len(m.text.split()) == 1}
    named_elsewhere = {name_key(m.text) for m in mentions if m.label != "PERSON"}
    out = []
    for m in mentions:
        words = m.text.split()
        if m.label == "ORG" and could_be_personal_name(m.text) \
                and name_key(" ".join(words[:-1])) not in named_elsewhere:
            last = words[-1]
            used_alone = last in single or any(
                _PERSON_HONORIFIC.search(raw_text[max(0, h.start() - 6):h.start()])
                for h in re.finditer(rf"\b{re.escape(last)}\b", raw_text))
            if used_alone:
                m = replace(m, label="PERSON")
        out.append(m)
    return out


def _all_article_words(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and all(re.match(r"(?:al|el|ash|as|ad|az|an|ar|at)[-‐]\w", w, re.I) for w in words)


def _group_label(members: list[RawMention]) -> str:
    labels = [m.label for m in members]
    if any(is_acronym(m.text) and m.label != "PERSON" for m in members):
        labels = [lb for lb in labels if lb != "PERSON"]  # persons are not known by acronyms
    elif "PERSON" in labels and any(len(name_tokens(m.text)) > 1 and m.label == "PERSON" for m in members):
        return "PERSON"
    # The label itself breaks the last ties, so the choice never depends on set order.
    return max(set(labels), key=lambda lb: (labels.count(lb), -_LABEL_PRIORITY.index(lb) if lb in _LABEL_PRIORITY else -99, lb))


def _acronym_expansions(raw_text: str, mentions: list[RawMention]) -> dict[str, int]:
    """'Full Name (ABC)' or 'Full Name [ABC]' in the text: ABC means Full Name (index of it)."""
    found = {}
    for i, m in enumerate(mentions):
        intro = _ACRONYM_INTRO.match(raw_text, m.char_end)
        if not intro or m.label == "PERSON":
            continue
        acronym = intro.group(1)
        if acronym.upper() == initials(m.text) or acronym[0].upper() == m.text[0].upper():
            found[acronym] = i
    return found
