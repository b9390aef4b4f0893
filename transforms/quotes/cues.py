"""Speech cues (stage 2-3 of `extract`): the words in a quote's frame that say someone is speaking
— a speech verb, "according to", "quoted … as saying", a colon lead-in ("Jane Doe:", "… said:"
ending the paragraph before), "— Name" after the quote, a transcript's turn label — and the
attribution each gives."""
from __future__ import annotations

import re

from transforms.document import ParsedBlock
from transforms.lexicon import words
from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.frame import Frame
from transforms.quotes.persons import SUBJECT_DEPS, PersonIndex
from transforms.quotes.spans import QuoteSpan
from transforms.quotes.speakers import Attribution, SpeakerResolver, unattributed

SPEECH_VERBS = words("speech_verbs")
# Verbs that name rather than speak ("a group called 'X'"): cues only with an explicit subject.
NAMING_VERBS = words("naming_verbs")
DASHES = "—–―-"
# A transcript turn's speaker label: "SMITH:", "SEN. JANE DOE:" (capitals, up to three words).
_TURN_LABEL = re.compile(r"\s*([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):\s")


class CueRules:
    """The cue rules over one document; each public method returns an attribution or None."""

    def __init__(self, index: DocumentIndex, persons: PersonIndex):
        self.index = index
        self.persons = persons
        self.speakers = SpeakerResolver(index, persons)

    def speaker_in_frame(self, span: QuoteSpan, frame: Frame) -> Attribution | None:
        """Speaker from a cue in the quote's frame (or the paragraph before, when it ends in ':')."""
        index, block = self.index, self.index.block_of(span)
        toks = [t for lo, hi in (frame.before, frame.after) for t in index.tokens_between(span.block_index, lo, hi)
                if index.outside_quotes(block, t)]
        return (self._speech_cue(span, toks) or self._dash_signature(span) or self._colon_before(span, frame)
                or self._paragraph_lead_in(span, frame))

    def turn_label_speaker(self, span: QuoteSpan) -> Attribution | None:
        """Transcripts quote each turn as its own paragraph, opened by the speaker's name in capitals
        ('"SMITH: Well, …'): the label speaks, not whoever spoke in the paragraph before."""
        label = _TURN_LABEL.match(self.index.raw_text, span.char_start, span.char_end)
        if label is None or not span.opens_block:
            return None
        name = label.group(1).title()
        m = self.persons.latest_with_surname(name.split()[-1], folded=True)
        if m is not None:
            return Attribution(m.canonical, m.entity_id, ":", "cue_adjacent")
        return Attribution(name, None, ":", "cue_adjacent")

    def previous_sentence_speaker(self, span: QuoteSpan, frame: Frame) -> Attribution | None:
        """Speaker of a speech cue in the sentence just before a cue-less whole-sentence quote
        (in the same paragraph, or ending the previous one), as a continuation."""
        bi, article = span.block_index, self.index.article
        block = self.index.block_of(span)
        if frame.before[0] > block.char_start:
            blk, end = block, frame.before[0]
        elif bi > 0:
            blk, end = article[bi - 1], article[bi - 1].char_end
        else:
            return None
        toks = [t for t in blk.doc if blk.start_of(t) < end]
        if not toks:
            return None
        sent = toks[-1].sent
        words_before = [t for t in sent if blk.start_of(t) < end and self.index.outside_quotes(blk, t)]
        att = self._speech_cue(span, words_before, block=blk)
        if att is None or att.speaker is None:
            return None
        return Attribution(att.speaker, att.entity_id, att.cue, "continuation")

    # -- the rules -----------------------------------------------------------------------------

    def _speech_cue(self, span: QuoteSpan, toks, block: ParsedBlock | None = None) -> Attribution | None:
        """Speaker from "according to X" or a speech verb (and its subject) among `toks`, tokens of
        `block` (by default the quote's paragraph)."""
        block = block if block is not None else self.index.block_of(span)
        att = self._according_to(span, block, toks)
        if att is not None:
            return att
        cues = [t for t in toks if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in {"VERB", "AUX"}]
        if not cues:
            return None
        cue, is_linked = self._pick_cue(span, block, cues)
        return self._speaker_of_cue(span, block, cue, is_linked)

    def _according_to(self, span: QuoteSpan, block: ParsedBlock, toks) -> Attribution | None:
        doc = block.doc
        for t in toks:
            if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
                obj = next((c for c in doc[t.i + 1].children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return self.speakers.attribute_to(span, block, obj, "according to", "according_to")
        return None

    def _pick_cue(self, span: QuoteSpan, block: ParsedBlock, cues) -> tuple[object, bool]:
        """The cue that speaks the quote ("quote" first, else one the parse joins to the quote,
        else the nearest) and whether it is linked (joined, or within 40 characters)."""
        quote_toks = list(self.index.tokens_between(span.block_index, span.char_start, span.char_end))
        linked = {c.i for c in cues if block is self.index.block_of(span) and _governs(c, quote_toks)}
        quote_cues = [c for c in cues if c.lemma_.lower() == "quote"]
        cue = quote_cues[0] if quote_cues else min(
            cues, key=lambda c: (c.i not in linked, _distance(block, c, span)))
        return cue, cue.i in linked or _distance(block, cue, span) <= 40

    def _speaker_of_cue(self, span: QuoteSpan, block: ParsedBlock, cue, is_linked: bool) -> Attribution | None:
        index, doc, lemma = self.index, block.doc, cue.lemma_.lower()
        if lemma == "quote":  # "X quoted Y as saying" / "Y was quoted as saying": Y is the speaker
            who = next((c for c in cue.children if c.dep_ in {"dobj", "obj", "nsubjpass"}), None)
            if who is not None:
                return self.speakers.attribute_to(span, block, who, cue.text, "cue_subject", is_linked)
        if cue.tag_ == "VBG" and cue.i > 0 and lemma not in NAMING_VERBS:
            # "footage of Jane Doe saying, '…'": a person right before the participle is its
            # subject, whatever the parser attached the participle to.
            m = self.persons.speaker_mention_at(block.start_of(doc[cue.i - 1]))
            if m is not None and m.label == "PERSON" and not index.in_quote(m.char_start):
                return self.speakers.credit(m, cue.text, "cue_subject", is_linked)
        subject = self._glued_subject(block, cue) or _subject_of(cue)
        if lemma in NAMING_VERBS and (subject is None or subject.dep_ != "nsubj" or subject.head.i != cue.i):
            return None  # "a plan called 'X'": naming, not speaking
        if subject is not None and index.outside_quotes(block, subject):
            return self.speakers.attribute_to(span, block, subject, cue.text, "cue_subject", is_linked)
        at = block.start_of(cue)
        near = self.persons.person_in(at - 60, at + 60, nearest=at)
        if near is not None and block.contains(near.char_start) and not index.in_quote(near.char_start):
            return Attribution(near.canonical, near.entity_id, cue.text, "cue_adjacent", is_linked)
        return unattributed(cue.text, is_linked)

    def _glued_subject(self, block: ParsedBlock, cue):
        """The word glued to a closing mark right before the cue ('…,”she said'): spaCy keeps the
        two as one token and parses it as part of the quote, but the word is the cue's subject."""
        if cue.i == 0:
            return None
        prev = block.doc[cue.i - 1]
        return prev if self.index.word_start(block, prev) != block.start_of(prev) else None

    def _dash_signature(self, span: QuoteSpan) -> Attribution | None:
        """A name after a dash that follows a closed quote on the same line ("“…” — Jane Doe":
        vox pops, reader letters)."""
        raw = self.index.raw_text
        dash = re.match(r"[ \t\u00a0]*[,.]?[ \t\u00a0]*[" + DASHES + r"]+[ \t\u00a0]*", raw[span.char_end + 1:])
        if not (dash and span.closed):
            return None
        at = span.char_end + 1 + dash.end()
        m = self.persons.speaker_mention_at(at)
        name = re.match(r"(?:[A-Z][\w'’.-]*[ \t\u00a0]?){1,5}", raw[at:at + 80])  # on this line
        if m is not None:
            return Attribution(m.canonical, m.entity_id, dash.group().strip(" ,.\u00a0"), "cue_adjacent")
        if name and re.fullmatch(r"[\s.]*", raw[at + name.end():].split("\n", 1)[0]):
            return Attribution(name.group().strip(" ."), None, dash.group().strip(" ,.\u00a0"), "cue_adjacent")
        return None

    def _colon_before(self, span: QuoteSpan, frame: Frame) -> Attribution | None:
        """A frame ending in a colon ("Jane Doe: “…”", interviews, vox pops): its words speak."""
        if not self.index.raw_text[frame.before[0]:frame.before[1]].rstrip().endswith(":"):
            return None
        return self._colon_speaker(span.block_index, frame.before[0], frame.before[1])

    def _paragraph_lead_in(self, span: QuoteSpan, frame: Frame) -> Attribution | None:
        """A previous paragraph ending in a colon ("Jane Doe said:") introduces a quote opening
        this one."""
        bi = span.block_index
        if not (span.opens_block and not frame.has_words and bi > 0):
            return None
        prev = self.index.article[bi - 1]
        if not self.index.raw_text[prev.char_start:prev.char_end].rstrip().endswith(":"):
            return None
        last = list(prev.doc.sents)[-1]
        toks = [t for t in last if self.index.outside_quotes(prev, t)]
        return self._speech_cue(span, toks, block=prev) or self._colon_speaker(bi - 1, prev.span_of(last)[0], prev.char_end)

    def _colon_speaker(self, bi: int, start: int, end: int) -> Attribution | None:
        """'Jane Doe: "…"' or 'The senator had a message: "…"': the clause's subject speaks."""
        block = self.index.article[bi]
        toks = [t for t in block.doc if start <= block.start_of(t) < end and self.index.outside_quotes(block, t)]
        alpha = [t for t in toks if t.is_alpha]
        if not alpha:
            return None
        if len(alpha) <= 4 or not any(t.pos_ in {"VERB", "AUX"} for t in toks):
            # a bare name before the colon, or a name with its description and no verb
            # ("Jane Doe, a reporter for the Gazette:"): the first person named speaks
            m = self.persons.person_in(block.start_of(alpha[0]), block.start_of(alpha[-1]) + 1)
            if m is not None:
                return Attribution(m.canonical, m.entity_id, ":", "cue_adjacent")
        root = next((t for t in toks if t.dep_ == "ROOT" and t.pos_ in {"VERB", "AUX"}), None)
        subject = _subject_of(root) if root is not None else None
        if subject is not None:
            att = self.speakers.speaker_of(None, block, subject, root.text, "cue_subject", True)
            if att is not None and att.entity_id is not None:
                return att
        return None


def _distance(block: ParsedBlock, tok, span: QuoteSpan) -> int:
    """Characters between a token and the nearer end of the quote."""
    at = block.start_of(tok)
    return min(abs(at - span.char_start), abs(at - span.char_end))


def _governs(cue, quote_toks) -> bool:
    """The cue and the quote are joined in the parse: the cue heads the quote, or (as spaCy often
    parses "'…,' she said") the quote's clause heads the cue."""
    ids = {t.i for t in quote_toks}
    for t in quote_toks:
        if cue in t.ancestors:
            return True
    return cue.head.i in ids or any(a.i in ids for a in cue.ancestors)


def _subject_of(verb):
    """The verb's subject; for "… and said", "continued to say", "…, saying" the governing verb's
    subject; for "Jane Doe, who said" the noun the clause hangs on."""
    seen = 0
    while verb is not None and seen < 4:
        # The nearest subject with letters: the parser sometimes makes a dash a second subject
        # ("… made public ― Jane Doe boasted").
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and any(ch.isalpha() for ch in c.text)]
        subject = min(subjects, key=lambda c: abs(c.i - verb.i)) if subjects else None
        if subject is not None:
            if subject.lower_ in {"who", "that"} and verb.dep_ == "relcl":
                return verb.head
            return subject
        if verb.dep_ in {"conj", "xcomp", "advcl", "acl", "relcl"} and verb.head.i != verb.i:
            if verb.dep_ in {"acl", "relcl"}:
                return verb.head
            verb = verb.head
            seen += 1
            continue
        return None
    return None
