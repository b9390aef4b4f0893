"""The document tables of an analysed batch, and the merge of several batches' tables.

`document_tables` is the analyse stage's whole job for one batch: parse (`analyse.parse`), extract
quotes (`transforms.quotes`), and lay every document out as rows of the tables in
`transforms.schema`; `combine` joins the batches of a run.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

import polars as pl

from transforms import schema
from transforms.analyse.parse import parse_documents
from transforms.names import canonical_name, link_reason
from transforms.document import AnalysedDocument, Block, SourceDocument, block_id_for
from transforms.quotes import extract_quotes


def document_tables(
    documents: Iterable[SourceDocument],
    blocks: list[list[Block]],
    nlp,
    *,
    run_id: str,
    batch_size: int = 64,
    on_document: Callable[[], None] | None = None,
) -> dict[str, pl.DataFrame]:
    """Parse and extract a segmented batch; returns one DataFrame per document table plus
    `entities`. `on_document()` is called as each document is done (progress)."""
    documents = list(documents)
    rows = {name: [] for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes")}
    entity_rows = EntityCounter()
    for d, a in zip(documents, parse_documents(documents, blocks, nlp, batch_size=batch_size)):
        title = d.title or next((b.text for b in a.blocks if b.kind == "title"), None)
        rows["documents"].append(dict(
            doc_id=d.doc_id, source_path=d.source_path, format=d.format, encoding=d.encoding, title=title,
            source_name=d.source_name, url=d.url, published_at=d.published_at, author=d.author,
            language=d.language, story_id=None, near_duplicate_of=None,
            raw_text=d.raw_text, n_chars=len(d.raw_text), content_sha256=d.content_sha256,
            ingested_at=d.ingested_at, run_id=run_id,
        ))
        rows["blocks"].extend(
            dict(doc_id=a.doc_id, block_id=block_id_for(a.doc_id, b.position), position=b.position,
                 kind=b.kind, reason=b.reason, char_start=b.char_start, char_end=b.char_end, text=b.text)
            for b in a.blocks
        )
        rows["sentences"].extend(
            dict(doc_id=a.doc_id, sentence_id=s.sentence_id, block_id=s.block_id, char_start=s.char_start,
                 char_end=s.char_end, text=a.raw_text[s.char_start:s.char_end])
            for s in a.sentences
        )
        rows["entity_mentions"].extend(
            dict(doc_id=a.doc_id, mention_id=m.mention_id, sentence_id=m.sentence_id, char_start=m.char_start,
                 char_end=m.char_end, text=m.text, label=m.label, entity_id=m.entity_id, document_name=m.canonical)
            for m in a.mentions
        )
        for i, q in enumerate(extract_quotes(a)):
            q["attribution_id"] = f"{a.doc_id}-{q['attribution_id']}"  # doc-scoped "a000" -> warehouse-wide
            rows["quotes"].append(dict(doc_id=a.doc_id, quote_id=f"{a.doc_id}-q{i:03d}", statement_id=None, **q))
        entity_rows.add(a)  # the document's spaCy Docs can go once this iteration ends
        if on_document is not None:
            on_document()

    tables = {name: schema.TABLES[name].frame(r) for name, r in rows.items()}
    tables["entities"] = entity_rows.frame()
    return tables


class EntityCounter:
    """One row per entity id in the batch; the warehouse merges these with what it already holds."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def add(self, a: AnalysedDocument) -> None:
        for m in a.mentions:
            e = self.by_id.setdefault(m.entity_id, dict(
                entity_id=m.entity_id, label=m.label, forms=Counter(), reasons=set(), docs=set()))
            e["forms"][m.text] += 1
            reason = link_reason(m.text, m.canonical, m.label)
            if reason:
                e["reasons"].add(reason)
            e["docs"].add(a.doc_id)

    def frame(self) -> pl.DataFrame:
        rows = []
        for e in sorted(self.by_id.values(), key=lambda e: e["entity_id"]):
            name = canonical_name(e["forms"], e["label"])
            rows.append(dict(entity_id=e["entity_id"], name=name, label=e["label"],
                             aliases=sorted(set(e["forms"]) - {name}), merge_reasons=sorted(e["reasons"]),
                             n_documents=len(e["docs"]), n_mentions=sum(e["forms"].values())))
        return schema.ENTITIES.frame(rows)


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
