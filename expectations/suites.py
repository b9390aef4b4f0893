"""The validation suites, one per table, kept as JSON data in `expectations/suites/`.

Most expectations follow from the schema module (columns, not-null, keys, allowed values,
span offsets, foreign keys); the few hand-written rules sit in `HAND_WRITTEN` below. The JSON
files are generated from both (`python -m expectations.suites`) and a test keeps them in sync,
so a reviewer reads the suite as data while the schema stays the single source of truth.
"""
from __future__ import annotations

import json
from pathlib import Path

from transforms import schema

SUITES_DIR = Path(__file__).parent / "suites"
#: Tables validated before each publish (the operational tables are written by the publisher).
VALIDATED_TABLES = ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities",
                    "input_files", "rejections")


def _e(kind: str, severity: str = "critical", why: str | None = None, **kwargs) -> dict:
    item = {"type": kind, "kwargs": kwargs, "severity": severity}
    if why:
        item["meta"] = {"why": why}
    return item


HAND_WRITTEN: dict[str, list[dict]] = {
    "documents": [
        _e("expect_column_mean_to_be_between", "warning", "most news documents have article body text",
           column="check_has_body", min_value=0.8, max_value=1.0),
        _e("expect_column_values_to_be_between", column="n_chars", min_value=1),
    ],
    "quotes": [
        _e("expect_column_values_to_be_between", column="confidence", min_value=0.0, max_value=1.0),
        _e("expect_column_mean_to_be_between", "warning", "a high unattributed rate means attribution broke",
           column="check_attributed", min_value=0.6, max_value=1.0),
    ],
    "entity_mentions": [
        _e("expect_column_value_lengths_to_be_between", "warning", "entity names are short",
           column="text", min_value=1, max_value=120),
    ],
    "entities": [
        _e("expect_column_values_to_be_between", column="n_mentions", min_value=1),
        _e("expect_column_values_to_be_between", column="n_documents", min_value=1),
    ],
}


def build_suite(table: schema.Table) -> dict:
    """The suite of one table as a GX-1.x-loadable dict."""
    items = [_e("expect_column_to_exist", column=c) for c in table.column_names]
    items += [_e("expect_column_values_to_not_be_null", column=c.name) for c in table.columns if not c.nullable]
    if len(table.key) == 1:
        items.append(_e("expect_column_values_to_be_unique", column=table.key[0]))
    else:
        items.append(_e("expect_compound_columns_to_be_unique", column_list=list(table.key)))
    items += [
        _e("expect_column_values_to_be_in_set", column=c.name, value_set=list(c.allowed))
        for c in table.columns if c.allowed
    ]
    if table.is_span:
        items += [
            _e("expect_column_values_to_be_between", column="char_start", min_value=0),
            _e("expect_column_pair_values_a_to_be_greater_than_b", column_A="char_end", column_B="char_start"),
            _e("expect_column_values_to_be_in_set", "critical", "raw_text[char_start:char_end] == text",
               column="check_span_matches_text", value_set=[True]),
        ]
    for column, ref_table, ref_column in table.foreign_keys:
        if ref_table in VALIDATED_TABLES:
            items.append(_e("expect_column_values_to_be_in_set", "critical",
                            f"{column} resolves to {ref_table}.{ref_column}",
                            column=f"check_{column}_resolves", value_set=[True]))
    items += HAND_WRITTEN.get(table.name, [])
    return {"name": table.name, "expectations": items}


def suite_path(table_name: str) -> Path:
    return SUITES_DIR / f"{table_name}.json"


def load_suite_dict(table_name: str) -> dict:
    return json.loads(suite_path(table_name).read_text(encoding="utf-8"))


def render(suite: dict) -> str:
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def write_all() -> list[Path]:
    SUITES_DIR.mkdir(exist_ok=True)
    written = []
    for name in VALIDATED_TABLES:
        path = suite_path(name)
        path.write_text(render(build_suite(schema.TABLES[name])), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all():
        print(p)
