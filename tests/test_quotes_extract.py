"""The extraction cascade (transforms/quotes/extract.py): which quotes are kept, their type, and
continuation; plus the shape of the quote package."""
from __future__ import annotations

import ast
from pathlib import Path

from quotes_support import analysed, one, quotes

from transforms.quotes import extract_quotes, find_quote_spans
from transforms.quotes.extract import reads_as_clause

QUOTE_MODULES = ["spans", "document_index", "persons", "frame", "speakers", "cues", "reported", "extract"]


def test_partial_quote_inside_reported_speech(nlp):
    rows = quotes(nlp, """
Foreign minister Lena Vogt met her counterpart in Vienna on Wednesday.

Vogt said the meeting had produced “real progress on the border question” but warned that no deal was close.
""")
    q = one(rows, "real progress")
    assert q["quote_type"] == "partial"
    assert q["speaker"] == "Lena Vogt"


def test_scare_quotes_and_titles_are_not_quotes(nlp):
    rows = quotes(nlp, """
The so-called “experts” on the panel were appointed last year.

The film, titled “Winter Harbour Lights”, opens in cinemas next month.

Critics have called the plan a "vanity project" for years.
""")
    texts = {r["text"] for r in rows}
    assert "experts" not in texts
    assert not any(t.startswith("Winter Harbour") for t in texts)


def test_continuation_paragraph_inherits_speaker(nlp):
    rows = quotes(nlp, """
Kwame Mensah, a farmer near the river, lost most of his crop in the flood.

“The water came up in less than an hour,” Mensah said.

“By the morning there was nothing left of the maize, and the insurance will not pay for any of it.”
""")
    q = one(rows, "By the morning")
    assert (q["speaker"], q["method"]) == ("Kwame Mensah", "continuation")


def test_quote_with_no_findable_speaker_has_null_speaker(nlp):
    rows = quotes(nlp, """
The storm closed every school in the district on Thursday.

“Stay indoors and keep away from the windows until the wind has dropped.”
""")
    q = one(rows, "Stay indoors")
    assert q["speaker"] is None and q["speaker_entity_id"] is None
    assert q["method"] == "unattributed"


def test_reported_speech_is_an_indirect_row_and_can_be_left_out(nlp):
    rows = quotes(nlp, """
Hannah Osei said that the festival would return next summer with a bigger programme.
""")
    q = one(rows, "that the festival")
    assert (q["quote_type"], q["speaker"], q["cue"]) == ("indirect", "Hannah Osei", "said")
    a = analysed(nlp, "Hannah Osei said that the festival would return next summer with a bigger programme.")
    assert extract_quotes(a, include_indirect=False) == []


def test_every_row_has_an_attribution_id_and_rows_come_in_text_order(nlp):
    rows = quotes(nlp, """
“We will rebuild the pier before winter,” said Mayor Ana Lindqvist on Monday.

Lindqvist said the council had found the money in its reserves.
""")
    assert [r["char_start"] for r in rows] == sorted(r["char_start"] for r in rows)
    assert len({r["attribution_id"] for r in rows}) == len(rows) == 2
    assert all(r["attribution_id"].startswith("d1-a") for r in rows)


def test_find_quote_spans_is_exposed_and_pure(nlp):
    import transforms.quotes as q

    source = open(q.__file__, encoding="utf-8").read()
    for banned in ("prefect", "great_expectations", "duckdb"):
        assert f"import {banned}" not in source and f"from {banned}" not in source
    assert callable(find_quote_spans) and callable(extract_quotes)


def test_show_titles_with_function_words_are_not_quotes(nlp):
    rows = quotes(nlp, """
Mayor Lena Okafor said on “Meet the Voters” that the plan was dead, and repeated it on “Talk of the Town.”
""")
    assert not [r for r in rows if r["text"].startswith(("Meet the", "Talk of"))]



def test_quote_modules_import_only_earlier_ones_and_the_document_model():
    """spans -> document_index -> persons -> frame/speakers -> cues -> reported -> extract: no cycles, and no
    stage but the document model, lexicon, names and schema."""
    package = Path(find_quote_spans.__code__.co_filename).parent
    allowed = {"transforms.document", "transforms.lexicon", "transforms.names", "transforms.schema",
               "__future__", "bisect", "collections.abc", "dataclasses", "re", "numpy"}
    for k, name in enumerate(QUOTE_MODULES):
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        for module in imported:
            if module.startswith("transforms.quotes."):
                assert module.rsplit(".", 1)[1] in QUOTE_MODULES[:k], (name, module)
            else:
                assert module in allowed, (name, module)


def test_reads_as_clause():
    assert reads_as_clause("We will rebuild")
    assert not reads_as_clause("experts")
    assert not reads_as_clause("Winter")
