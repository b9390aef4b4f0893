"""Resolve: one id per real-world entity, story and statement, across documents and runs."""
from transforms.resolve.resolution import Features, apply_resolution, resolve

__all__ = ["Features", "apply_resolution", "resolve"]
