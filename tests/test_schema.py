import polars as pl
import pytest

from transforms import schema
from warehouse.store import ddl


def test_every_table_has_unique_columns_and_a_key():
    for table in schema.TABLES.values():
        names = table.column_names
        assert len(names) == len(set(names)), table.name
        assert set(table.key) <= set(names), table.name
        for column, ref_table, ref_column in table.foreign_keys:
            assert column in names
            assert ref_column in schema.TABLES[ref_table].column_names


def test_span_tables_carry_offsets_and_text():
    for table in schema.TABLES.values():
        if table.is_span:
            assert {"doc_id", "char_start", "char_end", "text"} <= set(table.column_names)


def test_conform_orders_and_casts_and_rejects_missing_columns():
    df = pl.DataFrame({"text": ["x"], "doc_id": ["d"], "sentence_id": ["s"], "block_id": ["b"],
                       "char_start": [0], "char_end": [1], "extra": [1]})
    out = schema.conform(schema.SENTENCES, df)
    assert out.columns == schema.SENTENCES.column_names
    with pytest.raises(ValueError, match="missing columns"):
        schema.conform(schema.SENTENCES, df.drop("text"))


def test_ddl_declares_every_column_with_a_comment():
    statements = ddl()
    for table in schema.TABLES.values():
        assert any(s.startswith(f"CREATE TABLE IF NOT EXISTS {table.name} (") for s in statements)
        for column in table.column_names:
            assert any(s.startswith(f"COMMENT ON COLUMN {table.name}.{column} IS") for s in statements)
