"""The people of a document (transforms/quotes/persons.py): missed surnames, speaking orgs,
genders, who a he/she means."""
from __future__ import annotations

from datetime import datetime, timezone

from quotes_support import analysed, one

from transforms.document import SourceDocument
from transforms.quotes import extract_quotes
from transforms.quotes.document_index import DocumentIndex
from transforms.quotes.persons import PersonIndex
from transforms.quotes.spans import find_quote_spans


def person_index(a) -> PersonIndex:
    return PersonIndex(DocumentIndex(a, find_quote_spans(a.article, a.raw_text)))


def test_she_resolves_to_the_last_fitting_person(nlp):
    a = analysed(nlp, "Ms. Ruth Abernathy questioned Mr. Victor Salo for two hours. Then she left.")
    persons = person_index(a)
    at = a.raw_text.index("she left")
    assert persons.salient_person(at, "f").canonical == "Ruth Abernathy"
    assert persons.salient_person(at, "m").canonical == "Victor Salo"


def test_a_bare_surname_the_tagger_missed_is_a_person(nlp):
    a = analysed(nlp, "Senator Claudia Ferreira introduced the bill. Ferreira has campaigned for a decade.")
    persons = person_index(a)
    assert [p.canonical for p in persons.persons] == ["Claudia Ferreira", "Claudia Ferreira"]
    assert persons.latest_with_surname("FERREIRA", folded=True).canonical == "Claudia Ferreira"


def test_org_tagged_speaker_counts_as_a_person_for_pronouns(nlp):
    """A full name the model tagged ORG but who speaks ("X said") is a candidate for "she"."""
    from dataclasses import replace

    from conftest import analysed_documents

    raw = ("Harbour vote delayed\n\nLena Okafor said the vote would wait until May.\n\n"
           "“We cannot wait that long,” she said.\n")
    doc = SourceDocument("d1", "mem://d1.txt", "text", "utf-8", raw, "0" * 64, datetime.now(timezone.utc))
    a = analysed_documents([doc], nlp)[0]
    a.mentions = [replace(m, label="ORG") if m.text == "Lena Okafor" else m for m in a.mentions]
    q = one(extract_quotes(a), "We cannot wait")
    assert q["speaker"] == "Lena Okafor"
