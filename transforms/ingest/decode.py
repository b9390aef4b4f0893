"""Bytes in, text out: decide whether an input is a text document and decode it.

The decoded string is kept verbatim (newlines included) because every span offset in the
warehouse indexes into it. Anything that is not text gets a `RejectedInput` with a reason.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

# File signatures of common binary formats that scrapers save under a text name.
_BINARY_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "ELF executable",
}
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


class RejectedInput(Exception):
    """An input that cannot become a document; `reason` is short and machine-readable."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def content_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_id_for(text: str) -> str:
    """Documents are identified by their decoded text, so re-encoded copies are one document."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def decode_text(data: bytes) -> DecodedText:
    """Decode bytes of a text document, or raise RejectedInput (empty, binary, undecodable)."""
    if not data.strip():
        raise RejectedInput("empty", f"{len(data)} bytes, no text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding, errors="strict"), encoding)
            except UnicodeDecodeError:
                break   # a BOM followed by bytes that do not decode is no BOM: detect as usual
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise RejectedInput("binary", f"content is {what}")
    bomless = _bomless_utf16(data)
    if bomless:
        try:
            return _checked(data.decode(bomless), bomless)
        except (UnicodeDecodeError, RejectedInput):
            pass
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    if not matches:
        raise RejectedInput("undecodable", "no text encoding fits the bytes")
    best = matches[0]
    # Short samples fit many code pages about equally; for English news Windows-1252 is by far
    # the most likely, so it wins whenever it decodes the bytes (nearly) as cleanly.
    if best.encoding not in _WESTERN:
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            western = None
        if western is not None and mess_ratio(western, 1.0) <= best.chaos + 0.05:
            return _checked(western, "cp1252")
    return _checked(str(best), best.encoding)


def _bomless_utf16(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" for UTF-16 without a BOM, else None.

    Text in a Latin script stored as UTF-16 has a zero high byte in nearly every code unit, so the
    zeros all sit at odd (LE) or all at even (BE) offsets. Such bytes are also valid UTF-8 (full
    of NULs) and would otherwise be rejected as binary.
    """
    sample = data[:8192]
    if len(data) % 2 or len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.3 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return None


#: Control characters other than the whitespace ones (tab, newline, vertical tab, form feed, return).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _checked(text: str, encoding: str) -> DecodedText:
    # Control characters other than whitespace mean binary content decoded by accident.
    sample = text[:20000]
    controls = len(_CONTROL_RE.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise RejectedInput("binary", f"{controls} control characters in the first {len(sample)} characters")
    if not text.strip():
        raise RejectedInput("empty", "only whitespace after decoding")
    return DecodedText(text, encoding)
