"""The analysis of one batch, with the real model, checked against the table contract."""
import pytest
from conftest import analyse_batch, source_document

from transforms import schema

ARTICLE = (
    "Regional airline cuts winter routes\n"
    "\n"
    "Northwind Air will suspend six routes from December, the company said on Monday.\n"
    "\n"
    "Chief executive Maria Santos said fuel costs had doubled. “We had no choice,” Santos told reporters.\n"
    "\n"
    "Share this article\n"
)


@pytest.fixture(scope="module")
def tables(nlp):
    return analyse_batch([source_document(ARTICLE), source_document(ARTICLE + "\nMore text.\n", "b.txt")],
                         nlp, run_id="r1")


def test_tables_have_exactly_the_schema_columns(tables):
    for name, df in tables.items():
        assert df.schema == schema.TABLES[name].polars_schema(), name


def test_every_span_matches_the_raw_text(tables):
    raw = {r["doc_id"]: r["raw_text"] for r in tables["documents"].iter_rows(named=True)}
    for table in schema.DOCUMENT_TABLES:
        if table.is_span:
            for row in tables[table.name].iter_rows(named=True):
                assert raw[row["doc_id"]][row["char_start"]:row["char_end"]] == row["text"], table.name


def test_sentences_only_come_from_article_blocks_and_captions(tables):
    kinds = {r["block_id"]: r["kind"] for r in tables["blocks"].iter_rows(named=True)}
    assert tables["sentences"].height > 0
    assert all(kinds[b] in schema.ANALYSED_KINDS for b in tables["sentences"]["block_id"])


def test_surname_mentions_share_the_full_names_entity(tables):
    mentions = tables["entity_mentions"].filter(tables["entity_mentions"]["text"].is_in(["Maria Santos", "Santos"]))
    assert mentions.height >= 2
    assert mentions["entity_id"].n_unique() == 1
    entity = tables["entities"].filter(tables["entities"]["entity_id"] == mentions["entity_id"][0])
    assert entity["name"][0] == "Maria Santos"
    assert entity["n_documents"][0] == 2


def test_quote_is_attributed_to_the_full_name(tables):
    quotes = tables["quotes"].filter(tables["quotes"]["text"].str.contains("no choice"))
    assert quotes.height == 2  # one per document
    assert set(quotes["speaker"]) == {"Maria Santos"}
