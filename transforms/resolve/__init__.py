"""Resolve: one id per real-world entity, story and statement, across documents and runs.

Modules: `features` (what one document or quote gives alone), `entities`, `stories`, `statements`
(one step each), `union_find` and `ids` (shared by the steps), `resolution` (the steps in order).
"""
from transforms.resolve.features import Features
from transforms.resolve.resolution import KnownScope, Resolution, apply_resolution, known_scope, published_after, resolve

__all__ = ["Features", "KnownScope", "Resolution", "apply_resolution", "known_scope", "published_after", "resolve"]
