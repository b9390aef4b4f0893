"""Input files: finding them (an `Inventory`, hashed once per run) and reading them into decoded
documents, every file and record reported to the run's `Ledger` (all file I/O of ingest)."""
from __future__ import annotations

import glob
import hashlib
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_serializer

from flows.ledger import ALREADY_PUBLISHED, InputUnit, Ledger
from transforms.document import SourceDocument
from transforms.ingest.decode import RejectedInput, content_sha256, doc_id_for
from transforms.ingest.formats import ParsedDocument, ParsedInput, parse_input

#: Decompressed WARC.gz content is capped at this many times max_file_bytes unless told otherwise
#: (news WARCs compress about 5-10x; a gzip bomb must not be expanded without limit).
DECOMPRESSION_FACTOR = 10


class Inventory(BaseModel):
    """The files a run was given (`paths`), the inputs it could not take (`missing`: rows of
    source_path, reason, detail) and each path's (size, sha256) or None (`fingerprints`, aligned
    with `paths`; None for what the read stage will reject unread).

    A flow parameter when the caller took it already (the CLI): Prefect records only its counts
    (`summary`), since paths need not be valid UTF-8 and a large input would bloat the run record.
    """

    model_config = ConfigDict(frozen=True)

    paths: list[Path] = []
    missing: list[dict] = []
    fingerprints: list[tuple[int, str] | None] = []

    @model_serializer
    def summary(self) -> dict[str, int]:
        return {"files": len(self.paths), "missing": len(self.missing)}

    def split_known(self, known_hashes: dict[str, str | None]) -> tuple[list[Path], list[InputUnit]]:
        """(paths to read, units whose bytes are among `known_hashes`: sha256 -> doc_id)."""
        fresh, unchanged = [], []
        for path, fingerprint in zip(self.paths, self.fingerprints):
            if fingerprint is None or fingerprint[1] not in known_hashes:
                fresh.append(path)  # new bytes, or the read stage records why it cannot read them
                continue
            size, digest = fingerprint
            unchanged.append(InputUnit(display_path(path), size, digest, known_hashes[digest]))
        return fresh, unchanged


def take_inventory(inputs: list[str], since: datetime | None, max_file_bytes: int, stage=None) -> Inventory:
    """Find the files under the inputs (`find_inputs`) and fingerprint each (`file_fingerprint`);
    `stage` (a `flows.observe.Stage`) learns the number of files and advances as each is hashed."""
    paths, missing = find_inputs(inputs, since)
    if stage is not None:
        stage.set_total(len(paths))
    fingerprints = []
    for path in paths:
        fingerprints.append(file_fingerprint(path, max_file_bytes))
        if stage is not None:
            stage.advance()
    return Inventory(paths=paths, missing=missing, fingerprints=fingerprints)


def find_inputs(inputs: list[str], since: datetime | None = None) -> tuple[list[Path], list[dict]]:
    """Files under the inputs (glob patterns expanded), optionally only those modified since a date."""
    expanded: list[str] = []
    for item in inputs:
        # A name that exists is taken literally, even if it looks like a pattern ("report[1].txt");
        # a pattern that matches nothing adds nothing (a literal name that does not exist is a
        # `not_found` rejection: the CLI refuses it before the run, `flows.preflight`).
        pattern = glob.has_magic(item) and not os.path.lexists(item)
        expanded += sorted(glob.glob(item, recursive=True)) if pattern else [item]
    paths, missing = discover(expanded)
    if since is not None:
        cutoff = since.timestamp()
        paths = [p for p in paths if _mtime(p) >= cutoff]
    return paths, missing


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")  # keep it: the read stage records why it cannot be read


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


def read_files(paths: list[Path], ledger: Ledger, *, known_doc_ids: set[str], max_file_bytes: int,
               field_map: dict[str, str] | None = None,
               max_decompressed_bytes: int | None = None, default_language: str = "en",
               progress=None) -> list[SourceDocument]:
    """Read, sniff and parse each file; every file and every record is reported to `ledger`.

    Single-document inputs (text, HTML) get one input_files row under their path. Multi-document
    inputs (JSON, JSON Lines, WARC) get one row per record under "path#n" (n: the record's
    1-based position; the line number in JSON Lines) plus one row for the file itself, whose
    outcome is published if any record was, else duplicate if any was, else rejected, and whose
    detail counts the records. `field_map` overrides the JSON field mapping
    (`transforms.ingest.formats.DEFAULT_FIELDS`). A document whose language no detector can name
    gets `default_language`. `progress(n)` is called as each file is done. Returns the documents
    to publish.
    """
    reader = _Reader(ledger, known_doc_ids, default_language)
    limit = max_decompressed_bytes or DECOMPRESSION_FACTOR * max_file_bytes
    for path in paths:
        if progress is not None:
            progress(1)
        unit = InputUnit(display_path(path))
        try:
            data = _read_regular(path, max_file_bytes, unit)
            unit.content_sha256 = content_sha256(data)
            parsed = parse_input(data, path.name, field_map=field_map, max_record_bytes=max_file_bytes,
                                 max_decompressed_bytes=limit)
        except RejectedInput as rej:
            ledger.reject(unit, rej.reason, rej.detail)
            continue
        except OSError as exc:
            ledger.reject(unit, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a parser bug on one hostile file must not stop the run
            ledger.reject(unit, "parse_error", f"{type(exc).__name__}: {exc}")
            continue
        if parsed.multi:
            reader.records(unit, parsed)
        elif parsed.records[0].rejection is not None:
            ledger.reject(unit, parsed.records[0].rejection.reason, parsed.records[0].rejection.detail)
        else:
            reader.accept(unit, parsed.records[0].document)
    return reader.documents


def file_fingerprint(path: Path, max_file_bytes: int) -> tuple[int, str] | None:
    """(size, sha256) of a regular file within the size limit, hashed as a stream; None for
    anything the read stage rejects unread (missing, not a regular file, too large) or cannot open,
    so a content-hash check before reading never blocks on a FIFO or reads an over-size file."""
    try:
        _check_regular(os.stat(path), max_file_bytes)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            _check_regular(st, max_file_bytes)
            return st.st_size, hashlib.file_digest(fh, "sha256").hexdigest()
    except (OSError, RejectedInput):
        return None


_FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _check_regular(st: os.stat_result, max_file_bytes: int, unit: InputUnit | None = None) -> None:
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _FILE_KINDS if test(st.st_mode)), "not a regular file")
        raise RejectedInput("not_a_file", f"path is {what}")
    if unit is not None:
        unit.size_bytes = st.st_size
    if st.st_size > max_file_bytes:
        raise RejectedInput("too_large", f"{st.st_size} bytes > limit {max_file_bytes}")


def _read_regular(path: Path, max_file_bytes: int, unit: InputUnit) -> bytes:
    """The bytes of a regular file of at most `max_file_bytes`, else RejectedInput / OSError.

    stat first, so an over-size file or a FIFO is rejected without being opened (reading a FIFO
    would block the run). The open is non-blocking and re-checked with fstat in case the path was
    swapped meanwhile, and the read stops one byte past the limit in case the file grew.
    """
    _check_regular(os.stat(path), max_file_bytes, unit)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as fh:
        _check_regular(os.fstat(fd), max_file_bytes, unit)
        data = fh.read(max_file_bytes + 1)
    if len(data) > max_file_bytes:
        raise RejectedInput("too_large", f"file grew past the limit {max_file_bytes} bytes while read")
    unit.size_bytes = len(data)
    return data


class _Reader:
    """The documents of one read and their outcomes: new, or a duplicate of what came before."""

    def __init__(self, ledger: Ledger, known_doc_ids: set[str], default_language: str):
        self.ledger, self.known, self.default_language = ledger, known_doc_ids, default_language
        self.documents: list[SourceDocument] = []
        self.first_path_of: dict[str, str] = {}

    def records(self, file: InputUnit, parsed: ParsedInput) -> None:
        counts = {"published": 0, "duplicate": 0, "rejected": 0}
        for rec in parsed.records:
            unit = InputUnit(f"{file.source_path}#{rec.number}", len(rec.payload) if rec.payload else None,
                             content_sha256(rec.payload) if rec.payload else None)
            if rec.rejection is not None:
                self.ledger.reject(unit, rec.rejection.reason, rec.rejection.detail)
                counts["rejected"] += 1
            else:
                counts[self.accept(unit, rec.document)] += 1
        detail = (f"{len(parsed.records)} {parsed.format.upper()} records: {counts['published']} published, "
                  f"{counts['duplicate']} duplicate, {counts['rejected']} rejected")
        if parsed.skipped:
            detail += f"; {parsed.skipped} non-content records skipped"
        if counts["published"]:
            self.ledger.record(file, "published", detail)
        elif counts["duplicate"]:
            self.ledger.record(file, "duplicate", detail)
        else:
            self.ledger.reject(file, "no_documents", detail)

    def accept(self, unit: InputUnit, doc: ParsedDocument) -> str:
        """Publish-to-be or duplicate; returns the outcome."""
        unit.doc_id = doc_id = doc_id_for(doc.raw_text)
        if doc_id in self.known:
            self.ledger.record(unit, "duplicate", ALREADY_PUBLISHED)
            return "duplicate"
        if doc_id in self.first_path_of:
            self.ledger.record(unit, "duplicate", f"same text as {self.first_path_of[doc_id]}")
            return "duplicate"
        self.first_path_of[doc_id] = unit.source_path
        self.ledger.record(unit, "published", None)
        self.documents.append(SourceDocument(
            doc_id=doc_id, source_path=unit.source_path, format=doc.format, encoding=doc.encoding,
            raw_text=doc.raw_text, content_sha256=unit.content_sha256, ingested_at=datetime.now(timezone.utc),
            title=doc.title, source_name=doc.source_name, url=doc.url, published_at=doc.published_at,
            author=doc.author, language=doc.language or self.default_language, main_text=doc.main_text,
        ))
        return "published"
