"""The people of one document, as quote attribution needs them.

Persons are the tagger's PERSON mentions outside quotes, bare surnames the tagger missed and names
tagged ORG that speak like a person. On top of them: genders (honorifics, else agreeing he/she),
salience (who a he/she most likely means), role introductions ("the minister" -> the person the
article introduces as minister) and the subject of the sentence before.
"""
from __future__ import annotations

import re

from transforms.document import Mention, ParsedBlock
from transforms.lexicon import table, words
from transforms.names import could_be_personal_name
from transforms.quotes.document_index import DocumentIndex

SPEECH_VERBS = words("speech_verbs")
PERSONAL_PRONOUNS = table("PERSONAL_PRONOUNS")
HONORIFIC_GENDER = table("HONORIFIC_GENDER")
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
# Labels a speaker's mention may carry.
SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
# Relations that join the words of a name (and, second, an appositive name) to its head.
_NAME = frozenset({"compound", "flat"})
_NAME_AND_APPOSITIVE = _NAME | {"appos"}


def fold_word(word: str) -> str:
    return word.casefold().strip(".")


def surname(name: str) -> str:
    return name.split()[-1]


def as_person(m: Mention) -> Mention:
    """A PERSON mention of the same text and entity (no tagger ids)."""
    return Mention(char_start=m.char_start, char_end=m.char_end, text=m.text, label="PERSON",
                   entity_id=m.entity_id, canonical=m.canonical)


class PersonIndex:
    """Persons of one document, their genders and who a pronoun or a role noun refers to."""

    def __init__(self, index: DocumentIndex):
        self.index = index
        self.persons = sorted(
            [m for m in index.mentions if m.label == "PERSON" and not index.in_quote(m.char_start)]
            + self._missed_surnames() + self._speaking_orgs(),
            key=lambda m: m.char_start)
        self._speakers: list[Mention] = []  # persons resolved as cue subjects so far
        self._gender = self._genders()

    # -- who the persons are -------------------------------------------------------------------

    def _missed_surnames(self) -> list[Mention]:
        """Bare surnames the tagger missed ("Doe went on to say"), when the article has named the
        person in full: they matter for who "he" or "she" is."""
        index = self.index
        full = {}
        for m in index.mentions:
            if m.label == "PERSON" and len(m.canonical.split()) > 1:
                full.setdefault(surname(m.canonical), m)
        covered = [(m.char_start, m.char_end) for m in index.mentions]
        out = []
        for block, t in index.tokens_matching(full, "ORTH"):
            at = block.start_of(t)
            m = full[t.text]
            if t.pos_ != "PROPN" or at < m.char_start or index.in_quote(at) \
                    or any(s <= at < e for s, e in covered):
                continue
            out.append(Mention(char_start=at, char_end=at + len(t.text), text=t.text, label="PERSON",
                               entity_id=m.entity_id, canonical=m.canonical))
        return out

    def _speaking_orgs(self) -> list[Mention]:
        """Mentions of a name tagged ORG that is the subject of a speech verb somewhere and reads
        like a personal name ("Jane Doe said"): a person for who "he" or "she" may be."""
        index = self.index
        speaking = set()
        for m in index.mentions:
            if m.label != "ORG" or index.in_quote(m.char_start) or not could_be_personal_name(m.text):
                continue
            t = self._name_head(m)
            if t is not None and t.dep_ == "nsubj" and t.head.lemma_.lower() in SPEECH_VERBS:
                speaking.add(m.entity_id)
        return [as_person(m) for m in index.mentions
                if m.entity_id in speaking and not index.in_quote(m.char_start)]

    def _name_head(self, m: Mention, through: frozenset[str] = _NAME):
        """The token a mention's words hang on in the parse (its last token, climbing `through`
        these relations), or None outside the article."""
        bi = self.index.block_index_at(m.char_start)
        t = self.index.token_at(bi, m.char_end - 1) if bi is not None else None
        while t is not None and t.dep_ in through:
            t = t.head
        return t

    # -- lookups -------------------------------------------------------------------------------

    def speaker_mention_at(self, offset: int) -> Mention | None:
        """A tagger mention that could name a speaker at `offset`, else a person found here."""
        m = self.index.mention_at(offset, SPEAKER_LABELS)
        if m is not None:
            return m
        return next((p for p in self.persons if p.char_start <= offset < p.char_end), None)

    def person_in(self, start: int, end: int, nearest: int | None = None) -> Mention | None:
        """The person starting in [start, end) closest to `nearest` (default: `start`)."""
        found = [m for m in self.persons if start <= m.char_start < end]
        if not found:
            return None
        return min(found, key=lambda m: abs(m.char_start - (nearest if nearest is not None else start)))

    def latest_with_surname(self, name: str, *, folded: bool = False) -> Mention | None:
        """The last person whose fullest name ends in `name` (compared case-folded if `folded`)."""
        if folded:
            want = fold_word(name)
            return next((p for p in reversed(self.persons) if fold_word(surname(p.canonical)) == want), None)
        return next((p for p in reversed(self.persons) if surname(p.canonical) == name), None)

    def tagged_full_name_ending_in(self, name: str, before: int) -> Mention | None:
        """The last multi-word speaker mention ending by `before` whose text ends in `name` (the
        small model often tags a full name as an organisation; its surname still names it)."""
        return next((p for p in reversed(self.index.mentions) if p.char_end <= before and len(p.text.split()) > 1
                     and surname(p.text) == name and p.label in SPEAKER_LABELS), None)

    def fullest(self, m: Mention) -> Mention:
        """A speaker's bare surname the tagger did not link ("Doe", tagged as an organisation like
        the full name was): the latest fuller name ending in it is the same person."""
        if len(m.canonical.split()) != 1:
            return m
        return next((p for p in reversed(self.index.mentions) if p.char_end <= m.char_start
                     and len(p.canonical.split()) > 1 and surname(p.canonical) == m.canonical
                     and p.label in SPEAKER_LABELS), m)

    def note_speaker(self, m: Mention) -> None:
        """Record a person resolved as a cue's subject: speakers count as sentence subjects."""
        if m.label == "PERSON":
            self._speakers.append(m)

    # -- pronouns ------------------------------------------------------------------------------

    def fits(self, m: Mention, gender: str | None) -> bool:
        """The person's known gender (if any) agrees with `gender`."""
        return self._gender.get(m.entity_id) in {None, gender}

    def clause_subject_person(self, pronoun, block: ParsedBlock, gender: str | None) -> Mention | None:
        """A person who is the subject of an earlier clause of the pronoun's own sentence
        ("Jane Doe scolded him: '…,' she said") is who the pronoun means."""
        sent = pronoun.sent
        for t in reversed(sent[: pronoun.i - sent.start]):
            if t.dep_ not in SUBJECT_DEPS or self.index.in_quote(block.start_of(t)):
                continue
            m = self.speaker_mention_at(block.start_of(t))
            if m is not None and m.label == "PERSON" and self.fits(m, gender):
                return m
        return None

    def salient_person(self, before: int, gender: str | None) -> Mention | None:
        """The person a he/she (or a bare role noun) most likely means: the latest person mentioned
        as a sentence subject or speaker, else the latest person; gender from honorifics when known."""
        cands = [m for m in self.persons if m.char_end <= before]
        if gender:
            cands = [m for m in cands if self.fits(m, gender)]
        if not cands:
            return None
        recent = cands[-1]
        if self._first_mention(recent) and self._described(recent):
            return recent  # a person just introduced ("Jane Doe, an analyst at …") speaks next
        subjects = [m for m in cands if self.is_subject(m)]
        if subjects and subjects[-1].entity_id != recent.entity_id:
            # Someone mentioned since as an object ("… criticising Jane Doe") rarely is the "he".
            near = self.index.sentences_starting_between(subjects[-1].char_start, before) <= 3
            return subjects[-1] if near else recent
        return recent

    def is_subject(self, m: Mention, appositive: bool = False) -> bool:
        """The mention is a speaker found so far or the subject of its sentence's main verb (with
        `appositive`, also a name in apposition to that subject)."""
        if any(s is m or (s.entity_id == m.entity_id and s.char_start == m.char_start) for s in self._speakers):
            return True
        t = self._name_head(m, _NAME_AND_APPOSITIVE if appositive else _NAME)
        # the subject of the sentence's main verb (not of a clause inside it)
        return t is not None and t.dep_ in SUBJECT_DEPS and t.head.dep_ in {"ROOT", "conj"}

    def _described(self, m: Mention) -> bool:
        """The mention carries an appositive description ("Jane Doe, a lawyer for …")."""
        return bool(re.match(r",\s+(?:a|an|the|who|[a-z]+\s+of)\b", self.index.raw_text[m.char_end:m.char_end + 40]))

    def _first_mention(self, m: Mention) -> bool:
        return next(p for p in self.persons if p.entity_id == m.entity_id) is m

    # -- roles ---------------------------------------------------------------------------------

    def introduced_as(self, role: str, at: int, definite: bool, start: int) -> Mention | None:
        """The person the article calls by this role: "Ambassador Jane Doe", "Jane Doe, the
        ambassador", "the ambassador, Jane Doe" — the latest before the cue, else one just after
        it (articles often say "the ambassador said …" before giving the name), else for a bare
        definite role the person who is the subject of the sentence just before ("Jane Doe spoke on
        Monday. The senator said …"). Otherwise it stays unnamed: the most salient person is often
        someone else ("the businessman said" after a paragraph about his rival), and a wrong name
        is worse than a description."""
        hits = [m.start() for m in re.finditer(rf"\b{re.escape(role)}s?\b", self.index.raw_text, flags=re.IGNORECASE)]
        before = [h for h in hits if h < at]
        after = [h for h in hits if h > at]
        for h in reversed(before):
            m = self._person_near(h)
            if m is not None:
                return m
        for h in after[:3]:
            if h - at > 600:
                break
            m = self._person_near(h)
            if m is not None:
                return m
        return self.previous_subject(start) if definite else None

    def previous_subject(self, at: int) -> Mention | None:
        """The person who is the main subject (or its appositive name) of the last sentence outside
        quotation marks that ends before `at`."""
        sent = self.index.last_unquoted_sentence_before(at)
        if sent is None:
            return None
        for m in self.persons:
            if sent.char_start <= m.char_start < sent.char_end and self.is_subject(m, appositive=True):
                return m
        return None

    def _person_near(self, offset: int) -> Mention | None:
        """A person named in the same sentence within a few words of the role word."""
        sent = self.index.sentence_at(offset)
        near = [m for m in self.persons if abs(m.char_start - offset) < 80
                and (sent is None or sent.char_start <= m.char_start < sent.char_end)]
        return min(near, key=lambda m: abs(m.char_start - offset)) if near else None

    # -- genders -------------------------------------------------------------------------------

    def _honorific_genders(self) -> dict[str, str]:
        """Entity id -> 'm'/'f' from an honorific before any of its mentions (Mr, Ms …)."""
        out: dict[str, str] = {}
        raw = self.index.raw_text
        for m in self.persons:
            hon = re.search(r"\b([A-Z][a-z]{1,4})\.?\s+$", raw[max(0, m.char_start - 8):m.char_start])
            g = HONORIFIC_GENDER.get(hon.group(1).lower()) if hon else None
            if g:
                out.setdefault(m.entity_id, g)
        return out

    def _genders(self) -> dict[str, str]:
        """Entity id -> 'm'/'f': from an honorific before any mention, else from the he/she
        pronouns that follow the person's mentions as sentence subjects, when they agree."""
        out = self._honorific_genders()
        for eid, g in self._pronoun_genders().items():
            out.setdefault(eid, g)
        return out

    def _pronoun_genders(self) -> dict[str, str]:
        """Entity id -> 'm'/'f' where at least two he/she subjects follow the person (with nobody
        else in view) and all agree."""
        votes: dict[str, list[int]] = {}
        for block, t in self.index.tokens_matching(PERSONAL_PRONOUNS, "LOWER"):
            g = PERSONAL_PRONOUNS[t.lower_]
            at = block.start_of(t)
            if t.dep_ not in SUBJECT_DEPS or self.index.in_quote(at):
                continue
            prior = [m for m in self.persons if m.char_end <= at and at - m.char_end < 300]
            if len({m.entity_id for m in prior[-2:]}) == 1:  # only one person in view
                v = votes.setdefault(prior[-1].entity_id, [0, 0])
                v[g == "f"] += 1
        return {eid: "m" if male else "f" for eid, (male, female) in votes.items()
                if max(male, female) >= 2 and min(male, female) == 0}
