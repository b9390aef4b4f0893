"""Quotation-mark pairing (transforms/quotes/spans.py): pure pairing, and spans through the real
pipeline path (the shared production `nlp` fixture)."""
from __future__ import annotations

from quotes_support import one, quotes

from transforms.document import ParsedBlock
from transforms.quotes import find_quote_spans
from transforms.quotes.spans import QuoteSpan


def blocks_of(raw: str) -> list[ParsedBlock]:
    """One unparsed block per line: pairing reads only the blocks' offsets."""
    out, at = [], 0
    for i, line in enumerate(raw.split("\n")):
        out.append(ParsedBlock(f"b{i}", "body", at, at + len(line), None))
        at += len(line) + 1
    return out


def test_pairs_curly_straight_and_mixed_marks():
    raw = '“One two,” she said. "Three four." “Five six"'
    spans = find_quote_spans(blocks_of(raw), raw)
    assert [raw[s.char_start:s.char_end] for s in spans] == ["One two,", "Three four.", "Five six"]
    assert all(s.closed for s in spans)
    assert spans[0].opens_block and not spans[1].opens_block


def test_unclosed_quote_stops_at_its_paragraph_and_runs_on_in_the_next():
    raw = "“First part of it.\n“Second part,” he said."
    first, second = find_quote_spans(blocks_of(raw), raw)
    assert raw[first.char_start:first.char_end] == "First part of it."
    assert (first.closed, first.runs_on) == (False, False)
    assert (second.closed, second.runs_on, second.block_index) == (True, True, 1)
    assert isinstance(first, QuoteSpan)


def test_two_apostrophes_are_a_double_mark():
    raw = "''We will win,'' she said. He added: ''It is close.''"
    spans = find_quote_spans(blocks_of(raw), raw)
    assert [raw[s.char_start:s.char_end] for s in spans] == ["We will win,", "It is close."]
    assert spans[0].opens_block and all(s.closed for s in spans)


def test_two_apostrophes_quote_has_its_speaker(nlp):
    rows = quotes(nlp, """
Kwame Mensah runs the shelter on the east side of town.

''We have no beds left for tonight,'' Mensah said.
""")
    q = one(rows, "We have no beds")
    assert (q["quote_type"], q["speaker"]) == ("full", "Kwame Mensah")


def test_inch_marks_and_apostrophes_open_nothing():
    raw = "It measures 55\" across and it’s last year’s model."
    assert find_quote_spans(blocks_of(raw), raw) == []


def test_curly_quote_with_speaker_after(nlp):
    rows = quotes(nlp, """
Marta Linden, the mayor of Eastport, spoke to reporters on Tuesday.

“We will not approve a plan that nobody in this town has been allowed to read,” Linden said.
""")
    q = one(rows, "We will not approve")
    assert q["text"].endswith("allowed to read,")
    assert (q["speaker"], q["method"], q["quote_type"], q["cue"]) == ("Marta Linden", "cue_subject", "full", "said")


def test_straight_quotes_and_inverted_cue(nlp):
    rows = quotes(nlp, """
The port authority published its figures on Monday.

"The numbers show that traffic has doubled in three years," said Tomas Adeyemi, the authority's director.
""")
    q = one(rows, "The numbers show")
    assert q["speaker"] == "Tomas Adeyemi"


def test_mixed_marks_pair_up(nlp):
    rows = quotes(nlp, """
Farmers gathered outside the ministry in the morning.

“Prices for feed have gone up every month since spring," said Ilse Brandt, who runs a dairy farm.
""")
    q = one(rows, "Prices for feed")
    assert q["text"].endswith("since spring,")
    assert q["speaker"] == "Ilse Brandt"


def test_guillemets(nlp):
    rows = quotes(nlp, """
The coach, Rafael Moreno, was asked about the injury list before the match.

«We have eleven fit players and that is enough to win this game», Moreno told reporters.
""")
    q = one(rows, "We have eleven")
    assert q["speaker"] == "Rafael Moreno"


def test_quote_split_by_attribution(nlp):
    rows = quotes(nlp, """
Nadia Okafor, the school's head teacher, welcomed the decision.

“This is a good day for our pupils,” Okafor said. “They have waited far too long for a proper library.”
""")
    first, second = one(rows, "This is a good day"), one(rows, "They have waited")
    assert first["speaker"] == second["speaker"] == "Nadia Okafor"
    assert second["method"] == "continuation"


def test_split_quote_in_one_sentence(nlp):
    rows = quotes(nlp, """
Peter Halvorsen chairs the transport committee.

"We looked at every option," Halvorsen said, "and none of them was cheaper than the tunnel."
""")
    assert one(rows, "We looked at")["speaker"] == "Peter Halvorsen"
    assert one(rows, "and none of them")["speaker"] == "Peter Halvorsen"


def test_quote_over_several_paragraphs(nlp):
    rows = quotes(nlp, """
The retired judge Helena Varga described the trial in a speech on Friday.

“Nobody in the courtroom expected the witness to change her story on the last day of the hearing.

“When she did, the whole case fell apart within an hour,” Varga said.
""")
    first, second = one(rows, "Nobody in the courtroom"), one(rows, "When she did")
    assert first["text"].endswith("last day of the hearing.")  # stops at its paragraph's end
    assert first["speaker"] == second["speaker"] == "Helena Varga"


def test_missing_closing_mark_does_not_swallow_the_article(nlp):
    body = """
The union leader Gareth Pryce addressed the strikers at the gate.

“We are not going back until the company talks to us, Pryce said.

The company said it would respond next week. Talks are planned for Thursday.

“Our offer remains on the table,” said Alison Reeve, a company spokeswoman.
"""
    rows = quotes(nlp, body)
    for r in rows:
        assert "\n" not in r["text"]
        assert "Talks are planned" not in r["text"]
    assert one(rows, "Our offer remains")["speaker"] == "Alison Reeve"


def test_find_quote_spans_inch_marks_and_apostrophes(nlp):
    rows = quotes(nlp, """
The new screen measures 55" across and costs less than last year's model.

“It’s the best value we’ve seen,” said Dana Whitfield, a retail analyst.
""")
    assert [r["text"] for r in rows] == ["It’s the best value we’ve seen,"]
