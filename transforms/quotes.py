"""Direct quotations in article text and who said them.

Spans come from pairing quotation marks inside article blocks; attribution comes from a speech
cue near the quote (a speech verb or "according to") and the cue's grammatical subject in the
spaCy parse, resolved to the entity mention it names. Quoted words with no speaking cue and no
quoting context (scare quotes, titles of works) are left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for types only: quotes work on any analysed document
    from transforms.nlp import AnalysedDocument, ArticleBlock, Mention

OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"'}
CLOSERS = {"”", "»", '"', "“"}
SPEECH_VERBS = frozenset(
    """say tell add note write insist state declare explain claim argue warn stress emphasize emphasise
    announce admit acknowledge confirm deny reply respond answer ask comment remark observe continue
    suggest recall predict promise vow urge complain concede maintain assert contend point tweet post
    indicate reiterate mention describe quote report testify caution allege disclose reveal estimate""".split()
)
PRONOUNS = frozenset("he she him her i".split())
GROUP_PRONOUNS = frozenset("they we it".split())
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
CONFIDENCE = {
    "cue_subject": 0.9, "according_to": 0.85, "cue_adjacent": 0.7, "pronoun": 0.75, "nominal": 0.65,
    "continuation": 0.6, "unnamed": 0.5, "unattributed": 0.0,
}
MIN_WORDS_WITHOUT_CUE = 6


@dataclass(frozen=True)
class QuoteSpan:
    char_start: int  # first character inside the marks
    char_end: int  # the closing mark (or the block end when the quote runs on)
    block_index: int
    opens_block: bool  # the block begins with this quote's opening mark


def find_quote_spans(article: list["ArticleBlock"], raw_text: str) -> list[QuoteSpan]:
    """Pair quotation marks within each article block; an unclosed quote ends at its block's end."""
    spans = []
    for bi, block in enumerate(article):
        text = raw_text[block.char_start:block.char_end]
        i = 0
        while i < len(text):
            ch = text[i]
            if ch in OPENERS and _is_opening(text, i):
                close = _find_close(text, i + 1, OPENERS[ch])
                end = close if close is not None else len(text)
                if end > i + 1:
                    spans.append(QuoteSpan(block.char_start + i + 1, block.char_start + end, bi, i == 0))
                i = end + 1
            else:
                i += 1
    return spans


def _is_opening(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:;,/") and not after.isspace()


def _find_close(text: str, start: int, expected: str) -> int | None:
    for j in range(start, len(text)):
        ch = text[j]
        if ch in CLOSERS and (ch == expected or ch in "”\"") and not text[j - 1].isspace():
            after = text[j + 1] if j + 1 < len(text) else " "
            if not after.isalnum():
                return j
    return None


def extract_quotes(a: "AnalysedDocument") -> list[dict]:
    """Quote rows (quotes table columns other than doc_id and quote_id) for one document."""
    rows: list[dict] = []
    last_speaker: tuple[str | None, str | None, int] | None = None  # (speaker, entity_id, block index)
    for span in find_quote_spans(a.article, a.raw_text):
        block = a.article[span.block_index]
        text = a.raw_text[span.char_start:span.char_end]
        attribution = _attribute(a, block, span)
        if attribution is None:
            continuing = last_speaker is not None and span.opens_block and span.block_index - last_speaker[2] <= 1
            if continuing:
                attribution = (last_speaker[0], last_speaker[1], None, "continuation")
            elif len(text.split()) >= MIN_WORDS_WITHOUT_CUE and span.opens_block:
                attribution = (None, None, None, "unattributed")
            else:
                continue  # scare quote, title or term: no speaking cue
        speaker, entity_id, cue, method = attribution
        if method != "unattributed":
            last_speaker = (speaker, entity_id, span.block_index)
        sentence = a.sentence_at(span.char_start)
        rows.append(dict(
            sentence_id=sentence.sentence_id if sentence else None,
            char_start=span.char_start, char_end=span.char_end, text=text,
            quote_type="partial" if _starts_lowercase(text) else "full",
            speaker=speaker, speaker_entity_id=entity_id, cue=cue, method=method,
            confidence=CONFIDENCE[method],
        ))
    return rows


def _starts_lowercase(text: str) -> bool:
    first = next((ch for ch in text if ch.isalpha()), "")
    return first.islower()


def _attribute(a: "AnalysedDocument", block: "ArticleBlock", span: QuoteSpan):
    """(speaker, entity_id, cue, method) from a cue in the quote's sentence(s), or None."""
    doc = block.doc
    q0, q1 = span.char_start - block.char_start, span.char_end - block.char_start
    sents = [s for s in doc.sents if s.end_char > q0 - 1 and s.start_char < q1 + 1]
    if not sents:
        return None
    window = list(range(sents[0].start, sents[-1].end))
    # "X said:" before the quote, or "he said." right after a quote that ends its sentence.
    if sents[0].start > 0:
        prev = doc[sents[0].start - 1].sent
        if prev.text.rstrip().endswith(":"):
            window = list(range(prev.start, prev.end)) + window
    outside = [doc[i] for i in window if not (q0 - 1 <= doc[i].idx < q1 + 1)]
    if not any(t.is_alpha for t in outside) and sents[-1].end < len(doc):
        nxt = doc[sents[-1].end].sent
        outside = list(nxt)[:8]
    cues = [t for t in outside if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in {"VERB", "AUX", "NOUN"}]
    according = [t for t in outside if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to"]
    if according:
        to = doc[according[0].i + 1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is not None:
            return _resolve(a, block, obj, span, "according to", "according_to")
    if not cues:
        return None
    cue = min(cues, key=lambda t: min(abs(t.idx - q0), abs(t.idx - q1)))
    if cue.lemma_.lower() == "quote":  # "X quoted Y as saying": Y is the speaker
        obj = next((c for c in cue.children if c.dep_ in {"dobj", "obj"}), None)
        if obj is not None:
            return _resolve(a, block, obj, span, cue.text, "cue_subject")
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None and cue.head is not cue and cue.dep_ in {"conj", "xcomp", "advcl"}:
        subject = next((c for c in cue.head.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is not None and not (q0 <= subject.idx < q1):
        return _resolve(a, block, subject, span, cue.text, "cue_subject")
    near = _nearest_person(a, block, outside, cue)
    if near is not None:
        return near.canonical, near.entity_id, cue.text, "cue_adjacent"
    return None, None, cue.text, "unattributed"


def _resolve(a, block, token, span, cue_text, method):
    """Turn the cue's subject token into (speaker, entity_id, cue, method)."""
    start = block.char_start + token.idx
    mention = _mention_at(a, start)
    if mention is not None:
        return mention.canonical, mention.entity_id, cue_text, method
    word = token.lower_
    if word in PRONOUNS:
        person = _last_person_before(a, span.char_start)
        if person is not None:
            return person.canonical, person.entity_id, cue_text, "pronoun"
        return None, None, cue_text, "unattributed"
    if token.pos_ == "NOUN" and token.tag_ in {"NN"} and any(c.lower_ in {"the", "this", "that"} for c in token.children):
        person = _introduced_with_role(a, token.lemma_.lower(), span.char_start)
        if person is not None:
            return person.canonical, person.entity_id, cue_text, "nominal"
    if token.pos_ in {"NOUN", "PROPN"} and word not in GROUP_PRONOUNS:
        phrase = " ".join(t.text for t in token.subtree if t.i <= token.i)
        return phrase, None, cue_text, "unnamed"
    return None, None, cue_text, "unattributed"


def _mention_at(a, offset: int) -> "Mention | None":
    for m in a.mentions:
        if m.char_start <= offset < m.char_end and m.label in {"PERSON", "ORG", "NORP", "GPE"}:
            return m
    return None


def _last_person_before(a, offset: int) -> "Mention | None":
    quoted = [(s.char_start, s.char_end) for s in find_quote_spans(a.article, a.raw_text)]
    persons = [
        m for m in a.mentions
        if m.label == "PERSON" and m.char_end <= offset and not any(s <= m.char_start < e for s, e in quoted)
    ]
    return persons[-1] if persons else None


def _introduced_with_role(a, role: str, before: int) -> "Mention | None":
    """The person the article introduced with this role noun ("the minister, Jane Doe")."""
    lowered = a.raw_text[:before].lower()
    best = None
    pos = lowered.rfind(role)
    while pos != -1 and best is None:
        near = [m for m in a.mentions if m.label == "PERSON" and abs(m.char_start - pos) < 120 and m.char_end <= before]
        if near:
            best = min(near, key=lambda m: abs(m.char_start - pos))
        pos = lowered.rfind(role, 0, pos)
    return best


def _nearest_person(a, block, outside, cue) -> "Mention | None":
    offsets = {block.char_start + t.idx for t in outside}
    persons = [m for m in a.mentions if m.label == "PERSON" and m.char_start in offsets]
    if not persons:
        return None
    cue_at = block.char_start + cue.idx
    return min(persons, key=lambda m: abs(m.char_start - cue_at))
