"""The content-hash manifest: inputs whose exact bytes the warehouse has already handled.

A re-run on unchanged input must do almost nothing, so files are hashed (cheap, streaming; never
FIFOs or files over the size limit) and compared with `input_files` before any decoding or parsing. Known bytes are accounted for as
duplicates of what they were before, whatever their path is now.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flows.sources import discover, display_path, file_fingerprint
from transforms import schema
from warehouse import store


def partition_known(paths: list[Path], db: Path, run_id: str, max_file_bytes: int) -> tuple[list[Path], list[dict]]:
    """(paths to read, input_files rows for paths whose bytes were already published)."""
    known = store.known_content_hashes(db)
    if not known:
        return paths, []
    fresh, rows = [], []
    for path in paths:
        fingerprint = file_fingerprint(path, max_file_bytes)
        if fingerprint is None or fingerprint[1] not in known:
            fresh.append(path)  # new bytes, or the read stage records why it cannot read them
            continue
        size, digest = fingerprint
        rows.append(dict(run_id=run_id, source_path=display_path(path), size_bytes=size, content_sha256=digest,
                         doc_id=known[digest], outcome="duplicate", detail="already published (same bytes)"))
    return fresh, rows


def find_inputs(inputs: list[str], since: datetime | None = None) -> tuple[list[Path], list[dict]]:
    """Files under the inputs (glob patterns expanded), optionally only those modified since a date."""
    expanded: list[str] = []
    for item in inputs:
        # A name that exists is taken literally, even if it looks like a pattern ("report[1].txt").
        pattern = glob.has_magic(item) and not os.path.lexists(item)
        expanded += (sorted(glob.glob(item, recursive=True)) if pattern else []) or [item]
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


def record_if_nothing_new(inputs: list[str], warehouse: Path, *, since: datetime | None, versions: dict,
                          max_file_bytes: int) -> dict | None:
    """When every input's bytes are already published, record the run and return its summary
    without starting Prefect, loading the model or importing Great Expectations; else None."""
    db = warehouse / store.DB_NAME
    if not db.exists():
        return None
    started = datetime.now(timezone.utc)
    run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    paths, missing = find_inputs(inputs, since)
    fresh, unchanged = partition_known(paths, db, run_id, max_file_bytes)
    if fresh or missing or not unchanged:
        return None
    counts = {"files": len(unchanged), "documents_new": 0, "documents_duplicate": len(unchanged),
              "documents_rejected": 0, "blocks": 0, "sentences": 0, "entity_mentions": 0, "quotes": 0,
              "entities": 0}
    validation = {"evaluated": 0, "failed_critical": 0, "failed_warning": 0,
                  "outcome": "skipped: no new input"}
    staging = warehouse / "staging" / run_id
    staging.mkdir(parents=True, exist_ok=True)
    try:
        staged = {"input_files": staging / "input_files.parquet"}
        schema.INPUT_FILES.frame(unchanged).write_parquet(staged["input_files"])
        store.record_run(db, dict(run_id=run_id, flow_run_id=None, started_at=started,
                                  finished_at=datetime.now(timezone.utc), status="nothing_to_do",
                                  counts=json.dumps(counts), validation=json.dumps(validation), **versions), staged)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dict(run_id=run_id, warehouse=str(db), counts=counts, validation=validation, status="nothing_to_do",
                validation_failures="")
