"""The quote frame (transforms/quotes/frame.py): the words around a quote up to its sentence's end."""
from __future__ import annotations

from quotes_support import analysed, one, quotes

from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.frame import quote_frame
from transforms.quotes.spans import find_quote_spans


def test_frame_stops_at_the_sentence_boundaries(nlp):
    a = analysed(nlp, "The vote was close. “We lost,” Doe said. Nobody else spoke.")
    spans = find_quote_spans(a.article, a.raw_text)
    (span,) = spans
    frame = quote_frame(span, DocumentIndex(a, spans))
    before = a.raw_text[frame.before[0]:frame.before[1]]
    after = a.raw_text[frame.after[0]:frame.after[1]]
    assert before.strip() == ""
    assert after.strip() == "Doe said."
    assert frame.has_words and not frame.embedded


def test_question_then_name_and_verb(nlp):
    """'“…?” Jane Doe asked': the sentence break after the question mark does not end the frame."""
    rows = quotes(nlp, """
Nora Quint spoke first at the hearing. Councillor Elias Brandt listened.

“Why should the town pay for a harbour that nobody uses?” Brandt demanded.
""")
    q = one(rows, "Why should the town")
    assert (q["speaker"], q["method"]) == ("Elias Brandt", "cue_subject")
