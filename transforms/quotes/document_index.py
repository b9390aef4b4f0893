"""Where things are in one analysed document: tokens, sentences, quotes and mentions by raw offset.

Every offset here is a raw-text offset (`SourceDocument.raw_text`); the block-relative offsets of
spaCy tokens are turned into raw ones by the `ParsedBlock` helpers.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator

import numpy as np

from transforms.document import AnalysedDocument, Mention, ParsedBlock, Sentence
from transforms.quotes.spans import QuoteSpan


# A closing quotation mark followed by a word in the same token.
_GLUED_CLOSE = re.compile(r"[”\"»’'](?=[^\W\d_])")


class DocumentIndex:
    """Offset lookups over one document's article blocks and its quote spans."""

    def __init__(self, a: AnalysedDocument, spans: list[QuoteSpan]):
        self._analysed = a
        self.raw_text = a.raw_text
        self.article = a.article
        self.mentions = a.mentions
        self.sentences = a.sentences
        self.spans = spans
        self._quoted = [(s.char_start - 1, s.char_end + 1) for s in spans]  # marks included
        # Token start offsets per article block, read from spaCy's arrays (no Token objects).
        self._token_starts = [b.doc.to_array("IDX").tolist() for b in a.article]
        # Raw-text offsets of each article block's sentence starts.
        self._sentence_starts = [[b.span_of(s)[0] for s in b.doc.sents] for b in a.article]

    # -- quotes --------------------------------------------------------------------------------

    def in_quote(self, offset: int) -> bool:
        """The offset is inside a quote or on one of its marks."""
        return any(s <= offset < e for s, e in self._quoted)

    def between_marks(self, offset: int) -> bool:
        """The offset is inside a quote's text (its marks excluded)."""
        return any(q.char_start <= offset < q.char_end for q in self.spans)

    # -- blocks and tokens ---------------------------------------------------------------------

    def word_start(self, block: ParsedBlock, tok) -> int:
        """Raw offset where a token's own word starts: past a closing quotation mark glued to it
        (spaCy keeps 'win,”she' as one token when no space follows the mark), else its start."""
        at = block.start_of(tok)
        glued = _GLUED_CLOSE.search(tok.text)
        if glued is not None and self.in_quote(at):
            return at + glued.end()
        return at

    def outside_quotes(self, block: ParsedBlock, tok) -> bool:
        """The token's own word is outside every quote (see `word_start`)."""
        return not self.in_quote(self.word_start(block, tok))

    def block_of(self, span: QuoteSpan) -> ParsedBlock:
        return self.article[span.block_index]

    def block_index_at(self, offset: int) -> int | None:
        """Index of the article block containing `offset`, or None."""
        return next((i for i, b in enumerate(self.article) if b.contains(offset)), None)

    def token_at(self, bi: int, offset: int):
        """The token of article block `bi` covering raw-text `offset`."""
        block = self.article[bi]
        k = bisect_right(self._token_starts[bi], offset - block.char_start) - 1
        return block.doc[max(k, 0)] if len(block.doc) else None

    def tokens_between(self, bi: int, lo: int, hi: int):
        """Tokens of article block `bi` starting at raw-text offsets in [lo, hi), in order."""
        starts, base = self._token_starts[bi], self.article[bi].char_start
        i, j = bisect_left(starts, lo - base), bisect_left(starts, hi - base)
        return self.article[bi].doc[i:j] if i < j else ()

    def tokens_matching(self, texts: Collection[str], attr: str) -> Iterator[tuple[ParsedBlock, object]]:
        """(block, token) of every article token whose `attr` ("ORTH": text, "LOWER": lowercase
        text) is one of `texts`, in order; found in spaCy's token arrays, so only matching tokens
        become Token objects."""
        for block in self.article:
            doc = block.doc
            if not texts or not len(doc):
                continue
            wanted = np.fromiter((doc.vocab.strings[t] for t in texts), dtype=np.uint64, count=len(texts))
            for i in np.flatnonzero(np.isin(doc.to_array(attr), wanted)):
                yield block, doc[int(i)]

    # -- sentences -----------------------------------------------------------------------------

    def sentence_starts(self, bi: int) -> list[int]:
        """Raw-text offsets where spaCy starts a sentence in article block `bi`."""
        return self._sentence_starts[bi]

    def sentence_at(self, offset: int) -> Sentence | None:
        return self._analysed.sentence_at(offset)

    def sentences_starting_between(self, start: int, end: int) -> int:
        """How many sentences start strictly between the two offsets."""
        return sum(1 for s in self.sentences if start < s.char_start < end)

    def last_unquoted_sentence_before(self, offset: int) -> Sentence | None:
        """The last sentence that ends by `offset` and does not start inside a quote."""
        prev = [s for s in self.sentences if s.char_end <= offset and not self.in_quote(s.char_start)]
        return prev[-1] if prev else None

    # -- mentions ------------------------------------------------------------------------------

    def mention_at(self, offset: int, labels: Collection[str]) -> Mention | None:
        """The first tagger mention with one of `labels` that covers `offset`."""
        for m in self.mentions:
            if m.char_start <= offset < m.char_end and m.label in labels:
                return m
        return None
