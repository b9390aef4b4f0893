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

