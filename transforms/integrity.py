"""Row-level integrity facts that the validation suites check.

Great Expectations validates one DataFrame at a time, so facts that need two tables (a span
matches its document's text, a foreign key resolves) are computed here as boolean `check_*`
columns and the suites expect them to be true. Pure polars; no framework.
"""
from __future__ import annotations

from typing import Iterator

import polars as pl

from transforms import schema


def validation_frames(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Each staged table plus its `check_*` columns, ready to validate."""
    return dict(iter_validation_frames(tables))


def iter_validation_frames(tables: dict[str, pl.DataFrame]) -> Iterator[tuple[str, pl.DataFrame]]:
    """(name, frame) of `validation_frames`, one table at a time, so that only one table's
    checked copy exists at once."""
    raw = tables["documents"].select("doc_id", pl.col("raw_text").alias("_raw"))
    keys = {
        (t.name, t.key[0]): set(tables[t.name][t.key[0]].to_list())
        for t in schema.TABLES.values()
        if t.name in tables and len(t.key) == 1
    }
    for name, df in tables.items():
        table = schema.TABLES[name]
        checks = []
        if table.is_span:
            df = df.join(raw, on="doc_id", how="left", maintain_order="left")
            start, end = pl.col("char_start"), pl.col("char_end")
            checks.append(  # str.slice counts characters, as Python's offsets do
                ((start >= 0) & (start < end) & (end <= pl.col("_raw").str.len_chars())
                 & (pl.col("_raw").str.slice(start, (end - start).clip(lower_bound=0)) == pl.col("text")))
                .fill_null(False)
                .alias("check_span_matches_text")
            )
        for column, ref_table, ref_column in table.foreign_keys:
            known = keys.get((ref_table, ref_column))
            if known is None:  # referenced table not staged in this batch (e.g. runs)
                continue
            checks.append(
                (pl.col(column).is_null() | pl.col(column).is_in(list(known))).alias(f"check_{column}_resolves")
            )
        if name == "documents":
            body_docs = set(
                tables["blocks"].filter(pl.col("kind") == "body")["doc_id"].to_list()
            ) if "blocks" in tables else set()
            checks.append(pl.col("doc_id").is_in(list(body_docs)).alias("check_has_body"))
        if name == "quotes":
            checks.append(pl.col("speaker").is_not_null().alias("check_attributed"))
        yield name, df.with_columns(checks).drop("_raw", strict=False)

