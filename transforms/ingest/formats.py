"""Bytes of one input file in, document candidates out: format sniffing and per-format parsing.

Pure: no file or network access. `flows.inputs` reads the bytes and accounts for every record.

Formats (`schema.DOCUMENT_FORMATS`), decided by content first and the file name second:

- warc:  gzip magic or a "WARC/" header. Each HTML (or plain-text) response/resource record is a
  document with its WARC-Target-URI and WARC-Date. Decompression is bounded and a damaged or
  truncated archive keeps the records read before the damage.
- json / jsonl: news API or crawler exports, one document per record (see `DEFAULT_FIELDS`).
  A record may carry plain text or HTML. Bad records are rejected one by one.
- html:  markup (by its start, or any tag when the name says .html). raw_text is the page's visible
  text with its layout (html_text, one block element per line) so nothing the reader saw is lost;
  trafilatura's main-text selection and metadata ride along as hints for block typing.
- text:  anything else that decodes as text (`decode.decode_text`).
"""
from __future__ import annotations

import codecs
import email.utils
import io
import json
import re
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Iterator

from transforms.ingest.decode import RejectedInput, decode_text
from transforms.lexicon import words

__all__ = [
    "DEFAULT_FIELDS", "ParsedDocument", "ParsedInput", "Record", "detect_language", "html_document",
    "parse_field_map", "parse_input", "parse_json_records", "parse_warc", "sniff_format",
]

#: Default JSON field mapping: target -> field names tried in order (dotted names reach into
#: nested objects, e.g. NewsAPI's source.name). Matching is exact first, then case-insensitive.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "articleBody", "full_text",
             "fulltext", "maintext", "main_text", "story", "body_text", "bodyText"),
    "html": ("html", "raw_html", "body_html", "content_html", "html_content", "page_html", "source_html"),
    "title": ("title", "headline", "heading", "webTitle", "name"),
    "url": ("url", "canonical_url", "link", "uri", "web_url", "webUrl", "permalink", "source_url"),
    "published": ("published", "published_at", "publishedAt", "pubDate", "date_published",
                  "datePublished", "publication_date", "webPublicationDate", "published_date",
                  "date", "datetime", "time", "timestamp", "created_at", "createdAt"),
    "source": ("source.name", "source", "site", "site_name", "siteName", "sitename", "outlet",
               "publisher.name", "publisher", "domain", "source_domain"),
    "author": ("author", "authors", "byline", "creator", "writer", "author.name"),
}
FIELD_TARGETS = tuple(DEFAULT_FIELDS)

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_START_RE = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body|meta|title|link|div|p|"
    rb"article|section|main|header|script|style|table|h[1-6])\b", re.I | re.S)
_ANY_TAG_RE = re.compile(rb"<(?:[a-z][a-z0-9]*)(?:\s[^<>]*)?/?>|</[a-z][a-z0-9]*\s*>", re.I)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class ParsedDocument:
    """One document-to-be; metadata is None when the input does not say."""

    raw_text: str
    format: str
    encoding: str
    main_text: str | None = None      # extractor's article text (HTML): a block-typing hint
    title: str | None = None
    source_name: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Record:
    """One record of an input: a document or the reason it is not one.

    `number` is None for single-document inputs; else the record's 1-based position (JSON array
    element, JSONL line number, WARC record) for source paths like "file.jsonl#3". `payload` is
    the record's own bytes (size and sha256 in input_files).
    """

    number: int | None
    payload: bytes
    document: ParsedDocument | None = None
    rejection: RejectedInput | None = None


@dataclass
class ParsedInput:
    format: str
    records: list[Record] = field(default_factory=list)
    #: Records that are not content (WARC requests, warcinfo, metadata, revisits): counted only.
    skipped: int = 0

    @property
    def multi(self) -> bool:
        return self.format in ("json", "jsonl", "warc")


# --------------------------------------------------------------------------------------------
# Sniffing
# --------------------------------------------------------------------------------------------
def _ascii_head(data: bytes, n: int = 4096) -> bytes:
    """The first bytes in an ASCII-compatible form (UTF-16/32 re-encoded) for sniffing."""
    head = data[:n]
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(enc, errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(codecs.BOM_UTF8)


def sniff_format(data: bytes, name: str = "") -> str:
    """The format of `data`: content decides, the file name only breaks ties.

    A .txt holding markup is html, a .json holding one object per line is jsonl, gzip data is
    tried as WARC (whatever its name).
    """
    lower = name.lower()
    if data.startswith(_GZIP_MAGIC) or data.lstrip()[:5] == b"WARC/":
        return "warc"
    head = _ascii_head(data).lstrip()
    if head[:1] in (b"{", b"["):
        if lower.endswith((".jsonl", ".ndjson", ".jsonlines")):
            return "jsonl"
        return "json"       # parse_input falls back to jsonl when the whole is not one value
    if _HTML_START_RE.match(head):
        return "html"
    if lower.endswith((".html", ".htm", ".xhtml", ".shtml")) and _ANY_TAG_RE.search(head):
        return "html"
    return "text"


def parse_input(data: bytes, name: str = "", *, field_map: dict[str, str] | None = None,
                max_record_bytes: int = 20_000_000, max_decompressed_bytes: int = 200_000_000,
                fmt: str | None = None) -> ParsedInput:
    """Parse one input's bytes into records; raises RejectedInput when the input as a whole fails."""
    fmt = fmt or sniff_format(data, name)
    if fmt == "warc":
        return parse_warc(data, max_record_bytes=max_record_bytes,
                          max_decompressed_bytes=max_decompressed_bytes)
    if fmt in ("json", "jsonl"):
        return parse_json_records(data, field_map=field_map, max_record_bytes=max_record_bytes,
                                  lines=fmt == "jsonl")
    if fmt == "html":
        text, encoding = decode_markup(data)
        return ParsedInput("html", [Record(None, data, html_document(text, encoding=encoding))])
    decoded = decode_text(data)
    return ParsedInput("text", [Record(None, data, text_document(decoded.text, decoded.encoding, "text"))])


# --------------------------------------------------------------------------------------------
# Text and HTML
# --------------------------------------------------------------------------------------------
def text_document(text: str, encoding: str, fmt: str, **meta: Any) -> ParsedDocument:
    if not text.strip():
        raise RejectedInput("empty", "no text")
    return ParsedDocument(raw_text=text, format=fmt, encoding=encoding, language=_language_of(text),
                          **meta)


def _codec(label: str | None) -> str | None:
    """Python codec for a declared charset label; ISO-8859-1/ASCII mean Windows-1252 on the web."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_markup(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes: BOM, valid UTF-8, the declared charset (HTTP header, then <meta>), sniffing.

    Bytes that are valid UTF-8 are UTF-8 whatever the page declares (non-ASCII text that happens
    to be valid UTF-8 in another encoding is vanishingly rare; mislabelled pages are common), and
    a declared charset that does not decode the bytes is ignored.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = decode_text(data)
        return decoded.text, decoded.encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET_RE.search(data[:4096])
    for label in (declared, meta.group(1).decode("ascii", "ignore") if meta else None):
        codec = _codec(label)
        if codec:
            try:
                return data.decode(codec), codec
            except (UnicodeDecodeError, LookupError):
                continue
    decoded = decode_text(data)
    return decoded.text, decoded.encoding


def html_document(html: str, *, encoding: str = "utf-8", fmt: str = "html", url: str | None = None,
                  published_at: datetime | None = None, **meta: Any) -> ParsedDocument:
    """A page's visible text (raw_text) plus trafilatura's main text and metadata.

    Explicit arguments (from a WARC or JSON record) win over what the page says, except the URL:
    the page's canonical URL beats the crawled one.
    """
    import html_text

    try:
        raw = html_text.extract_text(_parse_html(html), guess_layout=True)
    except RejectedInput:
        raise
    except Exception as exc:  # lxml refuses some inputs (e.g. only a declaration)
        raise RejectedInput("unparseable_html", f"{type(exc).__name__}: {exc}") from exc
    if not raw.strip():
        raise RejectedInput("empty", "HTML has no visible text")
    ext = _trafilatura(html, url)
    main = ext.get("text") or None
    out = dict(
        title=ext.get("title"), source_name=ext.get("sitename"), url=ext.get("url") or url,
        author=ext.get("author"), published_at=_parse_datetime(ext.get("date")),
    )
    out.update({k: v for k, v in meta.items() if v is not None})
    if published_at is not None:
        out["published_at"] = published_at
    return ParsedDocument(raw_text=raw, format=fmt, encoding=encoding, main_text=main,
                          language=_language_of(main or raw), **out)


def _parse_html(html: str):
    """lxml tree of a page, as html_text builds it, or RejectedInput when the parser gave up.

    libxml2 stops at 256 levels of nesting and silently drops the rest of the page; a document
    cut short there must be rejected, not published as if complete. The parser never loads a DTD
    or anything over the network.
    """
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(recover=True, encoding="utf-8", no_network=True)
    body = html.strip().replace("\x00", "").encode("utf-8", "replace") or b"<html/>"
    root = lxml.etree.fromstring(body, parser=parser)
    limit = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if limit is not None:
        raise RejectedInput("too_deep", f"HTML parser gave up: {limit.message}")
    return root if root is not None else lxml.etree.fromstring(b"<html/>", parser=parser)


def _trafilatura(html: str, url: str | None) -> dict:
    """trafilatura's main text (precision mode, no comments) and metadata; {} when it fails.

    Parsing a string never fetches anything; htmldate is restricted to the page's own markup.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True,
            favor_precision=True, deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "outputformat": "%Y-%m-%dT%H:%M:%S%z"})
    except Exception:
        return {}
    if doc is None:
        return {}
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in d.items()}


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------
_LANGID = None
#: Below this many letters, or this normalised probability, the language is left unknown (None).
_MIN_LANG_LETTERS = 40
_MIN_LANG_PROB = 0.8
#: Language identification settles within a few hundred words; more text only costs time.
_LANG_SAMPLE_CHARS = 1500


_WORD_RE = re.compile(r"[^\W\d_]+")
#: Function words frequent in any English prose (together ~15% of its words) and not words of the
#: other languages written in Latin script. When they make up this share of a sample's words the
#: text is English; the statistical identifier (~1 ms per document, most of reading) is skipped.
_ENGLISH_MARKERS = words("language_markers")
_ENGLISH_MARKER_SHARE = 0.10
_MIN_MARKER_WORDS = 40


def _language_of(text: str) -> str | None:
    """The text's language, else its headline's (a table under an English headline is English)."""
    found = detect_language(text)
    if found is None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        found = detect_language(first) if first != text else None
    return found


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None when too short or unsure."""
    global _LANGID
    sample = text[:_LANG_SAMPLE_CHARS]
    words = _WORD_RE.findall(sample)
    if sum(map(len, words)) < _MIN_LANG_LETTERS:
        return None
    if len(words) >= _MIN_MARKER_WORDS and \
            sum(w.lower() in _ENGLISH_MARKERS for w in words) >= _ENGLISH_MARKER_SHARE * len(words):
        return "en"
    if _LANGID is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
        _LANGID = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _LANGID.classify(sample)
    return lang if prob >= _MIN_LANG_PROB else None


# --------------------------------------------------------------------------------------------
# JSON and JSON Lines
# --------------------------------------------------------------------------------------------
def parse_field_map(spec: str | None) -> dict[str, str]:
    """"text=body,title=headline" -> {"text": "body", "title": "headline"}; ValueError if malformed."""
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        target, sep, source = part.partition("=")
        target, source = target.strip(), source.strip()
        if not sep or not source or target not in FIELD_TARGETS:
            raise ValueError(f"bad field mapping {part.strip()!r}: use target=field with target in "
                             f"{', '.join(FIELD_TARGETS)}")
        out[target] = source
    return out


def _field_names(field_map: dict[str, str] | None) -> dict[str, tuple[str, ...]]:
    names = dict(DEFAULT_FIELDS)
    for target, source in (field_map or {}).items():
        if target not in names:
            raise ValueError(f"unknown JSON field target {target!r}")
        names[target] = (source,)
    # A user who names the text field means it: don't fall back to an HTML field, and vice versa.
    if field_map and "text" in field_map and "html" not in field_map:
        names["html"] = ()
    if field_map and "html" in field_map and "text" not in field_map:
        names["text"] = ()
    return names


def _lookup(rec: dict, name: str) -> tuple[bool, Any]:
    """(found, value) of a possibly dotted field name; exact keys first, then case-insensitive."""
    cur: Any = rec
    for part in name.split("."):
        if not isinstance(cur, dict):
            return False, None
        if part in cur:
            cur = cur[part]
            continue
        folded = {k.casefold(): k for k in cur if isinstance(k, str)}
        if part.casefold() not in folded:
            return False, None
        cur = cur[folded[part.casefold()]]
    return True, cur


def _first(rec: dict, names: tuple[str, ...]) -> tuple[str | None, Any]:
    for name in names:
        found, value = _lookup(rec, name)
        if found and value not in (None, "", [], {}):
            return name, value
    return None, None


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _valid_str(text: str) -> str:
    """JSON escapes can spell lone surrogates ("\\ud800"), which no UTF-8 writer (Parquet, DuckDB)
    accepts: each becomes U+FFFD, one character for one, so the rest of the text is kept as is."""
    return _SURROGATE_RE.sub("\ufffd", text)


def _as_text(target: str, name: str, value: Any) -> str:
    """A metadata value as text: strings; lists of names (authors); objects with a name field."""
    if isinstance(value, str):
        return _valid_str(value.strip())
    if isinstance(value, dict):
        for key in ("name", "title", "value", "url", "href"):
            if isinstance(value.get(key), str):
                return _valid_str(value[key].strip())
    if isinstance(value, list) and value and all(isinstance(v, (str, dict)) for v in value):
        return ", ".join(_as_text(target, name, v) for v in value)
    raise RejectedInput("bad_field", f"{target} field {name!r} is {type(value).__name__}, not text")


def _parse_datetime(value: Any) -> datetime | None:
    """ISO 8601, RFC 2822 (RSS) or epoch seconds/milliseconds as UTC; None if unparseable.

    Naive times are taken as UTC (exports rarely say otherwise).
    """
    if value is None or isinstance(value, bool):
        return None
    dt = None
    if isinstance(value, (int, float)):
        secs = value / 1000 if abs(value) > 1e11 else value
        try:
            dt = datetime.fromtimestamp(secs, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str) and value.strip():
        s = value.strip()
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
        except ValueError:
            try:
                dt = email.utils.parsedate_to_datetime(s)
            except (TypeError, ValueError, IndexError):
                dt = None
            if dt is None and re.fullmatch(r"\d{10}(?:\d{3})?(?:\.\d+)?", s):
                return _parse_datetime(float(s))
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def json_record_document(rec: Any, fmt: str, *, field_map: dict[str, str] | None = None,
                         max_record_bytes: int = 20_000_000) -> ParsedDocument:
    """One JSON record as a document, or RejectedInput saying which field is wrong."""
    if not isinstance(rec, dict):
        raise RejectedInput("bad_record", f"record is {type(rec).__name__}, not an object")
    names = _field_names(field_map)
    meta: dict[str, Any] = {}
    for target, key in (("title", "title"), ("url", "url"), ("source", "source_name"), ("author", "author")):
        name, value = _first(rec, names[target])
        meta[key] = _as_text(target, name, value) or None if name else None
    name, value = _first(rec, names["published"])
    if name is not None and not isinstance(value, (str, int, float)):
        raise RejectedInput("bad_field", f"published field {name!r} is {type(value).__name__}")
    published = _parse_datetime(value) if name else None
    text_name, text = _first(rec, names["text"])
    html_name, html = _first(rec, names["html"])
    if text_name is None and html_name is None:
        wanted = ", ".join(names["text"] + names["html"])
        raise RejectedInput("missing_text", f"no text field (tried {wanted})")
    # Prefer the HTML when there is one: its visible text keeps what a text export may have cut.
    name, value, kind = (html_name, html, "html") if html_name else (text_name, text, "text")
    if not isinstance(value, str):
        raise RejectedInput("bad_field", f"{kind} field {name!r} is {type(value).__name__}, not a string")
    if len(value) > max_record_bytes:
        raise RejectedInput("too_large", f"{kind} field has {len(value)} characters > limit {max_record_bytes}")
    value = _valid_str(value)
    if kind == "html":
        return html_document(value, encoding="utf-8", fmt=fmt, published_at=published, **meta)
    return text_document(value, "utf-8", fmt, published_at=published, **meta)


def _find_records(value: Any, depth: int = 0) -> list | None:
    """The record list of a JSON export: the value itself if a list, else the largest list of
    objects under an object's fields (e.g. {"articles": [...]}, {"data": {"items": [...]}})."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict) or depth > 3:
        return None
    best = None
    for v in value.values():
        found = _find_records(v, depth + 1) if isinstance(v, dict) else (
            v if isinstance(v, list) and any(isinstance(x, dict) for x in v) else None)
        if found is not None and (best is None or len(found) > len(best)):
            best = found
    return best


def _decode_json_bytes(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        decoded = decode_text(data)       # RFC 8259 says UTF-8, exports sometimes disagree
        return decoded.text, decoded.encoding


def _loads(text: str) -> Any:
    """json.loads, with nesting deeper than Python's recursion limit as a RejectedInput."""
    try:
        return json.loads(text)
    except RecursionError:
        raise RejectedInput("too_deep", "JSON nested deeper than the parser's recursion limit") from None


def parse_json_records(data: bytes, *, field_map: dict[str, str] | None = None,
                       max_record_bytes: int = 20_000_000, lines: bool = False) -> ParsedInput:
    """Records of a JSON document or of JSON Lines (tried when the whole is not one JSON value)."""
    text, _ = _decode_json_bytes(data)
    if not lines:
        try:
            value = _loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":          # one value then more: that is JSON Lines
                raise RejectedInput("bad_json", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from exc
        else:
            if isinstance(value, dict) and _first(value, _field_names(field_map)["text"]
                                                  + _field_names(field_map)["html"])[0]:
                items = [value]                  # a single article object
            else:
                items = _find_records(value)
            if items is None:
                raise RejectedInput("no_records", f"top-level {type(value).__name__} holds no list of records")
            out = ParsedInput("json")
            for n, item in enumerate(items, 1):
                payload = json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
                out.records.append(_json_record(n, payload, item, "json", field_map, max_record_bytes))
            return out
    out = ParsedInput("jsonl")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        payload = line.encode("utf-8", "surrogatepass")
        try:
            item = _loads(line)
        except json.JSONDecodeError as exc:
            out.records.append(Record(n, payload, rejection=RejectedInput(
                "bad_json", f"line {n}: {exc.msg} at column {exc.colno}")))
            continue
        except RejectedInput as rej:
            out.records.append(Record(n, payload, rejection=rej))
            continue
        out.records.append(_json_record(n, payload, item, "jsonl", field_map, max_record_bytes))
    if not out.records:
        raise RejectedInput("empty", "no JSON records")
    return out


def _json_record(n: int, payload: bytes, item: Any, fmt: str, field_map, max_record_bytes) -> Record:
    try:
        return Record(n, payload, json_record_document(item, fmt, field_map=field_map,
                                                       max_record_bytes=max_record_bytes))
    except RejectedInput as rej:
        return Record(n, payload, rejection=rej)


# --------------------------------------------------------------------------------------------
# WARC
# --------------------------------------------------------------------------------------------
def _gunzip_bounded(data: bytes, limit: int) -> tuple[bytes, str | None]:
    """Decompress (multi-member) gzip up to `limit` bytes: (bytes, damage or None).

    Bounded so a small archive cannot expand without limit; a truncated or corrupt stream keeps
    what decompressed before the damage. Input goes in 64 KiB pieces so that the per-member
    leftovers zlib copies stay small (WARC.gz has one member per record).
    """
    out, view, pos, step = bytearray(), memoryview(data), 0, 1 << 16
    while pos < len(data):
        d = zlib.decompressobj(wbits=31)
        try:
            while not d.eof and pos < len(data):
                piece = view[pos:pos + step]
                pos += len(piece)
                out += d.decompress(piece, limit + 1 - len(out))
                if len(out) > limit or d.unconsumed_tail:
                    return bytes(out[:limit]), f"decompressed size exceeds limit {limit} bytes"
            pos -= len(d.unused_data)         # those bytes start the next member
        except zlib.error as exc:
            return bytes(out), f"corrupt gzip data: {exc}"
        if not d.eof:
            return bytes(out), "gzip stream is truncated"
        while pos < len(data) and data[pos] == 0:   # some writers pad between members
            pos += 1
    return bytes(out), None


def parse_warc(data: bytes, *, max_record_bytes: int = 20_000_000,
               max_decompressed_bytes: int = 200_000_000) -> ParsedInput:
    """HTML (and plain-text) response/resource records of a WARC or WARC.gz as documents.

    Other record types are counted as skipped; non-text responses are rejected per record.
    Damage (truncation, corruption, over-size) is a rejection of the record where it occurred.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    damage = None
    if data.startswith(_GZIP_MAGIC):
        data, damage = _gunzip_bounded(data, max_decompressed_bytes)
        if not data.lstrip()[:5] == b"WARC/":
            if damage or not data:
                raise RejectedInput("damaged", damage or "empty gzip stream")
            raise RejectedInput("unsupported_format", "gzip data that is not a WARC archive")
    out = ParsedInput("warc")
    n = 0
    it: Iterator = iter(ArchiveIterator(io.BytesIO(data)))
    while True:
        try:
            record = next(it)
        except StopIteration:
            break
        except (ArchiveLoadFailed, ValueError, EOFError, zlib.error) as exc:
            out.records.append(Record(n + 1, b"", rejection=RejectedInput("damaged", f"{type(exc).__name__}: {exc}")))
            return out
        n += 1
        rec = _warc_record(n, record, max_record_bytes)
        if rec is None:
            out.skipped += 1
        else:
            out.records.append(rec)
    if damage:
        # Damage in the gzip layer cuts the last record short (already rejected as truncated)
        # or falls between records: either way it is reported where it occurred.
        reason = "too_large" if "exceeds limit" in damage else None
        last = out.records[-1] if out.records else None
        if last is not None and last.number == n and last.rejection is not None \
                and last.rejection.reason == "truncated":
            out.records[-1] = Record(n, last.payload, rejection=RejectedInput(reason or "truncated", damage))
        else:
            out.records.append(Record(n + 1, b"", rejection=RejectedInput(reason or "damaged", damage)))
    return out


def _read_bounded(stream, limit: int) -> bytes:
    """Up to limit + 1 bytes (one more than allowed tells the caller it was too large)."""
    parts, size = [], 0
    while size <= limit:
        piece = stream.read(min(1 << 16, limit + 1 - size))
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)


def _warc_record(n: int, record, max_record_bytes: int) -> Record | None:
    """A response/resource record as a Record; None for records that carry no content."""
    if record.rec_type not in ("response", "resource"):
        return None
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    date = _parse_datetime(headers.get_header("WARC-Date"))
    try:
        payload = _read_bounded(record.content_stream(), max_record_bytes)
    except Exception as exc:  # bad chunking or content-encoding in the HTTP payload
        return Record(n, b"", rejection=RejectedInput("damaged", f"{type(exc).__name__}: {exc}"))
    if len(payload) > max_record_bytes:
        return Record(n, b"", rejection=RejectedInput("too_large", f"record payload > limit {max_record_bytes} bytes"))
    if getattr(record.raw_stream, "limit", 0):   # bytes promised by Content-Length never came
        return Record(n, payload, rejection=RejectedInput("truncated", "record is shorter than its Content-Length"))
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return Record(n, payload, rejection=RejectedInput("http_status", f"HTTP status {status}"))
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = headers.get_header("Content-Type") or ""
    mime = ctype.split(";")[0].strip().lower()
    charset = _HEADER_CHARSET_RE.search(ctype)
    try:
        if mime in _HTML_TYPES or (not mime and sniff_format(payload) == "html"):
            text, encoding = decode_markup(payload, charset.group(1) if charset else None)
            doc = html_document(text, encoding=encoding, fmt="warc", url=url, published_at=None)
            # the page's own date wins; the capture date is the fallback
            if doc.published_at is None and date is not None:
                doc = replace(doc, published_at=date)
        elif mime == "text/plain":
            decoded = decode_text(payload)
            doc = text_document(decoded.text, decoded.encoding, "warc", url=url, published_at=date)
        else:
            return Record(n, payload, rejection=RejectedInput(
                "unsupported_content", f"{mime or 'unknown'} content at {url}"))
    except RejectedInput as rej:
        return Record(n, payload, rejection=rej)
    return Record(n, payload, doc)

