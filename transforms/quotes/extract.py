"""Direct quotations in article text and who said them.

1. Spans: quotation marks are paired inside each article block (a paragraph). Whether a mark opens
   or closes is read from what flanks it, so straight, curly, mixed (“ … ") and sloppy (” … ”) pairs
   and guillemets all work. A quote left open at a paragraph's end stops there (it never swallows
   the article); when the next paragraph opens with a mark, the quote runs on in it.
2. Frame: the words around a quote up to the nearest sentence boundary or neighbouring quote. The
   speech cue (said, told, according to, quoted … as saying, "— Name", "Name:") is looked for there.
3. Speaker: the cue's grammatical subject in the spaCy parse, turned into the fullest name the
   article gives: names via the linked entity mentions, he/she via the last fitting person,
   role nouns ("the minister") via the person the article introduces with that role (or the
   subject of the sentence just before), else they stay a description: a wrong name is worse.
   Unnamed sources ("analysts") keep their description and get no entity. Transcript turns
   ('"SMITH: …') are spoken by their label.
4. Quotes without a cue are kept only when they continue an attributed quote (same paragraph or
   the next one) or stand alone as whole sentences; scare quotes and titles are left out.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np

from transforms.document import AnalysedDocument, Mention, ParsedBlock
from transforms.lexicon import table, words
from transforms.names import could_be_personal_name

# Marks that can open a quote, and what each may be closed by ("mixed pairs" are common in
# hand-edited copy: “ … " and even ” … ”).
OPEN_MARKS = {"“": "”\"“", "\"": "\"”“", "„": "“”\"", "«": "»", "”": "”\"“", "‟": "”\""}
ALL_MARKS = set("“”\"„«»‟")
OPENING_CONTEXT = set("([{—–-―:;,/") | {"\u00a0"}
DASHES = "—–―-"

SPEECH_VERBS = words("speech_verbs")
# Verbs that name rather than speak ("a group called 'X'"): cues only with an explicit subject.
NAMING_VERBS = words("naming_verbs")
TITLES = words("name_titles")
PERSONAL_PRONOUNS = table("PERSONAL_PRONOUNS")
GROUP_PRONOUNS = words("group_pronouns")
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
HONORIFIC_GENDER = table("HONORIFIC_GENDER")
# Nouns for people in a role: "the lawmaker said" means someone the article has introduced.
ROLE_NOUNS = words("quote_role_nouns")
CONFIDENCE = {
    "cue_subject": 0.9, "according_to": 0.85, "cue_adjacent": 0.75, "pronoun": 0.75, "nominal": 0.7,
    "continuation": 0.65, "unnamed": 0.6, "unattributed": 0.3,
}
# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = words("abbreviations")
_SENTENCE_END = re.compile(r"([^\W\d_]*)[.!?]\s+(?=[A-Z\"“])")
MIN_WORDS_STANDALONE = 4  # a cue-less quote must be at least a short sentence to count
SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
# A transcript turn's speaker label: "SMITH:", "SEN. JANE DOE:" (capitals, up to three words).
_TURN_LABEL = re.compile(r"\s*([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):\s")


@dataclass(frozen=True)
class QuoteSpan:
    char_start: int  # first character inside the marks
    char_end: int  # the closing mark, or the end of the paragraph when the quote runs on
    block_index: int
    opens_block: bool  # the paragraph begins with this quote's opening mark
    closed: bool  # a closing mark was found in the paragraph
    runs_on: bool = False  # continues a quote left open at the end of the previous paragraph


# --------------------------------------------------------------------------------------- spans


def find_quote_spans(article: list[ParsedBlock], raw_text: str) -> list[QuoteSpan]:
    """Pair quotation marks paragraph by paragraph (see module docstring)."""
    spans: list[QuoteSpan] = []
    left_open = False  # the previous paragraph ended inside a quote
    for bi, block in enumerate(article):
        text = raw_text[block.char_start:block.char_end]
        lead = len(text) - len(text.lstrip())
        found = _pair_marks(text)
        runs_on = left_open
        left_open = False
        for k, (s, e, closed) in enumerate(found):
            opens = s - 1 == lead
            spans.append(QuoteSpan(block.char_start + s, block.char_start + e, bi, opens, closed,
                                   runs_on=runs_on and k == 0 and opens))
            left_open = not closed
    return spans


def _pair_marks(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) inside-the-marks spans of one paragraph."""
    out: list[tuple[int, int, bool]] = []
    open_at, closers = None, ""
    for i, ch in enumerate(text):
        if ch not in ALL_MARKS:
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = (before.isspace() or before in OPENING_CONTEXT or before in ALL_MARKS) and not after.isspace()
        if open_at is None:
            # ” and » open only where nothing else could be meant (paragraph start, after a space).
            if ch in OPEN_MARKS and opening and (ch not in "”" or before.isspace()):
                open_at, closers = i, OPEN_MARKS[ch]
            continue
        if ch in closers and not (opening and before.isspace()):
            if i > open_at + 1:
                out.append((open_at + 1, i, True))
            open_at = None
        elif ch in "“„«" and opening and before.isspace():
            # A fresh opening mark inside an open quote: the earlier quote lost its closing mark.
            end = len(text[:i].rstrip())
            if end > open_at + 1:
                out.append((open_at + 1, end, False))
            open_at, closers = i, OPEN_MARKS[ch]
    if open_at is not None:
        end = len(text.rstrip())
        if end > open_at + 1:
            out.append((open_at + 1, end, False))
    return out


# ------------------------------------------------------------------------------------- extract


@dataclass
class _Attribution:
    speaker: str | None
    entity_id: str | None
    cue: str | None
    method: str
    linked: bool = True  # the cue governs the quote in the parse (or is right beside it)


def extract_quotes(a: "AnalysedDocument", *, include_indirect: bool = False) -> list[dict]:
    """Quote rows (quotes table columns other than doc_id and quote_id) for one document.

    `include_indirect` is accepted for the reported-speech extension; indirect rows are not produced
    by default because every row counts as a direct quote downstream.
    """
    spans = find_quote_spans(a.article, a.raw_text)
    ctx = _Context(a, spans)
    rows: list[dict] = []
    last: tuple[_Attribution, int] | None = None  # last attributed quote and its block index
    kept: list[QuoteSpan] = []  # spans of the rows, in order
    for span in spans:
        text = a.raw_text[span.char_start:span.char_end]
        frame = ctx.frame(span)
        att = ctx.attribute(span, frame) or ctx.turn_label(span)
        standalone = not frame.has_words and _sentence_like(text)
        if _title_like(text):
            continue  # a title or a name in quotation marks ("… told Meet the Nation")
        if att is not None and not att.linked and _is_fragment(text):
            att = None  # a cue elsewhere in the sentence does not make a quoted term a quote
        runs_into_next = not span.closed and any(s.runs_on and s.block_index == span.block_index + 1 for s in spans)
        if att is None and not span.closed and not runs_into_next and not span.runs_on:
            continue  # a stray mark: an unclosed, unattributed quote that no paragraph continues
        if att is None and standalone:
            # "Jane Doe said the plan had failed. 'It was doomed.'": the sentence before speaks.
            att = ctx.previous_sentence(span, frame)
        if att is None:
            same_para = last is not None and last[1] == span.block_index
            next_para = last is not None and span.opens_block and last[1] == span.block_index - 1
            if last is not None and (span.runs_on or (standalone and (same_para or next_para))):
                prev = last[0]
                att = _Attribution(prev.speaker, prev.entity_id, None, "continuation")
            elif standalone and len(text.split()) >= MIN_WORDS_STANDALONE:
                att = _Attribution(None, None, None, "unattributed")
            else:
                continue  # scare quote, title or term: nobody is speaking
        if att.method != "unattributed" or att.cue is not None:
            last = (att, span.block_index)
        kept.append(span)
        sentence = a.sentence_at(span.char_start)
        rows.append(dict(
            sentence_id=sentence.sentence_id if sentence else None,
            char_start=span.char_start, char_end=span.char_end, text=text,
            quote_type="partial" if _is_partial(text, frame) else "full",
            speaker=att.speaker, speaker_entity_id=att.entity_id, cue=att.cue, method=att.method,
            confidence=CONFIDENCE[att.method] * (1.0 if span.closed else 0.8),
        ))
    _share_across_paragraphs(rows, kept)
    return rows


def _share_across_paragraphs(rows: list[dict], kept: list[QuoteSpan]) -> None:
    """A quote running over several paragraphs has one speaker, named in whichever piece carries
    the cue (often the last); pieces without a cue of their own take it."""
    chains, current = [], []
    for i, span in enumerate(kept):
        if current and span.runs_on and not kept[current[-1]].closed:
            current.append(i)
            continue
        chains.append(current)
        current = [i]
    chains.append(current)
    for chain in (c for c in chains if len(c) > 1):
        named = [rows[k] for k in chain if rows[k]["cue"] is not None and rows[k]["speaker"] is not None]
        if not named:
            continue
        for k in chain:
            if rows[k]["cue"] is None:
                rows[k].update(speaker=named[0]["speaker"], speaker_entity_id=named[0]["speaker_entity_id"],
                               method="continuation", confidence=CONFIDENCE["continuation"])


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*", text)


def _sentence_like(text: str) -> bool:
    """Starts with a capital (or runs on) and reads as a clause rather than a name or term."""
    words = _words(text)
    return bool(words) and words[0][0].isupper() and len(words) >= 2


def _is_fragment(text: str) -> bool:
    """A short lowercase phrase: the kind of quoted term a scare quote is made of."""
    words = _words(text)
    return len(words) <= 4 and not text.rstrip().endswith((".", "!", "?"))


_TITLE_FUNCTION_WORDS = words("title_function_words")


def _title_like(text: str) -> bool:
    """A few words, every content word capitalised: a title, a show or a name, not speech."""
    words = _words(text)
    # Titles keep short function words lowercase ("Face the Nation", "State of the Union").
    content = [w for w in words if len(w) >= 3 and w not in _TITLE_FUNCTION_WORDS]
    return 0 < len(words) <= 6 and bool(content) and all(w[0].isupper() for w in content) \
        and not text.rstrip().endswith(("!", "?")) and not re.search(r"[.!?]\s+\S", text)


def _is_partial(text: str, frame: "_Frame") -> bool:
    first = next((ch for ch in text if ch.isalpha()), "")
    return first.islower() or frame.embedded


# --------------------------------------------------------------------------------------- frame


@dataclass
class _Frame:
    before: tuple[int, int]  # raw-text range of the attribution words before the quote
    after: tuple[int, int]  # … and after it
    has_words: bool  # any letters in either range
    embedded: bool  # the quote sits inside a running clause (text on both sides, no comma/colon)


class _Context:
    """Per-document lookups shared by all quotes."""

    def __init__(self, a: "AnalysedDocument", spans: list[QuoteSpan]):
        self.a = a
        self.spans = spans
        self.quoted = [(s.char_start - 1, s.char_end + 1) for s in spans]
        # Token start offsets per article block, read from spaCy's arrays (no Token objects).
        self._tok_starts = [b.doc.to_array("IDX").tolist() for b in a.article]
        # Raw-text offsets of each article block's sentence starts (frames are cut at them).
        self._sent_starts = [[b.char_start + s.start_char for s in b.doc.sents] for b in a.article]
        self.persons = sorted(
            [m for m in a.mentions if m.label == "PERSON" and not self.in_quote(m.char_start)] + self._surnames()
            + self._speaking_orgs(),
            key=lambda m: m.char_start)
        self.speakers: list[tuple[int, "Mention"]] = []  # (offset, person) of resolved cue subjects
        self._gender = self._genders()

    def _surnames(self) -> list[Mention]:
        """Bare surnames the tagger missed ("Doe went on to say"), when the article has named the
        person in full: they matter for who "he" or "she" is."""
        full = {}
        for m in self.a.mentions:
            if m.label == "PERSON" and len(m.canonical.split()) > 1:
                full.setdefault(m.canonical.split()[-1], m)
        covered = [(m.char_start, m.char_end) for m in self.a.mentions]
        out = []
        for b in self.a.article:
            for t in _tokens_with_text(b.doc, full, "ORTH"):
                at = b.char_start + t.idx
                m = full[t.text]
                if t.pos_ != "PROPN" or at < m.char_start or self.in_quote(at) \
                        or any(s <= at < e for s, e in covered):
                    continue
                out.append(Mention(char_start=at, char_end=at + len(t.text), text=t.text, label="PERSON",
                                   entity_id=m.entity_id, canonical=m.canonical))
        return out

    def _speaking_orgs(self) -> list[Mention]:
        """Mentions of a name tagged ORG that is the subject of a speech verb somewhere and reads
        like a personal name ("Jane Doe said"): a person for who "he" or "she" may be."""
        speaking = set()
        for m in self.a.mentions:
            if m.label != "ORG" or self.in_quote(m.char_start) or not could_be_personal_name(m.text):
                continue
            bi = next((i for i, b in enumerate(self.a.article) if b.char_start <= m.char_start < b.char_end), None)
            t = self.token_at(bi, m.char_end - 1) if bi is not None else None
            while t is not None and t.dep_ in {"compound", "flat"}:
                t = t.head
            if t is not None and t.dep_ == "nsubj" and t.head.lemma_.lower() in SPEECH_VERBS:
                speaking.add(m.entity_id)
        return [Mention(char_start=m.char_start, char_end=m.char_end, text=m.text, label="PERSON",
                        entity_id=m.entity_id, canonical=m.canonical)
                for m in self.a.mentions if m.entity_id in speaking and not self.in_quote(m.char_start)]

    def in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.quoted)

    def block(self, span: QuoteSpan) -> ParsedBlock:
        return self.a.article[span.block_index]

    def token_at(self, bi: int, offset: int):
        """The token of article block `bi` covering raw-text `offset`."""
        block = self.a.article[bi]
        k = bisect_right(self._tok_starts[bi], offset - block.char_start) - 1
        return block.doc[max(k, 0)] if len(block.doc) else None

    # -- frame ---------------------------------------------------------------------------------

    def frame(self, span: QuoteSpan) -> _Frame:
        block = self.block(span)
        base = block.char_start
        neighbours = [s for s in self.spans if s.block_index == span.block_index and s is not span]
        open_mark, close_mark = span.char_start - 1, span.char_end + (1 if span.closed else 0)
        inside = lambda at: any(q.char_start <= at < q.char_end for q in self.spans)  # noqa: E731
        starts = [at for at in self._sent_starts[span.block_index] if not inside(at)]
        # spaCy sometimes runs a sentence into the next quote; a full stop before a capital ends it.
        block_text = self.a.raw_text[base:block.char_end]  # the block's Doc text, without rebuilding it
        starts += [base + m.end() for m in _SENTENCE_END.finditer(block_text)
                   if not self.in_quote(base + m.end(1)) and len(m.group(1)) > 1
                   and m.group(1).lower() not in _ABBREVIATIONS]
        left = max([base] + [s for s in starts if s <= open_mark] + [q.char_end + 1 for q in neighbours if q.char_end < open_mark])
        right_cands = [block.char_end] + [q.char_start - 1 for q in neighbours if q.char_start > close_mark]
        after_text = self.a.raw_text[close_mark:]
        # A sentence break right after the closing mark does not end the frame when the next word
        # is lowercase ("Stop!" he said): English sentences do not start that way.
        resumes_lower = bool(re.match(r"\s*[,;]?\s*[a-z]", after_text))
        # Nor does it when a question or exclamation is followed by its attribution ("Why?" Jane Doe
        # asked): the name and the speech verb belong to the quote's sentence.
        cue_end = self._name_then_cue(span, close_mark) if text_end(self.a.raw_text, span) in ("?", "!") else None
        right_cands += [s for s in starts if s > close_mark and not (resumes_lower and s <= close_mark + 3)
                        and not (cue_end is not None and s <= cue_end)]
        right = min(right_cands)
        before, after = (left, open_mark), (close_mark, max(close_mark, right))
        raw = self.a.raw_text
        has_words = bool(re.search(r"[^\W\d_]", raw[before[0]:before[1]] + raw[after[0]:after[1]]))
        b_txt = raw[before[0]:before[1]].rstrip()
        embedded = bool(b_txt) and b_txt[-1].isalnum() and bool(re.match(r"\s*[^\W\d_]", raw[after[0]:after[1]]))
        return _Frame(before, after, has_words, embedded)

    def _name_then_cue(self, span: QuoteSpan, close_mark: int) -> int | None:
        """End offset of a speech verb that follows the closing mark after only a name or a short
        noun phrase ("… ?” Jane Doe said", "… !” the senator shouted"), else None."""
        block = self.block(span)
        toks = list(self._tokens_between(span.block_index, close_mark + 1, block.char_end + 1)[:6])
        for t in toks:
            if t.lemma_.lower() in SPEECH_VERBS and t.pos_ == "VERB":
                return block.char_start + t.idx + len(t)
            if not (t.pos_ in {"PROPN", "DET", "NOUN", "ADJ"} or t.text in {".", "'s", "’s"}):
                return None
        return None

    # -- attribution ---------------------------------------------------------------------------

    def attribute(self, span: QuoteSpan, frame: _Frame) -> _Attribution | None:
        """Speaker from a cue in the quote's frame (or the paragraph before, when it ends in ':')."""
        bi, raw = span.block_index, self.a.raw_text
        block = self.block(span)
        toks = [t for lo, hi in (frame.before, frame.after) for t in self._tokens_between(bi, lo, hi)
                if not self.in_quote(block.char_start + t.idx)]
        att = self._from_tokens(span, toks)
        if att is not None:
            return att
        before_txt = raw[frame.before[0]:frame.before[1]].rstrip()
        # "— Jane Doe" after the quote, or "Jane Doe:" before it (interviews, vox pops).
        dash = re.match(r"[ \t\u00a0]*[,.]?[ \t\u00a0]*[" + DASHES + r"]+[ \t\u00a0]*", raw[span.char_end + 1:])
        if dash and span.closed:
            at = span.char_end + 1 + dash.end()
            m = self._mention_at(at)
            name = re.match(r"(?:[A-Z][\w'’.-]*[ \t\u00a0]?){1,5}", raw[at:at + 80])  # on this line
            if m is not None:
                return _Attribution(m.canonical, m.entity_id, dash.group().strip(" ,.\u00a0"), "cue_adjacent")
            if name and re.fullmatch(r"[\s.]*", raw[at + name.end():].split("\n", 1)[0]):
                return _Attribution(name.group().strip(" ."), None, dash.group().strip(" ,.\u00a0"), "cue_adjacent")
        if before_txt.endswith(":"):
            colon = self._colon_speaker(bi, frame.before[0], frame.before[1])
            if colon is not None:
                return colon
        if span.opens_block and not frame.has_words and bi > 0:
            # "Jane Doe said:" closing the previous paragraph introduces this one.
            prev = self.a.article[bi - 1]
            if raw[prev.char_start:prev.char_end].rstrip().endswith(":"):
                sents = list(prev.doc.sents)
                last = sents[-1]
                s0 = prev.char_start + last.start_char
                toks = [t for t in last if not self.in_quote(prev.char_start + t.idx)]
                att = self._from_tokens(span, toks, block=prev) or self._colon_speaker(bi - 1, s0, prev.char_end)
                if att is not None:
                    return att
        return None

    def turn_label(self, span: QuoteSpan) -> _Attribution | None:
        """Transcripts quote each turn as its own paragraph, opened by the speaker's name in capitals
        ('"SMITH: Well, …'): the label speaks, not whoever spoke in the paragraph before."""
        label = _TURN_LABEL.match(self.a.raw_text, span.char_start, span.char_end)
        if label is None or not span.opens_block:
            return None
        name = label.group(1).title()
        last = fold_word(name.split()[-1])
        m = next((p for p in reversed(self.persons) if fold_word(p.canonical.split()[-1]) == last), None)
        if m is not None:
            return _Attribution(m.canonical, m.entity_id, ":", "cue_adjacent")
        return _Attribution(name, None, ":", "cue_adjacent")

    def previous_sentence(self, span: QuoteSpan, frame: _Frame) -> _Attribution | None:
        """Speaker of a speech cue in the sentence just before a cue-less whole-sentence quote
        (in the same paragraph, or ending the previous one), as a continuation."""
        bi = span.block_index
        block = self.block(span)
        if frame.before[0] > block.char_start:
            blk, end = block, frame.before[0]
        elif bi > 0:
            blk, end = self.a.article[bi - 1], self.a.article[bi - 1].char_end
        else:
            return None
        toks = [t for t in blk.doc if blk.char_start + t.idx < end]
        if not toks:
            return None
        sent = toks[-1].sent
        words = [t for t in sent if blk.char_start + t.idx < end and not self.in_quote(blk.char_start + t.idx)]
        att = self._from_tokens(span, words, block=blk)
        if att is None or att.speaker is None:
            return None
        return _Attribution(att.speaker, att.entity_id, att.cue, "continuation")

    def _tokens_between(self, bi: int, lo: int, hi: int):
        """Tokens of article block `bi` starting at raw-text offsets in [lo, hi), in order."""
        starts, base = self._tok_starts[bi], self.a.article[bi].char_start
        i, j = bisect_left(starts, lo - base), bisect_left(starts, hi - base)
        return self.a.article[bi].doc[i:j] if i < j else ()

    def _from_tokens(self, span: QuoteSpan, toks, block=None) -> _Attribution | None:
        block = block or self.block(span)
        doc = block.doc
        quote_toks = list(self._tokens_between(span.block_index, span.char_start, span.char_end))
        for t in toks:  # "according to X"
            if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
                obj = next((c for c in doc[t.i + 1].children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return self._resolve(span, block, obj, "according to", "according_to")
        cues = [t for t in toks if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in {"VERB", "AUX"}]
        if not cues:
            return None
        linked = {c.i for c in cues if block is self.block(span) and _governs(c, quote_toks)}
        quote_cues = [c for c in cues if c.lemma_.lower() == "quote"]
        cue = quote_cues[0] if quote_cues else min(
            cues, key=lambda c: (c.i not in linked, self._distance(block, c, span)))
        is_linked = cue.i in linked or self._distance(block, cue, span) <= 40
        lemma = cue.lemma_.lower()
        if lemma == "quote":  # "X quoted Y as saying" / "Y was quoted as saying": Y is the speaker
            who = next((c for c in cue.children if c.dep_ in {"dobj", "obj", "nsubjpass"}), None)
            if who is not None:
                return self._resolve(span, block, who, cue.text, "cue_subject", is_linked)
        if cue.tag_ == "VBG" and cue.i > 0 and lemma not in NAMING_VERBS:
            # "footage of Jane Doe saying, '…'": a person right before the participle is its
            # subject, whatever the parser attached the participle to.
            m = self._mention_at(block.char_start + doc[cue.i - 1].idx)
            if m is not None and m.label == "PERSON" and not self.in_quote(m.char_start):
                return self._found(m, cue.text, "cue_subject", is_linked)
        subject = _subject_of(cue)
        if lemma in NAMING_VERBS and (subject is None or subject.dep_ != "nsubj" or subject.head is not cue):
            return None  # "a plan called 'X'": naming, not speaking
        if subject is not None and not self.in_quote(block.char_start + subject.idx):
            return self._resolve(span, block, subject, cue.text, "cue_subject", is_linked)
        near = self._person_in(block.char_start + cue.idx - 60, block.char_start + cue.idx + 60,
                               nearest=block.char_start + cue.idx)
        if near is not None and self._in_frame_block(block, near):
            return _Attribution(near.canonical, near.entity_id, cue.text, "cue_adjacent", is_linked)
        return _Attribution(None, None, cue.text, "unattributed", is_linked)

    def _in_frame_block(self, block, m: "Mention") -> bool:
        return block.char_start <= m.char_start < block.char_end and not self.in_quote(m.char_start)

    def _distance(self, block, tok, span: QuoteSpan) -> int:
        at = block.char_start + tok.idx
        return min(abs(at - span.char_start), abs(at - span.char_end))

    def _colon_speaker(self, bi: int, start: int, end: int) -> _Attribution | None:
        """'Jane Doe: "…"' or 'The senator had a message: "…"': the clause's subject speaks."""
        block = self.a.article[bi]
        toks = [t for t in block.doc if start <= block.char_start + t.idx < end and not self.in_quote(block.char_start + t.idx)]
        words = [t for t in toks if t.is_alpha]
        if not words:
            return None
        if len(words) <= 4:  # a bare name before the colon
            m = self._person_in(block.char_start + words[0].idx, block.char_start + words[-1].idx + 1)
            if m is not None:
                return _Attribution(m.canonical, m.entity_id, ":", "cue_adjacent")
        root = next((t for t in toks if t.dep_ == "ROOT" and t.pos_ in {"VERB", "AUX"}), None)
        subject = _subject_of(root) if root is not None else None
        if subject is not None:
            att = self._resolve_token(None, block, subject, root.text, "cue_subject", True)
            if att is not None and att.entity_id is not None:
                return att
        return None

    # -- speakers ------------------------------------------------------------------------------

    def _resolve(self, span, block, token, cue: str, method: str, linked: bool = True) -> _Attribution:
        att = self._resolve_token(span, block, token, cue, method, linked)
        return att or _Attribution(None, None, cue, "unattributed", linked)

    def _resolve_token(self, span, block, token, cue, method, linked) -> _Attribution | None:
        at = block.char_start + token.idx
        name_toks = [token] + [c for c in token.children if c.dep_ in {"compound", "flat", "appos"}]
        for t in name_toks:
            m = self._mention_at(block.char_start + t.idx)
            # a nationality modifying a role ("the Chilean minister") is not the speaker
            if m is not None and (t is token or m.label in {"PERSON", "ORG"}):
                return self._found(m, cue, method, linked)
        word = token.lower_
        if word in PERSONAL_PRONOUNS:
            m = self._clause_subject_person(token, block, PERSONAL_PRONOUNS[word]) \
                or self._salient_person(at, PERSONAL_PRONOUNS[word])
            return self._found(m, cue, "pronoun", linked) if m else _Attribution(None, None, cue, "unattributed", linked)
        if word in GROUP_PRONOUNS:
            return _Attribution(None, None, cue, "unattributed", linked)
        if token.pos_ == "PROPN":  # a name spaCy did not tag: match it to a known person by surname
            m = next((p for p in reversed(self.persons) if p.canonical.split()[-1] == token.text), None)
            # The small model often tags a full name as an organisation; its surname still names it.
            m = m or next((p for p in reversed(self.a.mentions) if p.char_end <= at and len(p.text.split()) > 1
                           and p.text.split()[-1] == token.text and p.label in SPEAKER_LABELS), None)
            if m is not None:
                return self._found(m, cue, method, linked)
            full = list(re.finditer(rf"\b((?:[A-Z][\w'’-]+ ){{1,2}}){re.escape(token.text)}\b", self.a.raw_text[:at]))
            if full:  # "… Jane Doe …" earlier, untagged: give the fuller name
                words = [w for w in full[-1].group(0).split() if w.lower().rstrip(".") not in ROLE_NOUNS | TITLES]
                if len(words) > 1:
                    return _Attribution(" ".join(words), None, cue, method, linked)
            phrase = " ".join(t.text for t in token.subtree if t.i <= token.i and t.dep_ in {"compound", "flat"} or t is token)
            return _Attribution(phrase, None, cue, method, linked)
        if token.pos_ == "NOUN":
            dets = {c.lower_ for c in token.children if c.dep_ == "det"}
            possessed = any(c.dep_ == "poss" for c in token.children)
            if token.lemma_.lower() in ROLE_NOUNS and token.tag_ == "NN" and (dets & {"the", "this", "that"} or possessed):
                m = self._introduced_as(token.lemma_.lower(), at, bool(dets),
                                        min(at, span.char_start - 1) if span is not None else at)
                if m is not None:
                    return self._found(m, cue, "nominal", linked)
            phrase = " ".join(t.text for t in token.subtree if t.i <= token.i)
            return _Attribution(phrase, None, cue, "unnamed", linked)
        return None

    def _found(self, m: "Mention", cue, method, linked) -> _Attribution:
        if len(m.canonical.split()) == 1:
            # A speaker's bare surname the tagger did not link ("Varga", tagged as an organisation
            # like the full name was): the latest fuller name ending in it is the same person.
            m = next((p for p in reversed(self.a.mentions) if p.char_end <= m.char_start
                      and len(p.canonical.split()) > 1 and p.canonical.split()[-1] == m.canonical
                      and p.label in SPEAKER_LABELS), m)
        if m.label == "PERSON":
            self.speakers.append((m.char_start, m))
        return _Attribution(m.canonical, m.entity_id, cue, method, linked)

    def _mention_at(self, offset: int) -> "Mention | None":
        for m in [*self.a.mentions, *self.persons]:
            if m.char_start <= offset < m.char_end and m.label in SPEAKER_LABELS:
                return m
        return None

    def _person_in(self, start: int, end: int, nearest: int | None = None) -> "Mention | None":
        found = [m for m in self.persons if start <= m.char_start < end]
        if not found:
            return None
        return min(found, key=lambda m: abs(m.char_start - (nearest if nearest is not None else start)))

    def _clause_subject_person(self, pronoun, block, gender: str | None) -> "Mention | None":
        """A person who is the subject of an earlier clause of the pronoun's own sentence
        ("Jane Doe scolded him: '…,' she said") is who the pronoun means."""
        sent = pronoun.sent
        for t in reversed(sent[: pronoun.i - sent.start]):
            if t.dep_ not in SUBJECT_DEPS or self.in_quote(block.char_start + t.idx):
                continue
            m = self._mention_at(block.char_start + t.idx)
            if m is not None and m.label == "PERSON" and self._gender.get(m.entity_id) in {None, gender}:
                return m
        return None

    def _salient_person(self, before: int, gender: str | None) -> "Mention | None":
        """The person a he/she (or a bare role noun) most likely means: the latest person mentioned
        as a sentence subject or speaker, else the latest person; gender from honorifics when known."""
        cands = [m for m in self.persons if m.char_end <= before]
        if gender:
            cands = [m for m in cands if self._gender.get(m.entity_id) in {None, gender}]
        if not cands:
            return None
        recent = cands[-1]
        if self._first_mention(recent) and self._described(recent):
            return recent  # a person just introduced ("Jane Doe, an analyst at …") speaks next
        subjects = [m for m in cands if self._is_subject(m)]
        if subjects and subjects[-1].entity_id != recent.entity_id:
            # Someone mentioned since as an object ("… criticising Jane Doe") rarely is the "he".
            return subjects[-1] if self._sentences_between(subjects[-1].char_start, before) <= 3 else recent
        return recent

    def _is_subject(self, m: "Mention", appositive: bool = False) -> bool:
        if any(s is m or (s.entity_id == m.entity_id and s.char_start == m.char_start) for _, s in self.speakers):
            return True
        for bi, b in enumerate(self.a.article):
            if b.char_start <= m.char_start < b.char_end:
                t = self.token_at(bi, m.char_end - 1)
                while t is not None and t.dep_ in ({"compound", "flat", "appos"} if appositive else {"compound", "flat"}):
                    t = t.head
                # the subject of the sentence's main verb (not of a clause inside it)
                return t is not None and t.dep_ in SUBJECT_DEPS and t.head.dep_ in {"ROOT", "conj"}
        return False

    def _sentences_between(self, start: int, end: int) -> int:
        return sum(1 for s in self.a.sentences if start < s.char_start < end)

    def _introduced_as(self, role: str, at: int, definite: bool, start: int) -> "Mention | None":
        """The person the article calls by this role: "Ambassador Jane Doe", "Jane Doe, the
        ambassador", "the ambassador, Jane Doe" — the latest before the cue, else one just after
        it (articles often say "the ambassador said …" before giving the name), else for a bare
        definite role the person who is the subject of the sentence just before ("Jane Doe spoke on
        Monday. The senator said …"). Otherwise it stays unnamed: the most salient person is often
        someone else ("the businessman said" after a paragraph about his rival), and a wrong name
        is worse than a description."""
        raw = self.a.raw_text
        hits = [m.start() for m in re.finditer(rf"\b{re.escape(role)}s?\b", raw, flags=re.IGNORECASE)]
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
        return self._previous_subject(start) if definite else None

    def _previous_subject(self, at: int) -> "Mention | None":
        """The person who is the main subject (or its appositive name) of the last sentence outside
        quotation marks that ends before `at`."""
        prev = [x for x in self.a.sentences if x.char_end <= at and not self.in_quote(x.char_start)]
        if not prev:
            return None
        sent = prev[-1]
        for m in self.persons:
            if sent.char_start <= m.char_start < sent.char_end and self._is_subject(m, appositive=True):
                return m
        return None

    def _person_near(self, offset: int) -> "Mention | None":
        """A person named in the same sentence within a few words of the role word."""
        sent = self.a.sentence_at(offset)
        near = [m for m in self.persons if abs(m.char_start - offset) < 80
                and (sent is None or sent.char_start <= m.char_start < sent.char_end)]
        return min(near, key=lambda m: abs(m.char_start - offset)) if near else None

    def _described(self, m: "Mention") -> bool:
        """The mention carries an appositive description ("Jane Doe, a lawyer for …")."""
        return bool(re.match(r",\s+(?:a|an|the|who|[a-z]+\s+of)\b", self.a.raw_text[m.char_end:m.char_end + 40]))

    def _first_mention(self, m: "Mention") -> bool:
        return next(p for p in self.persons if p.entity_id == m.entity_id) is m

    def _genders(self) -> dict[str, str]:
        """Entity id -> 'm'/'f': from an honorific before any mention (Mr, Ms …), else from the
        he/she pronouns that follow the person's mentions as sentence subjects, when they agree."""
        out: dict[str, str] = {}
        raw = self.a.raw_text
        for m in self.persons:
            hon = re.search(r"\b([A-Z][a-z]{1,4})\.?\s+$", raw[max(0, m.char_start - 8):m.char_start])
            g = HONORIFIC_GENDER.get(hon.group(1).lower()) if hon else None
            if g:
                out.setdefault(m.entity_id, g)
        votes: dict[str, list[int]] = {}
        for bi, b in enumerate(self.a.article):
            for t in _tokens_with_text(b.doc, PERSONAL_PRONOUNS, "LOWER"):
                g = PERSONAL_PRONOUNS[t.lower_]
                at = b.char_start + t.idx
                if t.dep_ not in SUBJECT_DEPS or self.in_quote(at):
                    continue
                prior = [m for m in self.persons if m.char_end <= at and at - m.char_end < 300]
                if len({m.entity_id for m in prior[-2:]}) == 1:  # only one person in view
                    v = votes.setdefault(prior[-1].entity_id, [0, 0])
                    v[g == "f"] += 1
        for eid, (male, female) in votes.items():
            if eid not in out and max(male, female) >= 2 and min(male, female) == 0:
                out[eid] = "m" if male else "f"
        return out


def _tokens_with_text(doc, texts, attr: str):
    """Tokens of `doc` whose `attr` ("ORTH": text, "LOWER": lowercase text) is one of `texts`,
    in order; found in spaCy's token arrays, so only matching tokens become Token objects."""
    if not texts or not len(doc):
        return []
    wanted = np.fromiter((doc.vocab.strings[t] for t in texts), dtype=np.uint64, count=len(texts))
    return [doc[int(i)] for i in np.flatnonzero(np.isin(doc.to_array(attr), wanted))]


def fold_word(word: str) -> str:
    return word.casefold().strip(".")


def text_end(raw: str, span: QuoteSpan) -> str:
    """The quote's last non-space character ('' when empty)."""
    inner = raw[span.char_start:span.char_end].rstrip()
    return inner[-1] if inner else ""


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
        if verb.dep_ in {"conj", "xcomp", "advcl", "acl", "relcl"} and verb.head is not verb:
            if verb.dep_ in {"acl", "relcl"}:
                return verb.head
            verb = verb.head
            seen += 1
            continue
        return None
    return None
