"""Reported speech (transforms/quotes/reported.py and its rows in extract): the frames news uses
for indirect attribution, their content spans and speakers, and mixed quotes."""
from __future__ import annotations

from quotes_support import analysed, one, quotes

from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.reported import find_reported
from transforms.quotes.spans import find_quote_spans

INTRO = "Finance minister Clara Moreau presented the budget to parliament on Tuesday.\n\n"


def indirect(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["quote_type"] == "indirect"]


def test_said_that_clause(nlp):
    q = one(indirect(quotes(nlp, INTRO + "Moreau said that the deficit would fall below three percent next year.")),
            "that the deficit")
    assert q["text"] == "that the deficit would fall below three percent next year"
    assert (q["speaker"], q["cue"], q["method"]) == ("Clara Moreau", "said", "cue_subject")
    assert 0 < q["confidence"] < 1


def test_content_before_the_cue(nlp):
    q = one(indirect(quotes(nlp, INTRO + "The deficit would fall next year, Moreau said on Wednesday.")), "The deficit")
    assert q["text"] == "The deficit would fall next year"
    assert q["speaker"] == "Clara Moreau"


def test_cue_interrupting_the_content_gives_two_pieces_of_one_statement(nlp):
    rows = indirect(quotes(nlp, INTRO + "The new tax, Moreau said, would raise two billion euros."))
    assert [r["text"] for r in rows] == ["The new tax", "would raise two billion euros"]
    assert len({r["attribution_id"] for r in rows}) == 1
    assert {r["speaker"] for r in rows} == {"Clara Moreau"}


def test_according_to(nlp):
    q = one(indirect(quotes(nlp, INTRO + "According to the ministry, the new tax will raise two billion euros.")),
            "the new tax")
    assert q["cue"] == "According to" and q["method"] in {"according_to", "unnamed"}
    assert q["speaker"] == "the ministry"


def test_told_someone_and_pronoun_speaker(nlp):
    q = one(indirect(quotes(nlp, INTRO + "She told reporters the cuts would not touch hospitals.")), "the cuts")
    assert (q["speaker"], q["cue"], q["method"]) == ("Clara Moreau", "told", "pronoun")


def test_denied_with_an_object_and_warned_with_a_clause(nlp):
    rows = indirect(quotes(nlp, INTRO + "Moreau denied the reports. She warned that prices could rise."))
    assert one(rows, "the reports")["cue"] == "denied"
    assert one(rows, "that prices")["speaker"] == "Clara Moreau"


def test_nominal_and_unnamed_sources(nlp):
    rows = indirect(quotes(nlp, INTRO + "Officials said the vote could be delayed until March."))
    q = one(rows, "the vote")
    assert q["speaker"] == "Officials" and q["speaker_entity_id"] is None and q["method"] == "unnamed"


def test_passive_report_has_no_speaker(nlp):
    q = one(indirect(quotes(nlp, INTRO + "It was reported that the minister would resign.")), "that the minister")
    assert q["speaker"] is None and q["method"] == "unattributed" and q["cue"] == "reported"


def test_reported_question(nlp):
    q = one(indirect(quotes(nlp, INTRO + "Moreau asked whether the opposition had read the plan.")), "whether")
    assert q["cue"] == "asked" and q["speaker"] == "Clara Moreau"


def test_continuation_in_the_next_sentence(nlp):
    rows = indirect(quotes(nlp, INTRO + "Moreau said the plan was fair. She added that pensions were safe."))
    assert one(rows, "that pensions")["speaker"] == "Clara Moreau"
    assert one(rows, "that pensions")["cue"] == "added"


def test_cognition_verb(nlp):
    q = one(indirect(quotes(nlp, INTRO + "Moreau believes the economy will grow faster than expected.")), "the economy")
    assert q["cue"] == "believes"


def test_mixed_quote_is_one_statement_with_its_quoted_fragment(nlp):
    rows = quotes(nlp, INTRO + "Moreau said the budget was “fair to every family” and would pass easily.")
    content = one(indirect(rows), "the budget")
    fragment = one(rows, "fair to every family")
    assert fragment["quote_type"] == "partial"
    assert fragment["attribution_id"] == content["attribution_id"]
    assert content["char_start"] <= fragment["char_start"] < fragment["char_end"] <= content["char_end"]
    assert fragment["speaker"] == content["speaker"] == "Clara Moreau"


def test_direct_quote_is_not_repeated_as_reported_speech(nlp):
    rows = quotes(nlp, INTRO + "“The deficit will fall next year,” Moreau said.")
    assert [r["quote_type"] for r in rows] == ["full"]


def test_cues_inside_quotes_are_part_of_the_quote(nlp):
    a = analysed(nlp, INTRO + "“I think the deficit will fall next year,” Moreau said.")
    matches = find_reported(DocumentIndex(a, find_quote_spans(a.article, a.raw_text)))
    assert matches == []


def test_a_single_word_is_no_statement(nlp):
    a = analysed(nlp, INTRO + "Moreau said so.")
    assert find_reported(DocumentIndex(a, find_quote_spans(a.article, a.raw_text))) == []


def test_noun_of_saying_with_its_possessor(nlp):
    rows = indirect(quotes(nlp, INTRO + "Moreau repeated her claim that the new tax would raise two billion euros."))
    q = one(rows, "that the new tax")
    assert (q["cue"], q["speaker"]) == ("claim", "Clara Moreau")


def test_noun_of_saying_without_an_author_is_left_out(nlp):
    rows = indirect(quotes(nlp, INTRO + "The opposition rejected the suggestion that the new tax would raise money."))
    assert not [r for r in rows if r["cue"] == "suggestion"]


def test_topic_of_a_speech_verb(nlp):
    rows = indirect(quotes(nlp, INTRO + "Moreau warned against a rise in interest rates. She spoke on Monday."))
    assert one(rows, "a rise in interest rates")["cue"] == "warned"
    assert not [r for r in rows if r["text"] == "Monday"]
