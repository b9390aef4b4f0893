"""Cross-document resolution: entities, stories, near-duplicates and statements.

`resolve(batch, known)` links a freshly analysed batch to what the warehouse already holds. It is
pure and deterministic: the same input gives the same ids, and an id the warehouse already holds is
kept (new documents join existing entities, stories and statements; two known entities are never
fused by a new document, two known stories or statements may be when a new document bridges them).
The three steps run in order, each in its module: `entities` (whose resolved ids the other two
use), `stories`, `statements`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl

from transforms import schema
from transforms.resolve.entities import entities_touched, resolve_entities
from transforms.resolve.features import Features, article_texts
from transforms.resolve.statements import resolve_statements
from transforms.resolve.stories import STORY_DAYS, resolve_stories

#: The warehouse tables resolution reads.
KNOWN_TABLES = ("entities", "entity_mentions", "documents", "blocks", "quotes")


@dataclass(frozen=True)
class KnownScope:
    """The published rows a batch's resolution can use: its touched entities (and the documents
    that mention them), and the documents published within a story's reach of the batch's (or
    of unknown date). Everything else cannot change the batch's result."""

    entity_ids: frozenset[str]
    published_from: datetime | None  # None: no batch document has a date, every date is in reach
    published_to: datetime | None


def known_scope(batch: dict[str, pl.DataFrame], published_entities: pl.DataFrame) -> KnownScope:
    """What `resolve(batch, known)` needs of the warehouse, from the published entity rows
    (entity_id, label, name, aliases)."""
    dates = batch["documents"]["published_at"].drop_nulls()
    reach = timedelta(days=STORY_DAYS)
    return KnownScope(frozenset(entities_touched(batch, published_entities)),
                      dates.min() - reach if len(dates) else None, dates.max() + reach if len(dates) else None)


@dataclass
class Resolution:
    entity_id_map: dict[str, str]      # batch provisional entity_id -> resolved entity_id
    entities: pl.DataFrame             # schema.ENTITIES rows for every resolved entity the batch touches
    story_ids: dict[str, str]          # doc_id -> story_id (batch docs and known docs whose story changed)
    near_duplicate_of: dict[str, str]  # doc_id -> earlier doc_id it nearly copies
    statement_ids: dict[str, str]      # quote_id -> statement_id (batch quotes and changed known quotes)
    #: (published entity_id, label, document_name) -> the entity_id its mentions move to
    entity_moves: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: published entity_id -> the entity most of its mentions belong to now (quote speakers follow)
    entity_renames: dict[str, str] = field(default_factory=dict)


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
    entity_id_map, entities, mention_entity, moves = resolve_entities(batch, known, texts, features)
    story_ids, near_dups = resolve_stories(batch, known, texts, mention_entity, features)
    statement_ids = resolve_statements(batch, known, {**mention_entity, **entity_id_map}, features)
    published = set(known["entities"]["entity_id"].to_list()) | {old for old, _, _ in moves}
    renames = {old: new for old, new in sorted(mention_entity.items()) if old in published and old != new}
    return Resolution(entity_id_map, entities, story_ids, near_dups, statement_ids, moves, renames)


def apply_resolution(
    batch: dict[str, pl.DataFrame], res: Resolution
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """The batch with resolved ids, plus the changes of already-published rows: `story_updates`
    (doc_id, story_id), `statement_updates` (quote_id, statement_id), `entity_moves` (entity_id,
    label, document_name, new_entity_id: published mentions that belong to another entity now)
    and `entity_renames` (entity_id, new_entity_id: where their quotes' speakers go)."""
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
    out["entities"] = schema.conform(schema.ENTITIES, res.entities.sort("entity_id"))
    batch_docs = set(batch["documents"]["doc_id"].to_list())
    batch_quotes = set(batch["quotes"]["quote_id"].to_list())
    story_updates = pl.DataFrame(
        [(d, s) for d, s in sorted(res.story_ids.items()) if d not in batch_docs],
        schema={"doc_id": pl.String, "story_id": pl.String}, orient="row")
    statement_updates = pl.DataFrame(
        [(q, s) for q, s in sorted(res.statement_ids.items()) if q not in batch_quotes],
        schema={"quote_id": pl.String, "statement_id": pl.String}, orient="row")
    entity_moves = pl.DataFrame(
        [(*k, v) for k, v in sorted(res.entity_moves.items())],
        schema={"entity_id": pl.String, "label": pl.String, "document_name": pl.String, "new_entity_id": pl.String},
        orient="row")
    entity_renames = pl.DataFrame(
        sorted(res.entity_renames.items()), schema={"entity_id": pl.String, "new_entity_id": pl.String}, orient="row")
    return out, dict(story_updates=story_updates, statement_updates=statement_updates,
                     entity_moves=entity_moves, entity_renames=entity_renames)



def published_after(known: dict[str, pl.DataFrame], tables: dict[str, pl.DataFrame],
                    updates: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The `known` tables after publishing one resolved batch (`apply_resolution`'s output) into
    them, as `warehouse.store.publish` does to the warehouse: for tests and benchmarks that run
    several batches without a warehouse. The batch's documents must be new to `known`."""
    out = {name: pl.concat([known[name], tables[name].select(known[name].columns)], how="vertical_relaxed")
           for name in ("entity_mentions", "documents", "blocks", "quotes")}
    out["blocks"] = out["blocks"].filter(pl.col("kind").is_in(schema.ARTICLE_KINDS))
    moves = updates["entity_moves"]
    if not moves.is_empty():
        em = out["entity_mentions"].with_columns(pl.coalesce("document_name", "text").alias("_name"))
        em = em.join(moves.rename({"document_name": "_name"}), on=["entity_id", "label", "_name"], how="left")
        out["entity_mentions"] = em.with_columns(pl.coalesce("new_entity_id", "entity_id").alias("entity_id")) \
            .drop("new_entity_id", "_name")
    for name, key, column, changes in (
        ("quotes", "speaker_entity_id", "speaker_entity_id", updates["entity_renames"]),
        ("documents", "doc_id", "story_id", updates["story_updates"]),
        ("quotes", "quote_id", "statement_id", updates["statement_updates"]),
    ):
        if not changes.is_empty():
            new = dict(changes.iter_rows())
            out[name] = out[name].with_columns(
                pl.col(key).replace_strict(new, default=pl.col(column), return_dtype=pl.String).alias(column))
    staged = tables["entities"]["entity_id"].to_list()
    live = out["entity_mentions"]["entity_id"].drop_nulls().unique().to_list()
    entities = pl.concat([known["entities"].filter(~pl.col("entity_id").is_in(staged)),
                          tables["entities"].select(known["entities"].columns)], how="vertical_relaxed")
    counts = out["entity_mentions"].group_by("entity_id").agg(  # counted over every mention, as the store does
        pl.col("doc_id").n_unique().cast(pl.Int64).alias("n_documents"), pl.len().cast(pl.Int64).alias("n_mentions"))
    out["entities"] = schema.conform(schema.ENTITIES, entities.drop("n_documents", "n_mentions")
                                     .join(counts, on="entity_id", how="inner").sort("entity_id"))
    return out
