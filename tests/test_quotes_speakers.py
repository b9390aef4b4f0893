"""Who a cue's subject is (transforms/quotes/speakers.py): names, pronouns, surnames, roles."""
from __future__ import annotations

from quotes_support import one, quotes


def test_pronoun_resolves_to_the_fullest_name(nlp):
    rows = quotes(nlp, """
Owen Castellano, the town's fire chief, inspected the warehouse after the blaze.

“The sprinklers had been switched off for weeks,” he said.
""")
    q = one(rows, "The sprinklers")
    assert (q["speaker"], q["method"]) == ("Owen Castellano", "pronoun")


def test_pronoun_prefers_the_person_of_matching_honorific(nlp):
    rows = quotes(nlp, """
Ms. Ruth Abernathy questioned Mr. Victor Salo for two hours at the inquiry.

“I was never told that the money had gone missing,” she said afterwards.
""")
    assert one(rows, "I was never told")["speaker"] == "Ruth Abernathy"


def test_surname_resolves_to_full_name(nlp):
    rows = quotes(nlp, """
Senator Claudia Ferreira introduced the bill in March. Ferreira has campaigned on housing for a decade.

“Rents have risen faster than wages for ten straight years,” Ferreira said.
""")
    assert one(rows, "Rents have risen")["speaker"] == "Claudia Ferreira"


def test_nominal_resolves_to_person_introduced_with_role(nlp):
    rows = quotes(nlp, """
The ambassador, Henrik Solberg, arrived in the capital on Sunday for three days of talks.

Officials from both countries discussed fishing quotas and shipping lanes.

“We came here to listen, not to lecture,” the ambassador said.
""")
    q = one(rows, "We came here")
    assert (q["speaker"], q["method"]) == ("Henrik Solberg", "nominal")


def test_nominal_introduced_after_the_quote(nlp):
    rows = quotes(nlp, """
The Chilean minister said on Monday that her country was “ready to sign” the agreement.

Minister Paula Irarrazaval said the text still needed approval from parliament.
""")
    assert one(rows, "ready to sign")["speaker"] == "Paula Irarrazaval"


def test_unnamed_source_is_not_given_to_a_named_person(nlp):
    rows = quotes(nlp, """
Shares in Norland Mining fell sharply after chief executive Annika Berg announced the results.

“The company has run out of easy options,” analysts at a Zurich bank wrote in a note to clients.
""")
    q = one(rows, "The company has run out")
    assert q["speaker_entity_id"] is None
    assert q["speaker"] != "Annika Berg"
    assert q["method"] == "unnamed"


def test_role_nobody_was_introduced_with_stays_unnamed(nlp):
    """'The businessman' was never used of anyone: naming the salient rival would be wrong."""
    rows = quotes(nlp, """
Karen Holt met voters in Eastport on Monday. Her rival attacked the harbour plan on Tuesday.

Several newspapers covered both events in detail.

The businessman told the crowd, “This plan will cost every family in the town.”
""")
    q = one(rows, "This plan will cost")
    assert q["speaker"] != "Karen Holt" and q["speaker_entity_id"] is None


def test_role_after_a_sentence_about_the_person(nlp):
    """A definite role right after a sentence whose subject is a person refers to that person."""
    rows = quotes(nlp, """
Director of the regional water board, Pieter Vandaele, has warned that the reservoir is low.

“We may have to ration water by August,” the official said.
""")
    assert one(rows, "We may have to ration")["speaker"] == "Pieter Vandaele"
