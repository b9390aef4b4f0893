"""The cue rules (transforms/quotes/cues.py): according to, quoted as saying, colon lead-ins,
"— Name", participles, transcript turn labels."""
from __future__ import annotations

from quotes_support import one, quotes


def test_according_to(nlp):
    rows = quotes(nlp, """
The library will close for repairs in June, according to Simone Achebe, who manages the building.

The roof “has been leaking for years”, according to Achebe.
""")
    q = one(rows, "has been leaking")
    assert (q["speaker"], q["method"]) == ("Simone Achebe", "according_to")


def test_quoted_as_saying(nlp):
    rows = quotes(nlp, """
A regional newspaper quoted Ivan Petrenko, the factory's owner, as saying, “We will rebuild everything by autumn.”
""")
    assert one(rows, "We will rebuild")["speaker"] == "Ivan Petrenko"


def test_speaker_colon_before_quote(nlp):
    rows = quotes(nlp, """
The mayor, Beatrix Holm, was blunt when asked about the budget gap.

Holm told the council:

“There is no money left for new roads this year.”

The council will vote on the budget next week, after a public consultation that closes on Friday. Several
members have already said they will oppose any cut to the bus service.
""")
    assert one(rows, "There is no money")["speaker"] == "Beatrix Holm"


def test_dash_attribution(nlp):
    rows = quotes(nlp, """
We asked readers what the new bridge means to them.

“I can finally walk my children to school without crossing the highway.” ― Lucia Ferro
""")
    assert one(rows, "I can finally")["speaker"] == "Lucia Ferro"


def test_participle_after_a_person(nlp):
    """'footage of Jane Doe saying, “…”': the person before the participle speaks, not the ad."""
    rows = quotes(nlp, """
Tomasz Wilk and Hanna Berg are running for mayor of Eastport.

The new advertisement uses footage of Hanna Berg saying, “I never promised lower taxes.”
""")
    assert one(rows, "I never promised")["speaker"] == "Hanna Berg"


def test_dash_attribution_ends_at_the_line(nlp):
    """'“…” ― Jane Doe' at a paragraph's end: the next paragraph is not part of the name."""
    rows = quotes(nlp, """
Readers sent us their views on the harbour plan.

“The harbour is the heart of this town and it should stay open for everyone.” ― Lena Okafor
“Nobody asked the fishermen what they wanted before the vote.” ― Marco Ruiz
""")
    assert one(rows, "The harbour is the heart")["speaker"] == "Lena Okafor"
    assert one(rows, "Nobody asked the fishermen")["speaker"] == "Marco Ruiz"


def test_transcript_turns_are_spoken_by_their_label(nlp):
    """Each quoted turn of a transcript belongs to its capitalised label, not to the turn before."""
    rows = quotes(nlp, """
Governor Ruth Almeida was interviewed by Paul Dekker on Sunday. A partial transcript follows:

"DEKKER: Will you sign the harbour bill this week, and if not, why not?

"ALMEIDA: I will sign it when the council has read it. Nobody should vote on a bill they have not read.

"DEKKER: Thank you, Governor.
""")
    assert one(rows, "ALMEIDA:")["speaker"] == "Ruth Almeida"
    assert one(rows, "DEKKER: Will you")["speaker"] == "Paul Dekker"


def test_short_reply_with_its_cue_is_a_quote_not_a_title(nlp):
    rows = quotes(nlp, """
Reporters asked the mayor, Tomas Berg, who had approved the contract.

"Not me," Berg said.
""")
    assert one(rows, "Not me")["speaker"] == "Tomas Berg"


def test_closing_mark_glued_to_the_speakers_word(nlp):
    rows = quotes(nlp, """
Kwame Mensah runs the shelter on the east side of town.

"We have no beds left for tonight,"she said.
""")
    assert one(rows, "We have no beds")["speaker"] == "Kwame Mensah"


def test_question_then_name_with_apposition_then_cue(nlp):
    rows = quotes(nlp, """
The council met on Monday to discuss the harbour.

"Who will pay for it?" Jonas Vik, the head of the harbour board, asked.
""")
    assert one(rows, "Who will pay")["speaker"] == "Jonas Vik"


def test_colon_lead_in_with_a_described_speaker(nlp):
    rows = quotes(nlp, """
Residents gave their views on the new bridge.

Marta Lund, a teacher from the north bank: "It has cut my drive to school in half."
""")
    assert one(rows, "It has cut")["speaker"] == "Marta Lund"


def test_speech_verbs_are_matched_by_lemma_from_a_broad_lexicon(nlp):
    rows = quotes(nlp, """
Kwame Mensah runs the shelter on the east side of town.

"We have no beds left for tonight," Mensah murmured.
""")
    q = one(rows, "We have no beds")
    assert (q["speaker"], q["cue"]) == ("Kwame Mensah", "murmured")


def test_naming_verb_with_its_own_subject_is_a_cue():
    """spaCy makes a new Token per access: the cue and its subject's head are compared by index."""
    import spacy

    from transforms.quotes.cues import _subject_of

    doc = spacy.blank("en")("She called out")
    doc[0].dep_, doc[0].head = "nsubj", doc[1]
    assert doc[0].head is not doc[1]  # why `is` can never be used
    assert _subject_of(doc[1]).head.i == doc[1].i
