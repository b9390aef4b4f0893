"""Direct quotations in article text and who said them.

1. Spans: quotation marks are paired inside each article block (a paragraph). Whether a mark opens
   or closes is read from what flanks it, so straight, curly, mixed (“ … ") and sloppy (” … ”) pairs
   and guillemets all work. A quote left open at a paragraph's end stops there (it never swallows
   the article); when the next paragraph opens with a mark, the quote runs on in it. (`spans`)
2. Frame: the words around a quote up to the nearest sentence boundary or neighbouring quote. The
   speech cue (said, told, according to, quoted … as saying, "— Name", "Name:") is looked for there.
   (`frame`, `cues`)
3. Speaker: the cue's grammatical subject in the spaCy parse, turned into the fullest name the
   article gives: names via the linked entity mentions, he/she via the last fitting person,
   role nouns ("the minister") via the person the article introduces with that role (or the
   subject of the sentence just before), else they stay a description: a wrong name is worse.
   Unnamed sources ("analysts") keep their description and get no entity. Transcript turns
   ('"SMITH: …') are spoken by their label. (`speakers`, over `persons` and `document_index`)
4. Quotes without a cue are kept only when they continue an attributed quote (same paragraph or
   the next one) or stand alone as whole sentences; scare quotes and titles are left out.
5. Reported speech: the clauses speech and cognition verbs report ("X said (that) C", "C, X said",
   "according to X, C" …) from the same parse (`reported`), as `indirect` rows whose speaker is
   found as for a direct quote. A direct quote inside reported content is a mixed quote: its
   `partial` row and the content row share one `attribution_id` (every row has one; the rows of
   one statement share it).
"""
from __future__ import annotations

import re

from transforms.document import AnalysedDocument
from transforms.lexicon import words
from transforms.quotes.cues import CueRules
from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.frame import Frame, quote_frame
from transforms.quotes.persons import PersonIndex
from transforms.quotes.reported import ReportedMatch, find_reported
from transforms.quotes.spans import QuoteSpan, find_quote_spans
from transforms.quotes.speakers import Attribution, unattributed

CONFIDENCE = {
    "cue_subject": 0.9, "according_to": 0.85, "cue_adjacent": 0.75, "pronoun": 0.75, "nominal": 0.7,
    "continuation": 0.65, "unnamed": 0.6, "unattributed": 0.3,
}
MIN_WORDS_STANDALONE = 4  # a cue-less quote must be at least a short sentence to count
_TITLE_FUNCTION_WORDS = words("title_function_words")


# Reported content is bounded by the parse, not by marks: a little less sure than the same cue on
# a direct quote.
INDIRECT_FACTOR = 0.9


def extract_quotes(a: AnalysedDocument, include_indirect: bool = True) -> list[dict]:
    """Quote rows (quotes table columns other than doc_id and quote_id) for one document, in text
    order; `attribution_id` is document-scoped ("a000"). `include_indirect=False` gives the direct
    quotes alone."""
    # 1. Spans
    spans = find_quote_spans(a.article, a.raw_text)
    index = DocumentIndex(a, spans)
    cues = CueRules(index, PersonIndex(index))
    rows: list[dict] = []
    last: tuple[Attribution, int] | None = None  # last attributed quote and its block index
    kept: list[QuoteSpan] = []  # spans of the rows, in order
    for span in spans:
        text = a.raw_text[span.char_start:span.char_end]
        # 2. Frame
        frame = quote_frame(span, index)
        # 3. Speaker
        att = cues.speaker_in_frame(span, frame) or cues.turn_label_speaker(span)
        standalone = not frame.has_words and reads_as_clause(text)
        if _title_like(text) and not _answer_with_cue(text, att, a.raw_text[frame.before[0]:frame.before[1]]):
            continue  # a title or a name in quotation marks ("… told Meet the Nation")
        if att is not None and not att.linked and _is_fragment(text):
            att = None  # a cue elsewhere in the sentence does not make a quoted term a quote
        runs_into_next = not span.closed and any(s.runs_on and s.block_index == span.block_index + 1 for s in spans)
        if att is None and not span.closed and not runs_into_next and not span.runs_on:
            continue  # a stray mark: an unclosed, unattributed quote that no paragraph continues
        if att is None and standalone:
            # "Jane Doe said the plan had failed. 'It was doomed.'": the sentence before speaks.
            att = cues.previous_sentence_speaker(span, frame)
        # 4. Quotes without a cue
        if att is None:
            att = _cueless_attribution(span, text, standalone, last)
            if att is None:
                continue  # scare quote, title or term: nobody is speaking
        if att.method != "unattributed" or att.cue is not None:
            last = (att, span.block_index)
        kept.append(span)
        rows.append(_row(a, span, text, frame, att))
    _share_across_paragraphs(rows, kept)
    groups = [[r] for r in rows]
    if include_indirect:
        groups = _with_reported(a, index, cues, groups)
    return _number_attributions(groups)


def _with_reported(a: AnalysedDocument, index: DocumentIndex, cues: CueRules,
                   groups: list[list[dict]]) -> list[list[dict]]:
    """The direct-quote groups plus one group per reported statement; a direct quote inside a
    statement's content joins that statement's group as its quoted part (a mixed quote)."""
    out = []
    taken: set[int] = set()
    for m in find_reported(index):
        content = [_reported_row(a, m, piece, _reported_attribution(index, cues, m)) for piece in m.pieces]
        inside = [k for k, g in enumerate(groups) if k not in taken
                  and any(p0 <= g[0]["char_start"] and g[0]["char_end"] <= p1 for p0, p1 in m.pieces)]
        for k in inside:
            taken.add(k)
            for r in groups[k]:
                _join_statement(r, content[0])
            content += groups[k]
        out.append(content)
    out += [g for k, g in enumerate(groups) if k not in taken]
    return out


def _reported_attribution(index: DocumentIndex, cues: CueRules, m: ReportedMatch) -> Attribution:
    """The statement's source, found as a direct quote's cue subject is (names, pronouns, roles)."""
    block = index.article[m.block_index]
    if m.source_i is None:
        return unattributed(m.cue)
    method = "according_to" if m.frame == "according_to" else "cue_subject"
    return cues.speakers.attribute_to(None, block, block.doc[m.source_i], m.cue, method)


def _reported_row(a: AnalysedDocument, m: ReportedMatch, piece: tuple[int, int], att: Attribution) -> dict:
    start, end = piece
    sentence = a.sentence_at(start)
    return dict(
        sentence_id=sentence.sentence_id if sentence else None,
        char_start=start, char_end=end, text=a.raw_text[start:end], quote_type="indirect",
        speaker=att.speaker, speaker_entity_id=att.entity_id, cue=att.cue, method=att.method,
        confidence=CONFIDENCE[att.method] * INDIRECT_FACTOR,
    )


def _join_statement(quoted: dict, content: dict) -> None:
    """A quoted fragment of reported speech is partial and spoken by the statement's source: the
    reporting cue governs the fragment ('X said residents had "waited too long"' is X's words),
    whatever noun the fragment's own frame offered; the fragment keeps its own speaker only when
    the statement's source is unknown."""
    quoted["quote_type"] = "partial"
    if content["speaker"] is not None:
        quoted.update(speaker=content["speaker"], speaker_entity_id=content["speaker_entity_id"],
                      cue=content["cue"], method=content["method"], confidence=content["confidence"])


def _number_attributions(groups: list[list[dict]]) -> list[dict]:
    """Rows in text order, each group's rows sharing one attribution id numbered by first row."""
    groups = sorted((sorted(g, key=lambda r: r["char_start"]) for g in groups if g), key=lambda g: g[0]["char_start"])
    rows = []
    for k, g in enumerate(groups):
        for r in g:
            r["attribution_id"] = f"a{k:03d}"
        rows.extend(g)
    return sorted(rows, key=lambda r: (r["char_start"], r["quote_type"] != "indirect"))


def _cueless_attribution(span: QuoteSpan, text: str, standalone: bool,
                         last: tuple[Attribution, int] | None) -> Attribution | None:
    """A continuation of the last attributed quote (running on, or a whole sentence in its
    paragraph or opening the next), an unattributed whole sentence, else None (not a quote)."""
    same_para = last is not None and last[1] == span.block_index
    next_para = last is not None and span.opens_block and last[1] == span.block_index - 1
    if last is not None and (span.runs_on or (standalone and (same_para or next_para))):
        prev = last[0]
        return Attribution(prev.speaker, prev.entity_id, None, "continuation")
    if standalone and len(text.split()) >= MIN_WORDS_STANDALONE:
        return Attribution(None, None, None, "unattributed")
    return None


def _row(a: AnalysedDocument, span: QuoteSpan, text: str, frame: Frame, att: Attribution) -> dict:
    sentence = a.sentence_at(span.char_start)
    return dict(
        sentence_id=sentence.sentence_id if sentence else None,
        char_start=span.char_start, char_end=span.char_end, text=text,
        quote_type="partial" if _is_partial(text, frame) else "full",
        speaker=att.speaker, speaker_entity_id=att.entity_id, cue=att.cue, method=att.method,
        confidence=CONFIDENCE[att.method] * (1.0 if span.closed else 0.8),
    )


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


# ------------------------------------------------------------------------------ text predicates


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*", text)


def reads_as_clause(text: str) -> bool:
    """Starts with a capital (or runs on) and reads as a clause rather than a name or term."""
    found = _words(text)
    return bool(found) and found[0][0].isupper() and len(found) >= 2


def _is_fragment(text: str) -> bool:
    """A short lowercase phrase: the kind of quoted term a scare quote is made of."""
    return len(_words(text)) <= 4 and not text.rstrip().endswith((".", "!", "?"))


def _title_like(text: str) -> bool:
    """A few words, every content word capitalised: a title, a show or a name, not speech."""
    found = _words(text)
    # Titles keep short function words lowercase ("Face the Nation", "State of the Union").
    content = [w for w in found if len(w) >= 3 and w not in _TITLE_FUNCTION_WORDS]
    return 0 < len(found) <= 6 and bool(content) and all(w[0].isupper() for w in content) \
        and not text.rstrip().endswith(("!", "?")) and not re.search(r"[.!?]\s+\S", text)


def _answer_with_cue(text: str, att: Attribution | None, before: str) -> bool:
    """A short reply opening its sentence, closed by a comma and spoken by a cue joined to it
    ('"Not me," she said'); a title sits inside a clause ('on "New Day," she said')."""
    return text.rstrip().endswith(",") and not re.search(r"[^\W\d_]", before) and att is not None \
        and att.linked and att.cue is not None and att.method != "cue_adjacent"


def _is_partial(text: str, frame: Frame) -> bool:
    """The quote starts in lowercase or sits inside a running clause."""
    first = next((ch for ch in text if ch.isalpha()), "")
    return first.islower() or frame.embedded
