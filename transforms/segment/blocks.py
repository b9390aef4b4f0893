"""Split scraped plain news text into paragraph blocks and type each block.

A block is one paragraph (`transforms.segment.layout` reads hard-wrapped, indented and
sentence-per-line layouts; otherwise a paragraph is a non-blank line), stripped, so
`raw_text[b.char_start:b.char_end] == b.text` always holds and nothing is dropped. Each block gets one of `schema.BLOCK_KINDS` plus the short name of
the rule that decided it (`reason`), so a wrong call can be traced to its rule.

The typing uses signals that hold for news text in general, in this order:

1. Hard patterns that are true of any site: captions ("Photo: …", "… / AFP / NAME"), credit lines
   ("Additional reporting by …"), UI and share/newsletter/cookie text, price lists, machine
   translation banners, donation appeals, and blocks that recur across documents of a run.
2. Section switches: a donation appeal after the body starts a run of boilerplate to the end, and a
   switch into reader comments (a "Comments" header with comment evidence, or reader handles
   that repeat before comment texts) makes everything after it a comment.
3. Prose quality in the jusText manner (Pomikálek 2011): length and stopword density classify a
   block as good / near-good / short / bad, and the article body is the highest-scoring contiguous
   run of blocks (maximum subarray), which cuts navigation, teaser lists and footers of whole-page
   text while keeping short subheadings and one-line quotes that sit inside the article. The
   stopword list is English unless the document's prose clearly fits another language's list
   (spaCy's lists, imported lazily); with no fitting list (e.g. CJK) length and punctuation decide.
4. Position: the title is the first heading-like line before the body (a line repeated in the
   document is preferred: pages repeat their headline), later repeats of it are boilerplate, and a
   standfirst is a sentence-like line right after the title that is shorter than the lede.
5. An extractor's main text (HTML pages: trafilatura's selection, see transforms.ingest.formats), when
   given and alignable, replaces step 3's body region: lines outside it are boilerplate
   ("outside_main_text") unless steps 1, 2 and 4 type them, so the body reaches the extractor's
   quality while everything it dropped stays in the blocks, typed.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable

from transforms.document import Block
from transforms.lexicon import words
from transforms.schema import BLOCK_KINDS
from transforms.segment.layout import paragraph_spans
from transforms.segment.patterns import (
    BYLINE_RE,
    CAPTION_RES,
    CAPTION_SHORT_RES,
    COMMENT_EVIDENCE_RE,
    COMMENT_HEADER_RE,
    COOKIE_RE,
    CREDIT_PART_RE,
    CREDIT_RES,
    DATE_RE,
    DATELINE_RE,
    HANDLE_RE,
    LEDE_RE,
    PRICE_RE,
    SHARE_BAR_WORDS,
    TIMESTAMP_RE,
    TRANSLATION_RE,
    UI_RE,
    is_appeal,
)

__all__ = ["Block", "block_key", "recurring_block_keys", "segment_blocks"]


# Features are computed on at most this many characters of a block: keeps a 50 MB line linear.
_FEATURE_CHARS = 20_000

# jusText's idea: prose has many function words, menus and lists have few.
_STOPWORDS = words("prose_stopwords")

#: Consecutive data rows that make a table.
MIN_TABLE_ROWS = 2
#: Reasons that only site furniture gets: a text with any of them is a web page's text.
_SITE_FURNITURE = frozenset({"ui_text", "share_bar", "cookie_notice", "appeal", "translation_banner"})
#: ... and so is a text with more than this share of short, unpunctuated lines (menus).
MAX_MENU_SHARE = 0.2
#: A table belongs to the article when at most this many lines lie between it and the body.
MAX_TABLE_GAP = 2
_DIGIT_RE = re.compile(r"\d")
_CAPITALISED_RE = re.compile(r"\b[^\W\d_a-z][^\W\d_]+")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_TERMINAL_RE = re.compile(r"[.!?…][\"'”’»)\]]*$|[.!?][\"'”’»)\]]*\s*\(?[\w ,./-]{0,40}\)?$")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")


def block_key(text: str) -> str:
    """Key under which the same block text is recognised across documents.

    NFKC, casefold, digits and punctuation removed, whitespace collapsed: "Share this (3)" and
    "SHARE  this" meet, while dates and counters inside boilerplate stop mattering.
    """
    try:
        t = _norm(text[:_FEATURE_CHARS]).casefold()
    except Exception:  # lone surrogates and the like: fall back to the raw text
        t = text[:_FEATURE_CHARS].casefold()
    t = "".join(ch if (ch.isalpha() or ch.isspace()) else " " for ch in t)
    return " ".join(t.split())


def recurring_block_keys(documents: Iterable[str], *, min_documents: int = 3) -> frozenset[str]:
    """Keys of blocks found in at least `min_documents` distinct documents of a run.

    Such lines are site furniture (menus, share bars, appeals). Empty keys (lines of digits and
    punctuation) are never returned.
    """
    counts: Counter[str] = Counter()
    seen_docs: set[str] = set()
    for raw in documents:
        if not isinstance(raw, str) or raw in seen_docs:  # identical texts count once
            continue
        seen_docs.add(raw)
        keys = {block_key(raw[s:e]) for s, e in paragraph_spans(raw)}
        keys.discard("")
        counts.update(keys)
    return frozenset(k for k, n in counts.items() if n >= max(1, min_documents))


# --------------------------------------------------------------------------------------------
# Per-block features
# --------------------------------------------------------------------------------------------
@dataclass
class _Feat:
    text: str
    key: str
    chars: int
    words: int
    stop_density: float
    terminal: bool          # ends like a sentence
    alpha_ratio: float      # letters / non-space chars
    prose: str              # jusText class: good | neargood | short | bad


def _features(text: str, stopwords: frozenset[str] | None) -> _Feat:
    """Features of one block; `stopwords=None` means no usable list (length-only mode)."""
    t = _norm(text[:_FEATURE_CHARS])
    words = _WORD_RE.findall(t)
    n = len(words)
    if stopwords is None:
        density = 0.35 if n else 0.0     # neutral: length and punctuation decide
    else:
        density = sum(1 for w in words if w.casefold() in stopwords) / n if n else 0.0
    nonspace = sum(1 for ch in t if not ch.isspace()) or 1
    alpha = sum(1 for ch in t if ch.isalpha()) / nonspace
    terminal = bool(_TERMINAL_RE.search(t.rstrip()))
    chars = len(text)
    # jusText classes (length_low=70, length_high=200, stopwords_low=0.30, stopwords_high=0.32),
    # loosened for sentences: a full stop at the end is strong evidence of prose.
    if alpha < 0.5:
        prose = "bad"
    elif chars < 70:
        prose = "short"
    elif density >= 0.32:
        prose = "good" if chars > 200 or (terminal and n >= 12) else "neargood"
    elif density >= 0.25 or (terminal and density >= 0.15 and chars >= 100):
        prose = "neargood"
    else:
        prose = "bad"
    return _Feat(text, block_key(text), chars, n, density, terminal, alpha, prose)


_OTHER_LANGS = ("de", "fr", "es", "pt", "it", "nl", "id", "ru", "pl", "sv", "da", "ro", "cs", "tr")
_LANG_CACHE: dict[str, frozenset[str]] = {}


def _stoplist(lang: str) -> frozenset[str] | None:
    """spaCy's stopword list of a language, imported lazily (only for non-English text)."""
    if lang not in _LANG_CACHE:
        try:
            import importlib
            words = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
            _LANG_CACHE[lang] = frozenset(w.casefold() for w in words)
        except Exception:
            _LANG_CACHE[lang] = frozenset()
    return _LANG_CACHE[lang] or None


def _pick_stopwords(texts: list[str]) -> frozenset[str] | None:
    """The stopword list that fits the document's longer lines best (English unless clearly not).

    Returns None when no list fits (e.g. CJK text): prose is then judged by length alone.
    """
    sample: list[str] = []
    for t in texts:
        if len(t) >= 60:
            sample.extend(w.casefold() for w in _WORD_RE.findall(_norm(t[:2000])))
            if len(sample) > 3000:
                break
    if len(sample) < 20:
        return _STOPWORDS
    cover = lambda sw: sum(1 for w in sample if w in sw) / len(sample)  # noqa: E731
    if cover(_STOPWORDS) >= 0.2:
        return _STOPWORDS
    best, best_cover = _STOPWORDS, cover(_STOPWORDS)
    for lang in _OTHER_LANGS:
        sw = _stoplist(lang)
        if sw:
            c = cover(sw)
            if c > best_cover:
                best, best_cover = sw, c
    return best if best_cover >= 0.15 else None


def _prose_sentence(f: _Feat) -> bool:
    return f.words >= 6 and f.stop_density >= 0.2 and f.alpha_ratio >= 0.6


def _heading_like(f: _Feat) -> bool:
    """A headline: 2-30 words of mostly letters, not a long sentence-run paragraph."""
    return (2 <= f.words <= 30 and f.chars <= 250 and f.alpha_ratio >= 0.6
            and not f.text.rstrip().endswith((":", ",", ";")))


def _match_any(res: list[re.Pattern], text: str) -> bool:
    return any(r.search(text) for r in res)


def _pattern_kind(f: _Feat) -> tuple[str, str] | None:
    """Kind decided by a convention pattern alone, or None."""
    t = _norm(f.text[:2000]).strip()
    short = f.words <= 12
    if TRANSLATION_RE.search(t):
        return "boilerplate", "translation_banner"
    if f.words == 0 or PRICE_RE.match(t):
        return "boilerplate", "price_or_symbols" if f.words == 0 else "price_list"
    if short and DATELINE_RE.match(t):
        return "dateline", "dateline"
    if short and BYLINE_RE.match(t):
        return "byline", "byline"
    if f.words <= 40 and _match_any(CREDIT_RES, t):
        # "Photo by X/Getty" alone is a credit; a description ending in a credit is a caption.
        return "credit", "credit_line"
    if f.words <= 200 and COOKIE_RE.search(t):
        return "boilerplate", "cookie_notice"
    if (f.words <= 80 and _match_any(CAPTION_RES, t)) or (f.words <= 10 and f.stop_density < 0.25
                                                               and _match_any(CAPTION_SHORT_RES, t)):
        if len(_WORD_RE.findall(CREDIT_PART_RE.sub(" ", t))) < 3:
            return "credit", "photo_credit"
        return "caption", "photo_caption"
    if short and UI_RE.search(t):
        return "boilerplate", "ui_text"
    if short and f.words >= 2:
        ws = [w.casefold() for w in _WORD_RE.findall(t)]
        if sum(w in SHARE_BAR_WORDS for w in ws) * 2 >= len(ws):
            return "boilerplate", "share_bar"
    if short and DATE_RE.match(t):
        return "boilerplate", "date_stamp"
    if is_appeal(f, t):
        return "boilerplate", "appeal"
    return None


# --------------------------------------------------------------------------------------------
# Document-level decisions
# --------------------------------------------------------------------------------------------
def _similar(a: str, b: str) -> bool:
    """Same headline: equal keys, or near-equal word sets (a site suffix or dash part added)."""
    if not a or not b:
        return False
    if a == b:
        return True
    wa, wb = set(a.split()), set(b.split())
    if min(len(wa), len(wb)) < 3:
        return False
    inter = len(wa & wb)
    return inter / min(len(wa), len(wb)) >= 0.9 and inter / max(len(wa), len(wb)) >= 0.6


def _comment_switch(feats: list[_Feat], fixed: list, start: int) -> int | None:
    """Index of the first comment block, or None.

    Two signals: a comments header followed by comment furniture (reply/like buttons, "2 hours
    ago", "… said:"), or reader handles: short name-like lines each followed by a sentence, where
    one reader posts several different texts and another reader posts too. Only after body prose.
    """
    n = len(feats)
    good_seen = 0
    posts: dict[str, list[tuple[int, str]]] = {}
    header_at = None
    for i in range(start, n):
        f = feats[i]
        if f.prose in ("good", "neargood") and fixed[i] is None:
            good_seen += 1
        if good_seen < 1:
            continue
        t = f.text.strip()
        if header_at is None and f.words <= 8 and COMMENT_HEADER_RE.search(t):
            window = feats[i + 1:i + 13]
            if any(COMMENT_EVIDENCE_RE.match(g.text.strip()) for g in window) or re.match(
                    r"^\d[\d,.]*k?\s+comments?|leave|post|add|write|join|comments? \(\d", t, re.IGNORECASE):
                header_at = i
        if (good_seen >= 3 and f.words and f.words <= 3 and f.chars <= 30 and not f.terminal
                and fixed[i] is None and HANDLE_RE.match(t) and f.stop_density < 0.5
                and not COMMENT_EVIDENCE_RE.match(t) and not TIMESTAMP_RE.search(t) and i + 1 < n):
            g = feats[i + 1]
            # a post is a sentence (comment text), not a list item, product name or teaser
            if g.words >= 3 and g.terminal and g.key != f.key and fixed[i + 1] is None:
                posts.setdefault(f.key, []).append((i, g.key))
    candidates = [header_at] if header_at is not None else []
    for key, pp in posts.items():
        # the same reader posting different texts, in a thread with at least one other reader
        if key and len({k for _, k in pp}) >= 2:
            first = pp[0][0]
            others = {k2 for k2, q in posts.items() if k2 != key and any(p >= first for p, _ in q)}
            if others:
                candidates.append(first)
    return min(candidates) if candidates else None


# Pattern reasons that mark page furniture rather than anything a reader could have written.
_FURNITURE_REASONS = frozenset({"cookie_notice", "share_bar", "recurring_across_documents"})


def _appeal_run(feats: list[_Feat], fixed: list, start: int, stop: int) -> int | None:
    """Index of a donation/subscription appeal that opens the closing boilerplate run.

    An appeal followed later by three clean prose blocks in a row was an inset inside the
    article, not its end: it is skipped (it stays boilerplate through its pattern).
    """
    clean = [feats[j].prose == "good" and fixed[j] is None
             and not is_appeal(feats[j], _norm(feats[j].text[:2000])) for j in range(stop)]
    # prose_after[i]: a run of 3 clean prose blocks starts somewhere in [i, stop)
    prose_after = [False] * (stop + 1)
    run = 0
    for j in range(stop - 1, -1, -1):
        run = run + 1 if clean[j] else 0
        prose_after[j] = prose_after[j + 1] or run >= 3
    good_seen = 0
    for i in range(start, stop):
        if feats[i].prose in ("good", "neargood") and fixed[i] is None:
            good_seen += 1
        if good_seen < 2:
            continue
        t = _norm(feats[i].text[:2000])
        if is_appeal(feats[i], t) and not prose_after[i + 1]:
            return i
    return None


def _block_score(f: _Feat, fixed_kind: str | None) -> float:
    """Contribution of a block to the body region (maximum subarray): prose +, furniture -."""
    if fixed_kind in ("boilerplate", "comment"):
        return -2.0
    if fixed_kind in ("caption", "credit"):
        return -0.3
    if fixed_kind in ("dateline", "byline", "table"):
        return 0.0          # inside an article as often as not: neither extends nor cuts the body
    size = min(f.chars, 1500) / 100.0
    if f.prose == "good":
        return max(size, 1.0)
    if f.prose == "neargood":
        return max(size * 0.6, 1.0)
    if f.prose == "short":
        if f.terminal and f.words >= 4 and f.stop_density >= 0.15:
            return 0.3      # a one-line quote or short paragraph
        return -0.5 if f.words >= 3 else -1.0
    if f.terminal and f.chars >= 70 and f.alpha_ratio >= 0.5:
        return 0.2          # punctuated but name- or number-heavy: results, listings
    return -1.0 - min(f.chars, 600) / 300.0


def _max_region(scores: list[float], lo: int, hi: int) -> tuple[int, int]:
    """[a, b) maximising sum(scores[a:b]) within [lo, hi); empty (lo, lo) if nothing positive."""
    best, best_a, best_b = 0.0, lo, lo
    cur, cur_a = 0.0, lo
    for i in range(lo, hi):
        if cur <= 0:
            cur, cur_a = 0.0, i
        cur += scores[i]
        if cur > best:
            best, best_a, best_b = cur, cur_a, i + 1
    return best_a, best_b


def segment_blocks(raw_text: str, *, recurring: frozenset[str] = frozenset(),
                   main_text: str | None = None, title: str | None = None) -> list[Block]:
    """Blocks of `raw_text` in order, each typed. Never raises on str input.

    `main_text` is an extractor's selection of the article text from the same page (e.g.
    trafilatura's output for an HTML page whose visible text is `raw_text`). When it aligns with
    `raw_text`, it replaces the prose-quality body region: lines outside it become boilerplate
    ("outside_main_text") unless a rule types them as title, standfirst, caption, credit or comment,
    and the pattern rules still apply inside it. `title` is the page's metadata title, used to pick
    the title block. Both are hints: text that does not align is ignored.
    """
    if not isinstance(raw_text, str) or not raw_text:
        return []
    spans = paragraph_spans(raw_text)
    try:
        texts = [raw_text[s:e] for s, e in spans]
        main = _main_flags(texts, main_text) if isinstance(main_text, str) else None
        kinds = _classify(texts, recurring, main, title if isinstance(title, str) else None)
    except Exception:  # a bug must not lose text: fall back to untyped body
        kinds = [("body", "fallback")] * len(spans)
    return [Block(i, s, e, raw_text[s:e], k, r) for i, ((s, e), (k, r)) in enumerate(zip(spans, kinds))]


# Alignment of an extractor's main text is skipped above this many tokens (difflib is quadratic
# in the worst case); such documents are typed by prose quality alone.
_MAX_ALIGN_TOKENS = 300_000
_TOKEN_RE = re.compile(r"\w+")


def _main_flags(texts: list[str], main_text: str) -> list[bool] | None:
    """For each line, whether most of its tokens are part of `main_text` (in order), or None.

    Token-level alignment (difflib) rather than line matching, because extractors rejoin, split
    and re-space paragraphs. None when the main text is empty, too long, or mostly not found in
    the lines (it was extracted from something else): the caller then ignores it.
    """
    main_tokens = _TOKEN_RE.findall(main_text.casefold())
    if not main_tokens:
        return None
    line_of, tokens = [], []
    for i, t in enumerate(texts):
        words = _TOKEN_RE.findall(t.casefold())
        tokens.extend(words)
        line_of.extend([i] * len(words))
    if len(tokens) + len(main_tokens) > _MAX_ALIGN_TOKENS:
        return None
    matched = [0] * len(texts)
    total = 0
    sm = SequenceMatcher(None, tokens, main_tokens, autojunk=False)
    for blk in sm.get_matching_blocks():
        total += blk.size
        for k in range(blk.a, blk.a + blk.size):
            matched[line_of[k]] += 1
    if total < 0.5 * len(main_tokens):
        return None
    counts = Counter(line_of)
    return [counts[i] > 0 and matched[i] * 2 >= counts[i] for i in range(len(texts))]


Kind = tuple[str, str]  # (block kind, reason)


def _classify(texts: list[str], recurring: frozenset[str], main: list[bool] | None = None,
              title_hint: str | None = None) -> list[Kind]:
    """The cascade of the module docstring, stage by stage; returns (kind, reason) per line."""
    n = len(texts)
    stopwords = _pick_stopwords(texts)
    feats = [_features(t, stopwords) for t in texts]
    out: list[Kind | None] = [None] * n
    # 1. Hard patterns and recurring furniture.
    fixed = _fixed_kinds(feats, recurring)
    # 4. Position: the title (found first: the sections and the body start after it).
    title = _find_title(feats, fixed, title_hint)
    start = 0
    if title is not None:
        out[title] = ("title", "first_heading")
        start = title + 1
        for i in range(n):
            # (a sentence of the article that retells its headline is not a repeat of it)
            if i != title and fixed[i] is None and _similar(feats[i].key, feats[title].key) \
                    and not (feats[i].terminal and feats[i].words > feats[title].words + 3):
                fixed[i] = ("boilerplate", "repeated_title")
    # 2. Section switches at the end: reader comments, then a donation appeal.
    end = _end_sections(feats, fixed, out, start)
    # 3. / 5. Body region: the extractor's main text when given; all of it in article copy
    # (text with no site furniture: wire copy, archives); else the maximum-scoring contiguous
    # run between the title and the end sections.
    tables = _table_runs(feats, fixed, start, end)
    copy = main is None and end == n and _article_copy(feats, fixed)
    if main is not None:
        inside = [i for i in range(start, end) if main[i] and fixed[i] is None]
        a, b = (inside[0], inside[-1] + 1) if inside else (start, start)
    elif copy:
        a, b = start, end
    else:
        scores = [_block_score(f, fixed[i][0] if fixed[i] else None) for i, f in enumerate(feats)]
        a, b = _max_region(scores, start, end)
    # 3a. Tables (results, standings, prices: runs of rows of names and figures) of article copy,
    # and tables that the body region ends at or starts after; elsewhere rows inside the body stay body.
    for run in tables:
        if copy or (a < b and (b <= run[0] <= b + MAX_TABLE_GAP or a - MAX_TABLE_GAP <= run[-1] + 1 <= a)):
            for i in run:
                fixed[i] = ("table", "data_rows")
    # 4. Position, continued: a standfirst right after the title.
    if title is not None:
        j = _standfirst(feats, fixed, out, start, end, a)
        if j is not None:
            out[j] = ("subtitle", "standfirst")
            a = max(a, j + 1)
    for i in range(n):
        if out[i] is None:
            out[i] = fixed[i] or _by_region(feats[i], main[i] if main is not None else None, a <= i < b)
    assert all(k in BLOCK_KINDS for k, _ in out)  # type: ignore[misc]
    return out  # type: ignore[return-value]


def _fixed_kinds(feats: list[_Feat], recurring: frozenset[str]) -> list[Kind | None]:
    """Stage 1: pattern kinds, plus recurring furniture unless most of this document's prose
    recurs (a syndicated copy)."""
    fixed = [_pattern_kind(f) for f in feats]
    if recurring:
        prose_idx = [i for i, f in enumerate(feats) if f.prose in ("good", "neargood")]
        rec_prose = sum(1 for i in prose_idx if feats[i].key in recurring)
        syndicated = prose_idx and rec_prose > len(prose_idx) / 2
        for i, f in enumerate(feats):
            if f.key in recurring and fixed[i] is None:
                if syndicated and f.prose in ("good", "neargood"):
                    continue
                fixed[i] = ("boilerplate", "recurring_across_documents")
    return fixed


def _is_data_row(f: _Feat) -> bool:
    """A line of names and figures rather than prose: "2. Jane Doe ( Kenya ) 12.71"."""
    return f.prose in ("short", "bad") and f.words <= 40 and bool(_DIGIT_RE.search(f.text)) \
        and bool(_CAPITALISED_RE.search(f.text))


def _is_row_label(f: _Feat) -> bool:
    """A short heading between data rows: "Women's 100 metres", "Scorers :"."""
    return f.prose in ("short", "bad") and 0 < f.words <= 6


def _table_runs(feats: list[_Feat], fixed: list[Kind | None], start: int, end: int) -> list[list[int]]:
    """Runs of at least MIN_TABLE_ROWS data rows between the title and the end sections (short
    labels between rows belong to the table)."""
    runs: list[list[int]] = []
    run: list[int] = []
    data = 0
    for i in range(start, end + 1):
        f = feats[i] if i < end else None
        if f is not None and fixed[i] is None and (_is_data_row(f) or (run and _is_row_label(f))):
            run.append(i)
            data += _is_data_row(f)
            continue
        while run and not _is_data_row(feats[run[-1]]):
            run.pop()  # a label after the last row heads whatever follows
        if data >= MIN_TABLE_ROWS:
            runs.append(run)
        run, data = [], 0
    return runs


def _article_copy(feats: list[_Feat], fixed: list[Kind | None]) -> bool:
    """Text with no site furniture (menus, share bars, UI, cookie and appeal text), or wire copy
    opening with a dateline: everything after the title is the article's."""
    if any(k is not None and k[1] in _SITE_FURNITURE for k in fixed):
        return False
    if any(k is not None and k[0] == "dateline" for k in fixed[:3]):
        return True  # wire copy opens with its dateline
    # Menus come in runs of short, unpunctuated lines without figures (a table's labels do not).
    short = [f.words <= 4 and not f.terminal and not _DIGIT_RE.search(f.text) for f in feats]
    menu_like = sum(1 for i in range(len(feats)) if short[i] and (
        all(short[i - 2:i + 1]) and i >= 2 or all(short[i - 1:i + 2]) and i >= 1 or all(short[i:i + 3])))
    return menu_like <= MAX_MENU_SHARE * len(feats)


def _find_title(feats: list[_Feat], fixed: list[Kind | None], title_hint: str | None) -> int | None:
    """Stage 4: the first heading-like line before the body; the metadata title's line, else a
    headline repeated in the document, is preferred."""
    n = len(feats)
    key_count = Counter(f.key for f in feats)
    first_prose = next((i for i, f in enumerate(feats) if f.prose == "good" and fixed[i] is None), n)
    cands = [i for i in range(min(first_prose, n)) if fixed[i] is None and _heading_like(feats[i])
             and feats[i].words >= 3 and feats[i].prose != "good"
             and not (feats[i].terminal and feats[i].words > 15)]   # a sentence, not a headline
    repeated = [i for i in cands if key_count[feats[i].key] >= 2 and feats[i].words >= 4]
    hinted = []
    if title_hint and block_key(title_hint):
        hk = block_key(title_hint)
        before = [i for i in range(min(first_prose, n)) if fixed[i] is None]
        hinted = ([i for i in before if feats[i].key == hk]
                  or [i for i in before if _similar(feats[i].key, hk)])
    if hinted:   # the metadata title names the headline: the match nearest the body (the <h1>,
        return hinted[-1]   # not the page's <title> line that html_text puts first)
    if repeated:
        return repeated[0]
    if cands:
        near = [i for i in cands if first_prose - i <= 12 or first_prose == n]
        return near[0] if near else cands[0]
    if n and fixed[0] is None and _heading_like(feats[0]) and not (feats[0].terminal and feats[0].words > 15):
        return 0
    return None


def _end_sections(feats: list[_Feat], fixed: list[Kind | None], out: list[Kind | None], start: int) -> int:
    """Stage 2: type a reader-comment thread and a trailing appeal run in `out`; returns where
    the article can end."""
    n = end = len(feats)
    cswitch = _comment_switch(feats, fixed, start)
    if cswitch is not None:
        for i in range(cswitch, n):
            # site furniture after the thread (footer links, cookie notice) stays boilerplate
            keep = fixed[i] is not None and fixed[i][1] in _FURNITURE_REASONS
            out[i] = fixed[i] if keep else ("comment", "comment_thread")
        end = cswitch
    appeal = _appeal_run(feats, fixed, start, end)
    if appeal is not None:
        for i in range(appeal, end):
            out[i] = ("boilerplate", "appeal_run" if i > appeal else "appeal")
        end = appeal
    return end


def _standfirst(feats: list[_Feat], fixed: list[Kind | None], out: list[Kind | None], start: int, end: int,
                body_start: int) -> int | None:
    """Stage 4: a sentence-like line right after the title, shorter than the lede."""
    j = next((i for i in range(start, end) if fixed[i] is None and out[i] is None), None)
    if j is None or j > max(body_start, start) or not _prose_sentence(feats[j]) or feats[j].chars > 250 \
            or feats[j].text.rstrip().endswith(":"):
        return None
    nxt = next((feats[i] for i in range(j + 1, end) if fixed[i] is None
                and feats[i].prose in ("good", "neargood")), None)
    if not feats[j].terminal or (nxt is not None and feats[j].chars < 0.8 * nxt.chars
                                 and not LEDE_RE.search(feats[j].text[:400])):
        return j
    return None


def _by_region(f: _Feat, in_main: bool | None, in_body: bool) -> Kind:
    """The kind of a line no rule typed, from where it sits (stages 3 and 5)."""
    if in_main is not None:
        return ("body", "main_text") if in_main and in_body else ("boilerplate", "outside_main_text")
    if in_body:
        return ("body", "body_prose" if f.prose in ("good", "neargood") else "inside_body")
    if f.prose == "bad" or f.stop_density < 0.2:
        return ("boilerplate", "low_stopword_density")
    return ("boilerplate", "outside_body")
