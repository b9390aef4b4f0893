"""Sentences from the parse: abbreviations, decimals, ellipses and quotes do not break them wrongly."""
import pytest
from conftest import analyse_batch, source_document

TEXT = (
    "Senators question budget plan\n\n"
    "The U.S. Senate met on Jan. 5 with Gen. Mark Ortiz and Mr. Paul Dunne present. "
    "Inflation rose 3.5 per cent in the quarter... Officials were cautious.\n\n"
    "\"We will not accept this. It is simply too much,\" Dunne said. Dr. Amy Lee of St. Mary's Hospital disagreed.\n\n"
    "Prices fell by 0.25 points on Friday, the U.K. statistics office said. Mr Dunne left at 5 p.m. on Tuesday.\n"
)


@pytest.fixture(scope="module")
def sentences(nlp):
    return analyse_batch([source_document(TEXT)], nlp, run_id="r")["sentences"]["text"].to_list()


def test_abbreviations_and_decimals_do_not_end_sentences(sentences):
    assert "The U.S. Senate met on Jan. 5 with Gen. Mark Ortiz and Mr. Paul Dunne present." in sentences
    assert "Prices fell by 0.25 points on Friday, the U.K. statistics office said." in sentences
    assert "Mr Dunne left at 5 p.m. on Tuesday." in sentences
    assert "Dr. Amy Lee of St. Mary's Hospital disagreed." in sentences


def test_an_ellipsis_ends_a_sentence_and_a_quote_keeps_its_attribution(sentences):
    assert "Inflation rose 3.5 per cent in the quarter..." in sentences
    assert "Officials were cautious." in sentences
    assert any(s.endswith('too much," Dunne said.') for s in sentences)


def test_the_title_is_its_own_sentence(sentences):
    assert sentences[0] == "Senators question budget plan"
