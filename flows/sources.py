"""Finding input files and reading them into decoded documents (all file I/O of ingest)."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from transforms.ingest.decode import RejectedInput, content_sha256, doc_id_for
from transforms.ingest.formats import ParsedDocument, ParsedInput, parse_input
from transforms.document import SourceDocument

#: Decompressed WARC.gz content is capped at this many times max_file_bytes unless told otherwise
#: (news WARCs compress about 5-10x; a gzip bomb must not be expanded without limit).
DECOMPRESSION_FACTOR = 10


@dataclass
class ReadResult:
    documents: list[SourceDocument] = field(default_factory=list)
    input_files: list[dict] = field(default_factory=list)
    rejections: list[dict] = field(default_factory=list)


def display_path(path: Path | str) -> str:
    """The path as text for the tables: names that are not valid UTF-8 (kept by Python as lone
    surrogates, which Parquet and DuckDB refuse) get their bad bytes shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def discover(inputs: list[str]) -> tuple[list[Path], list[dict]]:
    """Files named directly plus files under named folders (recursive, sorted).

    Returns the files and rejection rows for inputs that do not exist and for symlinked folders
    met in the walk (not followed: no loops, nothing outside the input, but accounted for).
    Hidden files and folders are skipped. Anything else that exists (FIFOs, dangling or looping
    symlinks) is returned as a file so that `read_files` rejects it with the reason.
    """
    files, missing = [], []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=False):
                links = sorted(d for d in dirs if not d.startswith(".") and os.path.islink(os.path.join(root, d)))
                missing += [dict(source_path=display_path(Path(root) / d), reason="symlinked_folder",
                                 detail="symlinked folder, not followed") for d in links]
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in links)
                files += [Path(root) / n for n in sorted(names) if not n.startswith(".")]
        elif os.path.lexists(path):
            files.append(path)
        else:
            missing.append(dict(source_path=display_path(path), reason="not_found", detail="no such file or folder"))
    seen, unique = set(), []
    for f in files:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique, missing


def read_files(paths: list[Path], *, known_doc_ids: set[str], max_file_bytes: int, run_id: str,
               field_map: dict[str, str] | None = None,
               max_decompressed_bytes: int | None = None) -> ReadResult:
    """Read, sniff and parse each file; every file and every record ends up accounted for.

    Single-document inputs (text, HTML) get one input_files row under their path. Multi-document
    inputs (JSON, JSON Lines, WARC) get one row per record under "path#n" (n: the record's
    1-based position; the line number in JSON Lines) plus one row for the file itself, whose
    outcome is published if any record was, else duplicate if any was, else rejected, and whose
    detail counts the records. `field_map` overrides the JSON field mapping
    (`transforms.ingest.formats.DEFAULT_FIELDS`).
    """
    out = ReadResult()
    first_path_of: dict[str, str] = {}
    limit = max_decompressed_bytes or DECOMPRESSION_FACTOR * max_file_bytes
    for path in paths:
        source = display_path(path)
        row = dict(run_id=run_id, source_path=source, size_bytes=None, content_sha256=None, doc_id=None)
        try:
            data = _read_regular(path, max_file_bytes, row)
            row["content_sha256"] = content_sha256(data)
            parsed = parse_input(data, path.name, field_map=field_map, max_record_bytes=max_file_bytes,
                                 max_decompressed_bytes=limit)
        except RejectedInput as rej:
            _reject(out, row, rej.reason, rej.detail)
            continue
        except OSError as exc:
            _reject(out, row, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a parser bug on one hostile file must not stop the run
            _reject(out, row, "parse_error", f"{type(exc).__name__}: {exc}")
            continue
        if not parsed.multi:
            rec = parsed.records[0]
            if rec.rejection is not None:
                _reject(out, row, rec.rejection.reason, rec.rejection.detail)
            else:
                _accept(out, row, rec.document, row["content_sha256"], known_doc_ids, first_path_of)
            continue
        _read_records(out, row, parsed, known_doc_ids, first_path_of)
    return out


def file_fingerprint(path: Path, max_file_bytes: int) -> tuple[int, str] | None:
    """(size, sha256) of a regular file within the size limit, hashed as a stream; None for
    anything the read stage rejects unread (missing, not a regular file, too large) or cannot open,
    so a content-hash check before reading never blocks on a FIFO or reads an over-size file."""
    try:
        _check_regular(os.stat(path), max_file_bytes, {})
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            _check_regular(st, max_file_bytes, {})
            return st.st_size, hashlib.file_digest(fh, "sha256").hexdigest()
    except (OSError, RejectedInput):
        return None


_FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _check_regular(st: os.stat_result, max_file_bytes: int, row: dict) -> None:
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _FILE_KINDS if test(st.st_mode)), "not a regular file")
        raise RejectedInput("not_a_file", f"path is {what}")
    row["size_bytes"] = st.st_size
    if st.st_size > max_file_bytes:
        raise RejectedInput("too_large", f"{st.st_size} bytes > limit {max_file_bytes}")


def _read_regular(path: Path, max_file_bytes: int, row: dict) -> bytes:
    """The bytes of a regular file of at most `max_file_bytes`, else RejectedInput / OSError.

    stat first, so an over-size file or a FIFO is rejected without being opened (reading a FIFO
    would block the run). The open is non-blocking and re-checked with fstat in case the path was
    swapped meanwhile, and the read stops one byte past the limit in case the file grew.
    """
    _check_regular(os.stat(path), max_file_bytes, row)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as fh:
        _check_regular(os.fstat(fd), max_file_bytes, row)
        data = fh.read(max_file_bytes + 1)
    if len(data) > max_file_bytes:
        raise RejectedInput("too_large", f"file grew past the limit {max_file_bytes} bytes while read")
    row["size_bytes"] = len(data)
    return data


def _read_records(out: ReadResult, file_row: dict, parsed: ParsedInput, known: set[str],
                  first_path_of: dict[str, str]) -> None:
    counts = {"published": 0, "duplicate": 0, "rejected": 0}
    for rec in parsed.records:
        row = dict(file_row, source_path=f"{file_row['source_path']}#{rec.number}",
                   size_bytes=len(rec.payload) if rec.payload else None,
                   content_sha256=content_sha256(rec.payload) if rec.payload else None, doc_id=None)
        if rec.rejection is not None:
            _reject(out, row, rec.rejection.reason, rec.rejection.detail)
            counts["rejected"] += 1
        else:
            counts[_accept(out, row, rec.document, row["content_sha256"], known, first_path_of)] += 1
    detail = (f"{len(parsed.records)} {parsed.format.upper()} records: {counts['published']} published, "
              f"{counts['duplicate']} duplicate, {counts['rejected']} rejected")
    if parsed.skipped:
        detail += f"; {parsed.skipped} non-content records skipped"
    if counts["published"]:
        out.input_files.append(dict(file_row, outcome="published", detail=detail))
    elif counts["duplicate"]:
        out.input_files.append(dict(file_row, outcome="duplicate", detail=detail))
    else:
        _reject(out, file_row, "no_documents", detail)


def _accept(out: ReadResult, row: dict, doc: ParsedDocument, sha: str, known: set[str],
            first_path_of: dict[str, str]) -> str:
    """Publish-to-be or duplicate; returns the outcome."""
    doc_id = doc_id_for(doc.raw_text)
    row["doc_id"] = doc_id
    source = row["source_path"]
    if doc_id in known:
        out.input_files.append(dict(row, outcome="duplicate", detail="already published"))
        return "duplicate"
    if doc_id in first_path_of:
        out.input_files.append(dict(row, outcome="duplicate", detail=f"same text as {first_path_of[doc_id]}"))
        return "duplicate"
    first_path_of[doc_id] = source
    out.input_files.append(dict(row, outcome="published", detail=None))
    out.documents.append(SourceDocument(
        doc_id=doc_id, source_path=source, format=doc.format, encoding=doc.encoding,
        raw_text=doc.raw_text, content_sha256=sha, ingested_at=datetime.now(timezone.utc),
        title=doc.title, source_name=doc.source_name, url=doc.url, published_at=doc.published_at,
        author=doc.author, language=doc.language, main_text=doc.main_text,
    ))
    return "published"


def _reject(out: ReadResult, row: dict, reason: str, detail: str) -> None:
    out.input_files.append(dict(row, outcome="rejected", detail=f"{reason}: {detail}"))
    out.rejections.append(dict(source_path=row["source_path"], reason=reason, detail=detail, run_id=row["run_id"]))
