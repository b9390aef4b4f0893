"""Quotes: direct quotations in article text and who said them."""
from transforms.quotes.extract import extract_quotes, find_quote_spans

__all__ = ["extract_quotes", "find_quote_spans"]
