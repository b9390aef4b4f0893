"""Reported speech (indirect attribution): the clause a speech or cognition verb reports, found in
the dependency parse the document already has.

Matching only: each function here reads the parse and returns `ReportedMatch`es (cue, content
pieces, the token standing for the source); `extract` turns them into rows with speakers. The
frames news uses, and how the parse shows them:

- "X said (that) C", "X told Y C", "X warned/denied/confirmed that C", "X asked whether C",
  "it was reported that C": a reporting verb with a clausal complement (`ccomp`); C is the
  complement's subtree.
- "C, X said" and "C, X said, C2": spaCy makes the cue the root with C as its `ccomp` (first case)
  or a `parataxis` of C's verb (the cue interrupts): C is then the head clause without the cue's
  own words, in one or two pieces.
- "according to X, C" / "C, according to X": C is the clause "according" hangs on, without the
  "according to X" phrase; X is the source.
- "X denied the allegations", "X announced a plan": a verb of stating with a noun-phrase object
  (only verbs whose object is itself what was said, or any reporting verb when the object holds
  quoted words).
- "Jane Doe: Talks will resume" (headlines): a named source, a colon, a clause.
- "his claim that C", "the warning that C": a noun of saying with a that-clause.
- "X talked about C", "X called for C", "X warned against C": the topic a cue speaks of.
Cues inside quotation marks are left out (a quote's own "I think …" is part of the quote), and so is
reported content that lies inside a direct quote: the direct quote is its own row.
"""
from __future__ import annotations

from dataclasses import dataclass

from transforms.document import ParsedBlock
from transforms.lexicon import words
from transforms.quotes.document_index import DocumentIndex

# Lemmas of verbs that report speech or thought with a clause ("said that …", "believes …").
REPORTING_VERBS = words("speech_verbs") | words("reporting_verbs")
# Verbs whose noun-phrase object is the statement itself ("denied the report").
STATEMENT_OBJECT_VERBS = words("statement_object_verbs")
# Verbs of intent and stance whose infinitive complement is the statement ("vowed to veto it").
INTENT_VERBS = words("intent_verbs")
# Verbs that speak of a topic ("talked about", "warned against"), and the prepositions that give
# it; only these: "concluded a deal for …" is no topic of speech.
TOPIC_VERBS = words("topic_verbs")
TOPIC_PREPOSITIONS = words("topic_prepositions")
_PLAIN_SAYING = {"tell", "write"}
# Nouns of saying and thinking whose that-clause is a statement ("his claim that …").
REPORTING_NOUNS = words("reporting_nouns")
_MIN_NOMINAL_CLAUSE = 5  # words in "that …" (with "that"): fewer is a relative clause
# Multi-word source markers ("according to X"): the first word, then the second.
_ACCORDING = ("according", "to")
# A colon lead-in: at most this many words before the colon, all of a name or noun phrase.
_MAX_LEAD_IN = 5
_LEAD_IN_POS = {"PROPN", "NOUN", "DET", "ADJ", "PART"}
_NAMED_SOURCES = {"PERSON", "ORG", "NORP", "GPE"}
_PUNCT_EDGES = set(",;:—–-()[]") | {"\u2014", "\u2013"}
MIN_CONTENT_WORDS = 2


@dataclass(frozen=True)
class ReportedMatch:
    """One reported statement found in the parse of article block `block_index`."""
    block_index: int
    cue_i: int  # token index (in the block's Doc) of the cue word
    cue: str  # the cue as written ("said", "according to")
    pieces: tuple[tuple[int, int], ...]  # raw-text spans of the content, in order
    source_i: int | None  # token standing for the source (the cue's subject, "according to"'s object)
    frame: str  # "complement", "parenthetical", "according_to", "object", "colon", "nominal", "topic"


def find_reported(index: DocumentIndex) -> list[ReportedMatch]:
    """Every reported statement of the document's article blocks, in text order."""
    out: list[ReportedMatch] = []
    for bi, block in enumerate(index.article):
        for m in _block_matches(index, bi, block):
            if m is not None and _worth_keeping(index, m):
                out.append(m)
    return sorted(_drop_nested(out), key=lambda m: m.pieces[0][0])


def _block_matches(index: DocumentIndex, bi: int, block: ParsedBlock):
    """Candidates from every frame rule over one block."""
    doc = block.doc
    for t in doc:
        if index.in_quote(block.start_of(t)):
            continue
        lemma = t.lemma_.lower()
        if t.lower_ == _ACCORDING[0] and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == _ACCORDING[1]:
            yield according_to(index, bi, block, t)
        elif t.pos_ == "NOUN" and lemma in REPORTING_NOUNS:
            yield nominal(index, bi, block, t)
        elif t.text == ":":
            yield colon_lead_in(index, bi, block, t)
        elif t.pos_ in {"VERB", "AUX"} and lemma in REPORTING_VERBS:
            yield complement(index, bi, block, t) or parenthetical(index, bi, block, t) \
                or statement_object(index, bi, block, t) or topic(index, bi, block, t)
        elif t.pos_ == "VERB" and lemma in TOPIC_VERBS:
            yield topic(index, bi, block, t)


def complement(index: DocumentIndex, bi: int, block: ParsedBlock, cue) -> ReportedMatch | None:
    """'X said (that) C', 'C, X said', 'X asked whether C': the cue's clausal complement; for verbs
    of intent and stance also an infinitive one ('X vowed to veto the bill')."""
    deps = {"ccomp", "xcomp"} if cue.lemma_.lower() in INTENT_VERBS else {"ccomp"}
    comp = [c for c in cue.children if c.dep_ in deps]
    if not comp:
        return None
    aside = {t.i for c in comp for t in _speaker_asides(c)}
    tokens = [t for c in comp for t in c.subtree if t.i not in aside]
    return _match(index, bi, block, cue, tokens, "complement")


def parenthetical(index: DocumentIndex, bi: int, block: ParsedBlock, cue) -> ReportedMatch | None:
    """'C1, X said, C2' / 'C, X said': the cue interrupts (or trails) the clause it reports, which
    the parse makes its head; the content is that clause without the cue's own words."""
    if cue.dep_ != "parataxis" or not _has_subject(cue):
        return None
    own = {t.i for t in cue.subtree}
    tokens = [t for t in cue.head.subtree if t.i not in own]
    return _match(index, bi, block, cue, tokens, "parenthetical")


def according_to(index: DocumentIndex, bi: int, block: ParsedBlock, word) -> ReportedMatch | None:
    """'According to X, C' / 'C, according to X': C is the clause the phrase modifies."""
    to = block.doc[word.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        source = next((c for c in word.children if c.dep_ == "pobj"), None)
    clause = word.head
    while clause.pos_ not in {"VERB", "AUX"} and clause.head.i != clause.i:
        clause = clause.head
    if clause.i == word.i:
        return None
    own = {t.i for t in word.subtree}
    tokens = [t for t in clause.subtree if t.i not in own]
    m = _match(index, bi, block, word, tokens, "according_to", source=source)
    return m if m is None else ReportedMatch(m.block_index, m.cue_i, f"{word.text} {to.text}", m.pieces,
                                              m.source_i, m.frame)


def statement_object(index: DocumentIndex, bi: int, block: ParsedBlock, cue) -> ReportedMatch | None:
    """'X denied the allegations': a stating verb's object names what was said; so does any
    reporting verb's object that holds quoted words ('X stressed the "grave" risk')."""
    if not _has_subject(cue):
        return None
    obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
    if obj is None or obj.pos_ == "PRON":
        return None
    tokens = list(obj.subtree)
    if cue.lemma_.lower() not in STATEMENT_OBJECT_VERBS and not any(t.is_quote for t in tokens):
        return None
    return _match(index, bi, block, cue, tokens, "object")


def nominal(index: DocumentIndex, bi: int, block: ParsedBlock, noun) -> ReportedMatch | None:
    """'his claim that C', 'the warning that C': a noun of saying with a that-clause; the noun's
    possessor is the source (without one the statement is left out: the verb around the noun is
    often someone else's, "X rejected the suggestion that …"). A relative clause ('the claim that he made') is told apart by its
    length: a complement clause says something whole."""
    clause = next((c for c in noun.children if c.dep_ in {"acl", "ccomp"}
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if clause is None:
        return None
    tokens = list(clause.subtree)
    if sum(t.is_alpha for t in tokens) < _MIN_NOMINAL_CLAUSE:
        return None
    source = next((c for c in noun.children if c.dep_ == "poss"), None)
    if source is None:
        return None  # "the suggestion that …" without its author: whose it is stays unknown
    return _match(index, bi, block, noun, tokens, "nominal", source=source)


def topic(index: DocumentIndex, bi: int, block: ParsedBlock, cue) -> ReportedMatch | None:
    """'X talked about C', 'X called for C', 'X warned against C': what a cue speaks of, as the
    object of a topic preposition. "on" counts only before a common noun ('commented on the
    plan', not 'said on Monday' or 'on Twitter'); say and tell take only "about"."""
    lemma = cue.lemma_.lower()
    if lemma not in TOPIC_VERBS or not _has_subject(cue):
        return None
    for prep in (c for c in cue.children if c.dep_ == "prep" and c.i > cue.i):
        word = prep.lower_
        if word not in TOPIC_PREPOSITIONS or (lemma in _PLAIN_SAYING and word != "about"):
            continue
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None or obj.pos_ not in {"NOUN", "PROPN"}:
            continue
        if word == "on" and (obj.pos_ == "PROPN" or obj.ent_type_ in {"DATE", "TIME"}):
            continue
        return _match(index, bi, block, cue, list(obj.subtree), "topic")
    return None


def colon_lead_in(index: DocumentIndex, bi: int, block: ParsedBlock, colon) -> ReportedMatch | None:
    """'Jane Doe: Talks will resume' (headlines, summaries): a named source opening the sentence,
    a colon, then a clause of its own."""
    sent = colon.sent
    before = [t for t in sent if t.i < colon.i]
    if not before or len(before) > _MAX_LEAD_IN or not all(t.pos_ in _LEAD_IN_POS or t.is_punct for t in before):
        return None
    source = next((t for t in reversed(before) if t.pos_ in {"PROPN", "NOUN"}), None)
    if source is None or index.mention_at(block.start_of(source), _NAMED_SOURCES) is None:
        return None
    after = [t for t in sent if t.i > colon.i]
    if not any(t.pos_ in {"VERB", "AUX"} for t in after):
        return None
    return _match(index, bi, block, colon, after, "colon", source=source)


# ---------------------------------------------------------------------------------------- helpers


def _match(index: DocumentIndex, bi: int, block: ParsedBlock, cue, tokens, frame: str,
           source=None) -> ReportedMatch | None:
    """The match of a cue and its content tokens (pieces: runs of adjacent tokens, trimmed of
    edge punctuation); None when too little is left to be a statement."""
    pieces = _pieces(block, sorted(tokens, key=lambda t: t.i))
    if not pieces:
        return None
    if source is None:
        source = subject_of(cue)
    return ReportedMatch(bi, cue.i, cue.text, tuple(pieces), source.i if source is not None else None, frame)


def _pieces(block: ParsedBlock, tokens) -> list[tuple[int, int]]:
    """Contiguous runs of `tokens` as raw spans, without punctuation at either edge."""
    runs: list[list] = []
    for t in tokens:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        while run and (run[0].is_punct or run[0].text in _PUNCT_EDGES) and not run[0].is_quote:
            run = run[1:]
        while run and (run[-1].is_punct or run[-1].text in _PUNCT_EDGES) and not run[-1].is_quote:
            run = run[:-1]
        if sum(t.is_alpha for t in run) >= 1:
            out.append((block.start_of(run[0]), block.end_of(run[-1])))
    n_words = sum(1 for t in tokens if t.is_alpha and block.start_of(t) < out[-1][1]) if out else 0
    return out if n_words >= MIN_CONTENT_WORDS else []


def _speaker_asides(root):
    """Words of the reported clause that belong to the speaker's side: a participle after a comma
    continues the speaker's action ('he saw no need to change, telling reporters …')."""
    doc = root.doc
    for c in root.children:
        if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i > root.i and c.i > 0 and doc[c.i - 1].text == ",":
            yield from c.subtree


def _has_subject(verb) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)


def subject_of(verb):
    """The cue's subject, climbing coordinated and participial cues ('… and said', '…, saying')."""
    seen = 0
    while verb is not None and seen < 4:
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}
                    and any(ch.isalpha() for ch in c.text)]
        if subjects:
            subject = min(subjects, key=lambda c: abs(c.i - verb.i))
            if subject.lower_ in {"who", "that", "which"} and verb.dep_ == "relcl":
                return verb.head
            return subject
        if verb.dep_ in {"acl", "relcl"}:
            return verb.head
        if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


def _quoted_share(index: DocumentIndex, start: int, end: int) -> float:
    """Share of the span's characters inside quotation marks."""
    inside = sum(max(0, min(end, q.char_end + 1) - max(start, q.char_start - 1)) for q in index.spans)
    return inside / max(end - start, 1)


def _worth_keeping(index: DocumentIndex, m: ReportedMatch) -> bool:
    """Reported content outside direct quotes (mostly): content that is all quote is the direct
    quote's row."""
    quoted = sum(_quoted_share(index, s, e) * (e - s) for s, e in m.pieces)
    return quoted < 0.9 * sum(e - s for s, e in m.pieces)


def _drop_nested(matches: list[ReportedMatch]) -> list[ReportedMatch]:
    """A statement inside another's content ("X said Y believed C") is kept as its own row; but two
    rules finding the same content (same cue) give one match."""
    seen: set[tuple[int, int]] = set()
    out = []
    for m in matches:
        key = (m.block_index, m.cue_i)
        if key in seen:
            continue
        seen.add(key)
        out.append(m)
    return out
