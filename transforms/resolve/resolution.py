"""Cross-document resolution: entities, stories, near-duplicates and statements.

`resolve(batch, known)` links a freshly analysed batch to what the warehouse already holds. It is
pure and deterministic: the same input gives the same ids, and an id the warehouse already holds is
kept (new documents join existing entities, stories and statements; two known entities are never
fused by a new document, two known stories or statements may be when a new document bridges them).
The three steps run in order, each in its module: `entities` (whose resolved ids the other two
use), `stories`, `statements`.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms import schema
from transforms.resolve.entities import resolve_entities
from transforms.resolve.features import Features, article_texts
from transforms.resolve.statements import resolve_statements
from transforms.resolve.stories import resolve_stories

#: The warehouse tables resolution reads.
KNOWN_TABLES = ("entities", "entity_mentions", "documents", "blocks", "quotes")


@dataclass
class Resolution:
    entity_id_map: dict[str, str]      # batch provisional entity_id -> resolved entity_id
    entities: pl.DataFrame             # schema.ENTITIES rows for every resolved entity the batch touches
    story_ids: dict[str, str]          # doc_id -> story_id (batch docs and known docs whose story changed)
    near_duplicate_of: dict[str, str]  # doc_id -> earlier doc_id it nearly copies
    statement_ids: dict[str, str]      # quote_id -> statement_id (batch quotes and changed known quotes)


def resolve(batch: dict[str, pl.DataFrame], known: dict[str, pl.DataFrame],
            features: Features | None = None) -> Resolution:
    """Resolve a batch against the warehouse. `known` needs (columns used):
    entities(entity_id, name, label, aliases, merge_reasons), entity_mentions(doc_id, entity_id, text,
    label, char_start, char_end), documents(doc_id, title, published_at, story_id, near_duplicate_of),
    blocks(doc_id, kind, char_start, char_end, text) of article kinds, quotes(quote_id, doc_id, text,
    speaker_entity_id, statement_id). Missing tables count as empty. `features` may hold what
    `Features.add` computed ahead for the batch."""
    known = {name: known.get(name, schema.TABLES[name].empty()) for name in KNOWN_TABLES}
    features = features or Features()
    texts = article_texts(known["blocks"], batch["blocks"])
    entity_id_map, entities, mention_entity = resolve_entities(batch, known, texts, features)
    story_ids, near_dups = resolve_stories(batch, known, texts, mention_entity, features)
    statement_ids = resolve_statements(batch, known, entity_id_map, features)
    return Resolution(entity_id_map, entities, story_ids, near_dups, statement_ids)


def apply_resolution(
    batch: dict[str, pl.DataFrame], res: Resolution
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, pl.DataFrame]:
    """The batch with resolved ids, plus the story and statement changes of already-known rows.

    Returns (tables, story_updates(doc_id, story_id), statement_updates(quote_id, statement_id)).
    """
    ids = res.entity_id_map
    out = dict(batch)
    out["entity_mentions"] = batch["entity_mentions"].with_columns(
        pl.col("entity_id").replace_strict(ids, default=pl.col("entity_id")))
    out["quotes"] = batch["quotes"].with_columns(
        pl.col("speaker_entity_id").replace_strict(ids, default=pl.col("speaker_entity_id")),
        pl.col("quote_id").replace_strict(res.statement_ids, default=None, return_dtype=pl.String)
        .alias("statement_id"))
    out["documents"] = batch["documents"].with_columns(
        pl.col("doc_id").replace_strict(res.story_ids, default=None, return_dtype=pl.String).alias("story_id"),
        pl.col("doc_id").replace_strict(res.near_duplicate_of, default=None, return_dtype=pl.String)
        .alias("near_duplicate_of"))
    out["entities"] = _entity_table(out["entity_mentions"], res.entities)
    batch_docs = set(batch["documents"]["doc_id"].to_list())
    batch_quotes = set(batch["quotes"]["quote_id"].to_list())
    story_updates = pl.DataFrame(
        [(d, s) for d, s in sorted(res.story_ids.items()) if d not in batch_docs],
        schema={"doc_id": pl.String, "story_id": pl.String}, orient="row")
    statement_updates = pl.DataFrame(
        [(q, s) for q, s in sorted(res.statement_ids.items()) if q not in batch_quotes],
        schema={"quote_id": pl.String, "statement_id": pl.String}, orient="row")
    return out, story_updates, statement_updates


def _entity_table(mentions: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """The resolved entities the batch mentions, counted over the batch's mentions."""
    counts = mentions.group_by("entity_id").agg(
        pl.col("doc_id").n_unique().alias("n_documents"), pl.len().cast(pl.Int64).alias("n_mentions"))
    return schema.conform(
        schema.ENTITIES,
        entities.drop("n_documents", "n_mentions").join(counts, on="entity_id", how="inner")
        .with_columns(pl.col("n_documents").cast(pl.Int64)).sort("entity_id"),
    )
