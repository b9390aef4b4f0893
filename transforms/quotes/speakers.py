"""Who a cue's subject is (stage 3 of `extract`): a parse token turned into the fullest name the
article gives — names via the linked entity mentions, he/she via the last fitting person, role
nouns ("the minister") via the person the article introduces with that role (or the subject of
the sentence just before), else a description: a wrong name is worse than none."""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.document import Mention, ParsedBlock
from transforms.lexicon import table, words
from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.persons import PersonIndex
from transforms.quotes.spans import QuoteSpan

TITLES = words("name_titles")
PERSONAL_PRONOUNS = table("PERSONAL_PRONOUNS")
GROUP_PRONOUNS = words("group_pronouns")
# Nouns for people in a role: "the lawmaker said" means someone the article has introduced.
ROLE_NOUNS = words("quote_role_nouns")


@dataclass
class Attribution:
    speaker: str | None
    entity_id: str | None
    cue: str | None
    method: str
    linked: bool = True  # the cue governs the quote in the parse (or is right beside it)


def unattributed(cue: str | None, linked: bool = True) -> Attribution:
    """A cue whose speaker is not known."""
    return Attribution(None, None, cue, "unattributed", linked)


def own_word(index: DocumentIndex, block: ParsedBlock, token) -> str:
    """The token's lowercase word without a quote's closing mark glued before it ('win,”she')."""
    return token.lower_[index.word_start(block, token) - block.start_of(token):]


class SpeakerResolver:
    """Turns the subject token of a speech cue into an attribution."""

    def __init__(self, index: DocumentIndex, persons: PersonIndex):
        self.index = index
        self.persons = persons

    def attribute_to(self, span: QuoteSpan | None, block: ParsedBlock, token, cue: str, method: str,
                     linked: bool = True) -> Attribution:
        """`speaker_of`, or an unattributed cue when the token names nobody."""
        return self.speaker_of(span, block, token, cue, method, linked) or unattributed(cue, linked)

    def speaker_of(self, span: QuoteSpan | None, block: ParsedBlock, token, cue: str, method: str,
                   linked: bool) -> Attribution | None:
        """The speaker `token` (a cue's subject in `block`) stands for; None when it is no noun,
        name or pronoun. `span` is the quote (None for a lead-in before a colon)."""
        for t in [token] + [c for c in token.children if c.dep_ in {"compound", "flat", "appos"}]:
            m = self.persons.speaker_mention_at(self.index.word_start(block, t))
            # a nationality modifying a role ("the Chilean minister") is not the speaker
            if m is not None and (t.i == token.i or m.label in {"PERSON", "ORG"}):
                return self.credit(m, cue, method, linked)
        word = own_word(self.index, block, token)
        if word in PERSONAL_PRONOUNS:
            gender = PERSONAL_PRONOUNS[word]
            m = self.persons.clause_subject_person(token, block, gender) \
                or self.persons.salient_person(block.start_of(token), gender)
            return self.credit(m, cue, "pronoun", linked) if m else unattributed(cue, linked)
        if word in GROUP_PRONOUNS:
            return unattributed(cue, linked)
        if token.pos_ == "PROPN":
            return self._untagged_name(block, token, cue, method, linked)
        if token.pos_ == "NOUN":
            return self._role_or_description(span, block, token, cue, linked)
        return None

    def credit(self, m: Mention, cue: str, method: str, linked: bool) -> Attribution:
        """The quote is spoken by the person or organisation of mention `m`."""
        m = self.persons.fullest(m)
        self.persons.note_speaker(m)
        return Attribution(m.canonical, m.entity_id, cue, method, linked)

    def _as_written(self, block: ParsedBlock, toks) -> str:
        """A description as the article spells it ("Sixty-six percent", "Mr. Doe's aide"), not
        its tokens joined by spaces; a phrase broken by a quote keeps the tokens."""
        start, end = block.start_of(toks[0]), block.end_of(toks[-1])
        if toks[-1].i - toks[0].i + 1 != len(toks) or self.index.in_quote(start):
            return " ".join(t.text for t in toks)
        return " ".join(self.index.raw_text[start:end].split())

    def _untagged_name(self, block: ParsedBlock, token, cue: str, method: str, linked: bool) -> Attribution:
        """A name spaCy did not tag: a known person with that surname, else the fuller untagged
        name the text gave earlier, else the name's own words."""
        at = block.start_of(token)
        m = self.persons.latest_with_surname(token.text) or self.persons.tagged_full_name_ending_in(token.text, at)
        if m is not None:
            return self.credit(m, cue, method, linked)
        full = list(re.finditer(rf"\b((?:[A-Z][\w'’-]+ ){{1,2}}){re.escape(token.text)}\b", self.index.raw_text[:at]))
        if full:  # "… Jane Doe …" earlier, untagged: give the fuller name
            name = [w for w in full[-1].group(0).split() if w.lower().rstrip(".") not in ROLE_NOUNS | TITLES]
            if len(name) > 1:
                return Attribution(" ".join(name), None, cue, method, linked)
        phrase = " ".join(t.text for t in token.subtree if t.i <= token.i and t.dep_ in {"compound", "flat"} or t.i == token.i)
        return Attribution(phrase, None, cue, method, linked)

    def _role_or_description(self, span: QuoteSpan | None, block: ParsedBlock, token, cue: str,
                             linked: bool) -> Attribution:
        """A definite or possessed role noun ("the minister") names the person introduced with
        that role; any other noun phrase stays an unnamed description ("analysts")."""
        at = block.start_of(token)
        dets = {c.lower_ for c in token.children if c.dep_ == "det"}
        possessed = any(c.dep_ == "poss" for c in token.children)
        if token.lemma_.lower() in ROLE_NOUNS and token.tag_ == "NN" and (dets & {"the", "this", "that"} or possessed):
            m = self.persons.introduced_as(token.lemma_.lower(), at, bool(dets),
                                           min(at, span.char_start - 1) if span is not None else at)
            if m is not None:
                return self.credit(m, cue, "nominal", linked)
        phrase = self._as_written(block, [t for t in token.subtree if t.i <= token.i])
        return Attribution(phrase, None, cue, "unnamed", linked)
