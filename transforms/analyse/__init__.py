"""Analyse: the spaCy pass over a segmented batch and the document tables built from it.

`entities.py` cleans and links entity mentions inside one document, `parse.py` runs the model and
places sentences and mentions, `tables.py` turns analysed documents (with their quotes) into rows.
"""
from transforms.analyse.tables import combine, document_tables

__all__ = ["combine", "document_tables"]
