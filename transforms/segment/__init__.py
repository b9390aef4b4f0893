"""Segment: split each decoded text into typed blocks (title, body, caption, boilerplate, ...).

`blocks.py` is the typing cascade, `patterns.py` its site-independent pattern rules.
"""
from __future__ import annotations

from transforms.document import Block, SourceDocument
from transforms.segment.blocks import block_key, recurring_block_keys, segment_blocks

__all__ = ["block_key", "recurring_block_keys", "segment_blocks", "segment_documents"]


def segment_documents(documents: list[SourceDocument], *, recurring: frozenset[str] = frozenset()) -> list[list[Block]]:
    """The typed blocks of each document (`segment_blocks`, with the run's recurring lines)."""
    return [segment_blocks(d.raw_text, recurring=recurring, main_text=d.main_text, title=d.title) for d in documents]
