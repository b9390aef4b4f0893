"""What resolution reads from one document or quote alone: article text, shingles of it, role
words around person mentions, content words of quotes; and how much a mentioned entity says."""
from __future__ import annotations

import re
import sys
import zlib
from collections import defaultdict

import numpy as np
import polars as pl

from transforms import schema
from transforms.lexicon import words
from transforms.names import fold

NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Places and nationalities are shared by most articles of a region: weak evidence of anything.
WEAK_LABELS = frozenset({"GPE", "LOC", "NORP", "LANGUAGE"})
# Words that describe a role or title; at least one must be shared for role evidence.
ROLE_WORDS = words("resolution_role_words")
STOPWORDS = words("resolution_stopwords")
#: Features (entities, shingles, stems) in more documents or quotes than this (or than 1% of them)
#: are not used to find candidate pairs.
CANDIDATE_DF = 100

_WORD = re.compile(r"\w+")
_STEM_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ROLE_STEMS = frozenset(w[:6] for w in ROLE_WORDS)
_SHINGLE_BASE = np.uint64(1_000_003)

#: doc_id -> the article blocks of one document as (char_start, text), in order.
ArticleTexts = dict[str, list[tuple[int, str]]]


def entity_weight(label: str) -> float:
    """How much sharing an entity of this label says: places and nationalities a quarter."""
    return 0.25 if label in WEAK_LABELS else 1.0


class Features:
    """What resolution computes from one document or quote alone (shingles of its article text,
    role words around person mentions, content words of quotes). `add` computes them for a batch
    ahead of `resolve`, e.g. while later batches are still being parsed; anything not added is
    computed when `resolve` needs it. Either way the result is the same."""

    def __init__(self):
        self.shingles: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        #: Role words around every person mention of the added documents, per entity id.
        self.roles: dict[str, set[str]] = defaultdict(set)
        self.role_docs: set[str] = set()
        self.quote_terms: dict[str, tuple[set[str], str]] = {}

    def add(self, tables: dict[str, pl.DataFrame]) -> Features:
        texts = article_texts(tables.get("blocks"))
        for d in tables["documents"]["doc_id"]:
            self.shingles_of(d, texts)
        persons = tables["entity_mentions"].filter(pl.col("label") == "PERSON", pl.col("entity_id").is_not_null())
        for doc_id, eid, start, end in persons.select("doc_id", "entity_id", "char_start", "char_end").iter_rows():
            if doc_id in texts:
                self.roles[eid] |= self.role_of(doc_id, start, end, texts)
        self.role_docs.update(tables["documents"]["doc_id"])
        for quote_id, text in tables["quotes"].select("quote_id", "text").iter_rows():
            self.terms_of(quote_id, text)
        return self

    def shingles_of(self, doc_id: str, texts: ArticleTexts) -> tuple[np.ndarray, np.ndarray]:
        """The 3-word and 5-word shingles of a document's article text."""
        if doc_id not in self.shingles:
            hashes = word_hashes(" ".join(t for _, t in texts.get(doc_id, [])))
            self.shingles[doc_id] = (shingles(hashes, 3), shingles(hashes, 5))
        return self.shingles[doc_id]

    @staticmethod
    def role_of(doc_id: str, start: int, end: int, texts: ArticleTexts) -> set[str]:
        """Content-word stems next to a mention: where its role or title is stated."""
        return stems(text_around(texts[doc_id], start, end))

    def terms_of(self, quote_id: str, text: str) -> tuple[set[str], str]:
        """A quote's content-word stems and its folded words joined by spaces."""
        if quote_id not in self.quote_terms:
            self.quote_terms[quote_id] = (stems(text), " ".join(_WORD.findall(fold(text))))
        return self.quote_terms[quote_id]


# ---------------------------------------------------------------------------------------------
# Article text (batch and known alike: the article blocks, placed at their offsets)
# ---------------------------------------------------------------------------------------------

def article_texts(*tables: pl.DataFrame | None) -> ArticleTexts:
    """doc_id -> article blocks as (char_start, text), in order, from blocks tables."""
    out: ArticleTexts = defaultdict(list)
    for table in tables:
        if table is None or table.is_empty():
            continue
        rows = table.filter(pl.col("kind").is_in(schema.ARTICLE_KINDS)).sort("doc_id", "char_start")
        for doc_id, start, text in rows.select("doc_id", "char_start", "text").iter_rows():
            out[doc_id].append((start, text))
    return out


def text_around(blocks: list[tuple[int, str]], start: int, end: int, width: int = 90) -> str:
    """Article text around a span, within its block (a role is stated next to the name)."""
    for b_start, text in blocks:
        if b_start <= start < b_start + len(text):
            s, e = start - b_start, end - b_start
            return text[max(0, s - width):s] + " " + text[e:e + width]
    return ""


def stems(text: str) -> set[str]:
    """Content-word stems: casefolded, British/American spelling aligned, cut to 6 letters."""
    found = _STEM_WORD.findall(fold(text).replace("u.s.", "us").replace("’", "'"))
    out = set()
    for w in found:
        if w in STOPWORDS or len(w) < 2:
            continue
        w = w.replace("-", "")
        if w.endswith("ence"):
            w = w[:-4] + "ense"
        out.add(sys.intern(w[:6]))  # a few thousand stems recur across many sets
    return out


# ---------------------------------------------------------------------------------------------
# Shingles
# ---------------------------------------------------------------------------------------------

def shingles(hashes: np.ndarray, n: int) -> np.ndarray:
    """Hashes of the word n-grams (a polynomial over the words' hashes, 64 bits, so collisions
    are negligible), sorted and unique: 8 bytes each, a corpus's worth fits in memory."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping around 2**64 is the point
        for k in range(n):
            out = out * _SHINGLE_BASE + hashes[k:k + count]
    return np.unique(out)


def word_hashes(text: str) -> np.ndarray:
    """CRC-32 of every folded word of the text, in order."""
    found = _WORD.findall(fold(text))
    return np.fromiter((zlib.crc32(w.encode()) for w in found), dtype=np.uint64, count=len(found))
