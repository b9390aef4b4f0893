"""Finding input files and reading them into decoded documents (all file I/O of ingest)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from transforms.decode import RejectedInput, content_sha256, decode_text, doc_id_for
from transforms.nlp import SourceDocument

# Formats the next ingest issue adds; until then they are rejected by name, not misread as text.
_NOT_YET_SUPPORTED = {".html": "HTML", ".htm": "HTML", ".json": "JSON", ".jsonl": "JSON Lines",
                      ".warc": "WARC", ".gz": "compressed"}


@dataclass
class ReadResult:
    documents: list[SourceDocument] = field(default_factory=list)
    input_files: list[dict] = field(default_factory=list)
    rejections: list[dict] = field(default_factory=list)


def discover(inputs: list[str]) -> tuple[list[Path], list[dict]]:
    """Files named directly plus regular files under named folders (recursive, sorted).

    Returns the files and rejection rows for inputs that do not exist. Hidden files and folders
    are skipped; symlinked folders are not followed (no loops, nothing outside the input).
    """
    files, missing = [], []
    for item in inputs:
        path = Path(item)
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(root) / n for n in sorted(names) if not n.startswith(".")]
        else:
            missing.append(dict(source_path=str(path), reason="not_found", detail="no such file or folder"))
    seen, unique = set(), []
    for f in files:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique, missing


def read_files(paths: list[Path], *, known_doc_ids: set[str], max_file_bytes: int, run_id: str) -> ReadResult:
    """Read and decode each file; every path ends up published-to-be, duplicate or rejected."""
    out = ReadResult()
    first_path_of: dict[str, str] = {}
    for path in paths:
        source = str(path)
        row = dict(run_id=run_id, source_path=source, size_bytes=None, content_sha256=None, doc_id=None)
        try:
            size = path.stat().st_size
            row["size_bytes"] = size
            if size > max_file_bytes:
                raise RejectedInput("too_large", f"{size} bytes > limit {max_file_bytes}")
            suffix = path.suffix.lower()
            if suffix in _NOT_YET_SUPPORTED:
                raise RejectedInput("unsupported_format", f"{_NOT_YET_SUPPORTED[suffix]} input is not supported yet")
            data = path.read_bytes()
            row["content_sha256"] = content_sha256(data)
            decoded = decode_text(data)
        except RejectedInput as rej:
            _reject(out, row, rej.reason, rej.detail)
            continue
        except OSError as exc:
            _reject(out, row, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
            continue
        doc_id = doc_id_for(decoded.text)
        row["doc_id"] = doc_id
        if doc_id in known_doc_ids:
            out.input_files.append(dict(row, outcome="duplicate", detail="already published"))
        elif doc_id in first_path_of:
            out.input_files.append(dict(row, outcome="duplicate", detail=f"same text as {first_path_of[doc_id]}"))
        else:
            first_path_of[doc_id] = source
            out.input_files.append(dict(row, outcome="published", detail=None))
            out.documents.append(SourceDocument(
                doc_id=doc_id, source_path=source, format="text", encoding=decoded.encoding,
                raw_text=decoded.text, content_sha256=row["content_sha256"],
                ingested_at=datetime.now(timezone.utc),
            ))
    return out


def _reject(out: ReadResult, row: dict, reason: str, detail: str) -> None:
    out.input_files.append(dict(row, outcome="rejected", detail=f"{reason}: {detail}"))
    out.rejections.append(dict(source_path=row["source_path"], reason=reason, detail=detail, run_id=row["run_id"]))
