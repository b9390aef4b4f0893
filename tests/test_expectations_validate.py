"""The suites (data) stay in sync with the schema, and GX really blocks bad batches."""
import polars as pl
import pytest
from conftest import analyse_batch, source_document

from expectations.suites import VALIDATED_TABLES, build_suite, load_suite_dict
from expectations.validate import validate_frames
from transforms import schema
from transforms.integrity import validation_frames

ARTICLE = (
    "Harbour city approves new flood barrier\n\n"
    "The city council of Port Elsmere voted on Tuesday to build a flood barrier.\n\n"
    "“We cannot wait for the next storm,” said Mayor Ingrid Halvorsen, who proposed the plan.\n"
)


@pytest.mark.parametrize("name", VALIDATED_TABLES)
def test_committed_suite_matches_the_schema(name):
    assert load_suite_dict(name) == build_suite(schema.TABLES[name]), "run `make suites`"


@pytest.fixture(scope="module")
def tables(nlp):
    out = analyse_batch([source_document(ARTICLE)], nlp, run_id="r1")
    out["input_files"] = schema.INPUT_FILES.empty()
    out["rejections"] = schema.REJECTIONS.empty()
    return out


def test_a_good_batch_passes(tables):
    report = validate_frames(validation_frames(tables))
    assert report.passed, report.describe_failures()
    assert len(report.outcomes) > 50


def test_a_shifted_offset_blocks_publishing(tables):
    bad = dict(tables, sentences=tables["sentences"].with_columns(pl.col("char_start") + 1))
    report = validate_frames(validation_frames(bad))
    assert not report.passed
    failed = {(o.table_name, o.expectation) for o in report.blocking}
    assert ("sentences", "expect_column_values_to_be_in_set(column=check_span_matches_text)") in failed


def test_a_dangling_foreign_key_blocks_publishing(tables):
    bad = dict(tables, entity_mentions=tables["entity_mentions"].with_columns(pl.lit("nope").alias("sentence_id")))
    report = validate_frames(validation_frames(bad))
    assert any(o.table_name == "entity_mentions" and "check_sentence_id_resolves" in o.expectation
               for o in report.blocking)


def test_an_unknown_block_kind_blocks_publishing(tables):
    bad = dict(tables, blocks=tables["blocks"].with_columns(pl.lit("advert").alias("kind")))
    report = validate_frames(validation_frames(bad))
    blocking = [o for o in report.blocking if o.table_name == "blocks"]
    assert blocking and "advert" in (blocking[0].sample or "")
