"""Quotes: direct quotations in article text and who said them.

Modules, each importing only those before it: `spans` (quotation-mark pairing), `document_index`
(offset lookups), `persons` (people, genders, salience, roles), `frame` (words around a quote),
`speakers` (a cue's subject as a speaker), `cues` (the cue rules), `extract` (the cascade).
"""
from transforms.quotes.extract import extract_quotes
from transforms.quotes.spans import find_quote_spans

__all__ = ["extract_quotes", "find_quote_spans"]
