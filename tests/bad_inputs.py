"""A corpus of bad, faulty and hostile input files, generated (never hand-copied) with the
outcome the pipeline must record for each.

    python tests/bad_inputs.py OUTDIR        # writes the corpus and prints case -> outcome -> reason

`write_corpus(outdir)` returns one `Case` per input unit: a file, or a record of a JSON/JSONL/WARC
file ("name#n"). Outcomes are those of `input_files`: published, duplicate (`reason` then names the
file it duplicates) or rejected (`reason` is the `rejections.reason`).
"""
from __future__ import annotations

import io
import os
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

#: The single-line file that must be rejected unread (bigger than the default 20 MB limit).
HUGE_LINE_BYTES = 50_000_000
#: Levels of nesting of the deep HTML page.
DEEP_LEVELS = 100_000
#: Characters of the one-paragraph article (long enough to need several parse pieces when
#: transforms.analyse.parse.MAX_PARSE_CHARS is lowered, short enough to parse in a second or two).
LONG_PARAGRAPH_CHARS = 40_000


@dataclass(frozen=True)
class Case:
    name: str            # path relative to the corpus folder, plus "#n" for a record
    outcome: str         # published | duplicate | rejected
    reason: str | None   # rejection reason, or the name a duplicate duplicates
    what: str


def article(topic: str, n: int = 3) -> str:
    """A short, distinct English news text (a title and n paragraphs)."""
    lines = [f"{topic.title()} talks resume in Geneva", ""]
    for i in range(n):
        lines.append(
            f"Negotiators from Norway and Canada met on Tuesday to discuss {topic}, officials said. "
            f"\"We made progress on point {i + 1} of the {topic} plan,\" said Maria Keller, a spokeswoman "
            f"for the Norwegian delegation.")
        lines.append("")
    return "\n".join(lines)


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("story.txt", article("zip archive"))
    return buf.getvalue()


def _pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"stream\n" + bytes(range(256)) * 8 + b"\nendstream\n%%EOF\n")


def _warc_gz() -> bytes:
    """Three HTML responses in a WARC.gz (one gzip member per record)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i, topic in enumerate(("fishing quotas", "rail freight", "port tariffs")):
        body = article(topic, 8).replace("\n\n", "</p><p>")
        page = f"<html><head><title>{topic}</title></head><body><p>{body}</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://news.example.org/{i}", "response", payload=io.BytesIO(page),
                                            http_headers=headers))
    return buf.getvalue()


def _truncated_warc_gz() -> bytes:
    """The archive cut inside its third record: the first two are intact gzip members."""
    data = _warc_gz()
    members, pos = [], 0
    while pos < len(data):   # find member boundaries by decompressing member by member
        d = zlib.decompressobj(wbits=31)
        d.decompress(data[pos:])
        end = len(data) - len(d.unused_data)
        members.append((pos, end))
        pos = end
    third_start, third_end = members[2]
    return data[: third_start + (third_end - third_start) // 2]


def write_corpus(outdir: Path, seed_file: Path | None = None) -> list[Case]:
    """Write the corpus into `outdir` (created); returns the expected outcome of every unit.

    `seed_file`, when given, is copied under another name: it must come out as a duplicate of the
    seed (pass the seed file's path as it will be discovered).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def put(name: str | bytes, data: bytes, outcome: str, reason: str | None, what: str) -> None:
        path = os.path.join(os.fsencode(outdir), name) if isinstance(name, bytes) else outdir / name
        with open(path, "wb") as fh:
            fh.write(data)
        shown = os.fsdecode(name) if isinstance(name, bytes) else name
        cases.append(Case(shown, outcome, reason, what))

    # --- empty and not text
    put("empty.txt", b"", "rejected", "empty", "0 bytes")
    put("whitespace.txt", b" \n\t\r\n   \n\x0c\n", "rejected", "empty", "only whitespace")
    put("picture.txt", _png(), "rejected", "binary", "PNG bytes under .txt")
    put("archive.txt", _zip(), "rejected", "binary", "ZIP bytes under .txt")
    put("document.txt", _pdf(), "rejected", "binary", "PDF bytes under .txt")
    put("noise.txt", bytes((i * 7919 + 13) % 256 for i in range(8192)), "rejected", "undecodable",
        "pseudo-random bytes")

    # --- encodings
    put("invalid_utf8.txt", article("invalid bytes").encode() + b"\n\xff\xc3\x28 caf\xe9 \x80\n",
        "published", None, "UTF-8 with invalid sequences: read as cp1252")
    put("utf16_no_bom.txt", article("wide characters").encode("utf-16-le"), "published", None,
        "UTF-16-LE without BOM")
    put("mixed_encodings.txt", "Caf\u00e9 owners protest — “new rules”\n\n".encode()
        + article("mixed encodings").encode("cp1252"), "published", None,
        "a UTF-8 line followed by cp1252 text")
    same = article("duplicate text")
    put("same_article.txt", same.encode(), "published", None, "an article")
    put("same_article_copy_utf16.txt", same.encode("utf-16"), "duplicate", "same_article.txt",
        "the same article under another name and encoding")
    if seed_file is not None:
        put("seed copy.txt", seed_file.read_bytes(), "duplicate", str(seed_file), "a seed under another name")

    # --- layouts: every one publishes, with spans into the raw text
    put("only_line_breaks.txt", b"\r\n" * 500 + b"\n" * 500 + b"\r" * 100, "rejected", "empty",
        "nothing but line breaks")
    put("mixed_line_ends.txt", article("mixed line ends").replace("\n", "\r\n", 3).encode(), "published", None,
        "CRLF and LF in one file")
    put("big_table.txt", ("League results\n\n" + "\n".join(
        f"{i}. Team Number{i} {i % 9} {i % 7} {i % 5} {30 - i % 30}" for i in range(500))).encode(),
        "published", None, "a table of 500 lines (10,000 lines: tests/test_segment_layout.py)")
    put("no_punctuation.txt", "\n".join(
        "officials in the capital met again on tuesday and talked about the budget and the roads"
        for _ in range(40)).encode(), "published", None, "no sentence punctuation at all")

    # --- size
    with open(outdir / "huge_line.txt", "wb") as fh:
        chunk = b"word " * 200_000
        for _ in range(HUGE_LINE_BYTES // len(chunk)):
            fh.write(chunk)
    cases.append(Case("huge_line.txt", "rejected", "too_large", "50 MB on one line: rejected unread"))
    words = "The committee reviewed the figures again and the minister said the plan would hold. "
    long_par = "Long paragraph survives intact\n\n" + (words * (LONG_PARAGRAPH_CHARS // len(words) + 1)) + "\n"
    put("long_paragraph.txt", long_par.encode(), "published", None, f"a {len(long_par)}-character paragraph")

    # --- HTML
    put("malformed.html", (
        "<html><head><title>Broken markup survives</head><body><div class=\"a><p>Opening paragraph "
        "<b>bold <i>italic</b> text</i> with no closing tags<p>" + article("broken markup").replace("\n\n", "<p>")
        + "</span></div></div></td><p>Trailing text after stray closers.").encode(),
        "published", None, "unclosed, misnested and stray tags")
    with open(outdir / "deep.html", "wb") as fh:
        fh.write(b"<html><body><p>Before the nest.</p>" + b"<div>" * DEEP_LEVELS + b"deep text"
                 + b"</div>" * DEEP_LEVELS + b"<p>After the nest.</p></body></html>")
    cases.append(Case("deep.html", "rejected", "too_deep", f"{DEEP_LEVELS} levels of <div>"))
    put("script.html", ("<html><head><script>" + "var x = {'a': [1, 2, 3]}; " * 20_000
                        + "</script></head><body><script>document.write('hi')</script>"
                        + "<style>p { color: red }</style></body></html>").encode(),
        "rejected", "empty", "a page that is all script and style")
    put("external_refs.html", (
        '<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY ext SYSTEM "http://127.0.0.9:9/xxe">]>\n'
        '<html><head><link rel="stylesheet" href="http://127.0.0.9:9/s.css">'
        '<script src="http://127.0.0.9:9/a.js"></script></head><body>&ext;'
        '<img src="http://127.0.0.9:9/pixel.gif"><iframe src="http://127.0.0.9:9/frame"></iframe><p>'
        + article("external references").replace("\n\n", "</p><p>") + "</p></body></html>").encode(),
        "published", None, "DTD with an external entity, remote img/link/script/iframe")

    # --- JSON and JSON Lines
    good = article("records", 2)
    put("wrong_types.json", (
        '[{"title": 5, "text": "' + good.replace("\n", "\\n").replace('"', '\\"') + '"},'
        ' {"title": "List text", "text": ["not", "a", "string"]}, {"text": 12}, "just a string",'
        ' {"title": "Dict body", "body": {"nested": true}}]').encode(),
        "rejected", "no_documents", "array of records that all have a wrong type")
    cases += [Case("wrong_types.json#1", "rejected", "bad_field", "title is a number"),
              Case("wrong_types.json#2", "rejected", "bad_field", "text is a list"),
              Case("wrong_types.json#3", "rejected", "bad_field", "text is a number"),
              Case("wrong_types.json#4", "rejected", "bad_record", "a string, not an object"),
              Case("wrong_types.json#5", "rejected", "bad_field", "body is an object")]
    esc = article("json lines", 2).replace("\n", "\\n").replace('"', '\\"')
    put("records.jsonl", "\n".join([
        '{"title": "Only a title"}',
        '{"title": "Good record", "text": "' + esc + '", "published": "2024-05-01T10:00:00Z"}',
        '{"title": "Cut short", "text": "The line ends in the mid',
        '[1, 2, 3]',
        '{"title": "Lone \\ud800 surrogate", "text": "A record whose text holds a lone \\udc00 surrogate '
        'escape, which no UTF-8 writer accepts, kept as a replacement character."}',
        '{"text": null, "html": null}',
    ]).encode(), "published", None, "JSON Lines with missing fields, a truncated line, a non-object")
    cases += [Case("records.jsonl#1", "rejected", "missing_text", "no text field"),
              Case("records.jsonl#2", "published", None, "a good record"),
              Case("records.jsonl#3", "rejected", "bad_json", "truncated line"),
              Case("records.jsonl#4", "rejected", "bad_record", "an array, not an object"),
              Case("records.jsonl#5", "published", None, "lone surrogate escapes"),
              Case("records.jsonl#6", "rejected", "missing_text", "null text and html")]
    put("truncated.json", b'{"articles": [{"title": "Cut", "text": "The file ends in the mi',
        "rejected", "bad_json", "JSON cut mid-value")
    put("deep.json", b"[" * DEEP_LEVELS + b"]" * DEEP_LEVELS, "rejected", "too_deep",
        f"{DEEP_LEVELS} levels of nested arrays")

    # --- WARC
    put("truncated.warc.gz", _truncated_warc_gz(), "published", None, "WARC.gz cut inside its third record")
    cases += [Case("truncated.warc.gz#1", "published", None, "intact record"),
              Case("truncated.warc.gz#2", "published", None, "intact record"),
              Case("truncated.warc.gz#3", "rejected", "damaged", "gzip member cut short")]

    # --- things that are not readable files
    os.symlink("no-such-target.txt", outdir / "vanished.txt")
    cases.append(Case("vanished.txt", "rejected", "unreadable", "dangling symlink: the file is gone"))
    os.symlink("loop.txt", outdir / "loop.txt")
    cases.append(Case("loop.txt", "rejected", "unreadable", "symlink pointing at itself"))
    os.mkfifo(outdir / "pipe.txt")
    cases.append(Case("pipe.txt", "rejected", "not_a_file", "a FIFO (reading it would block)"))
    (outdir / "sub").mkdir()
    os.symlink("..", outdir / "sub" / "cycle")
    cases.append(Case("sub/cycle", "rejected", "symlinked_folder", "symlinked folder pointing at its parent"))

    # --- unusual names (each a distinct article, so each must publish under its own name)
    odd_names = [" spaced  name .txt", "ünïcödé – 記事.txt", "new\nline.txt", "-leading-dash.txt",
                 "--warehouse=elsewhere.txt", "dots...in..name.txt"]
    for i, name in enumerate(odd_names):
        put(name, article(f"unusual name {i}", 1).encode(), "published", None, "unusual file name")
    put(b"latin1-caf\xe9.txt", article("undecodable name", 1).encode(), "published", None,
        "file name that is not valid UTF-8")
    return cases


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/bad_inputs.py OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    for case in write_corpus(out):
        print(f"{case.name!r:40} {case.outcome:10} {case.reason or '':20} {case.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
