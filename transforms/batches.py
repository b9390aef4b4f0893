"""Combine the tables of several analysed batches into one staged batch."""
from __future__ import annotations

import polars as pl

from transforms import schema


def combine(batches: list[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    """Concatenate per-document tables; merge entities that several batches mention."""
    out = {
        t.name: pl.concat([b[t.name] for b in batches]) if batches else t.empty()
        for t in schema.DOCUMENT_TABLES
    }
    entities = pl.concat([b["entities"] for b in batches]) if batches else schema.ENTITIES.empty()
    out["entities"] = merge_entities(entities)
    return out


def merge_entities(entities: pl.DataFrame) -> pl.DataFrame:
    """One row per entity_id: the longest name, all other surface forms as aliases, summed counts."""
    merged: dict[str, dict] = {}
    for row in entities.iter_rows(named=True):
        e = merged.get(row["entity_id"])
        if e is None:
            merged[row["entity_id"]] = dict(row, aliases=set(row["aliases"] or ()),
                                            merge_reasons=set(row["merge_reasons"] or ()))
            continue
        e["aliases"] |= set(row["aliases"] or ()) | {row["name"], e["name"]}
        e["merge_reasons"] |= set(row["merge_reasons"] or ())
        e["name"] = max(e["name"], row["name"], key=len)
        e["n_documents"] += row["n_documents"]
        e["n_mentions"] += row["n_mentions"]
    rows = [dict(e, aliases=sorted(e["aliases"] - {e["name"]}), merge_reasons=sorted(e["merge_reasons"]))
            for _, e in sorted(merged.items())]
    return schema.ENTITIES.frame(rows)
