"""Input accounting: the run id, what became of every input (the `input_files` and `rejections`
rows of one run) and the run summary.

Every input unit gets one `input_files` row: a file, or a record of a multi-record file (JSON,
JSON Lines, WARC) under "path#n" plus one row for the file itself. Rows are built here only;
discovery, the content-hash check, the read stage and the analyse stage report to the ledger.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from transforms import schema

#: The row counts a summary reports beside the ledger's counts (zero when nothing was analysed).
TABLE_COUNTS = ("blocks", "sentences", "entity_mentions", "quotes", "entities")
#: How the detail of a duplicate input_files row starts when the warehouse published its text
#: before (its bytes unchanged, or the same text in other bytes), as opposed to "same text as
#: <another input of this run>".
ALREADY_PUBLISHED = "already published"
#: The detail of an input skipped unread: its exact bytes were handled by an earlier run.
UNCHANGED = f"{ALREADY_PUBLISHED} (same bytes)"
#: How many rejected inputs a run summary names (all of them are in `rejections`).
NAMED_REJECTIONS = 5


def new_run_id(started: datetime) -> str:
    """A run id that sorts by start time and is unique across concurrent runs."""
    return f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass
class InputUnit:
    """What is known of one input unit (a file or a record) when its outcome is recorded."""

    source_path: str
    size_bytes: int | None = None
    content_sha256: str | None = None
    doc_id: str | None = None


class Ledger:
    """What became of every input of one run."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.input_files: list[dict] = []
        self.rejections: list[dict] = []
        #: doc_ids the warehouse had published before the run: a document published again
        #: (--full-refresh, --reprocess-outdated) is counted as reprocessed, not as new.
        self.published_before: frozenset[str] = frozenset()

    def record(self, unit: InputUnit, outcome: str, detail: str | None) -> None:
        """A unit that is published or a duplicate (`detail` says of what)."""
        self.input_files.append(dict(run_id=self.run_id, source_path=unit.source_path, size_bytes=unit.size_bytes,
                                     content_sha256=unit.content_sha256, doc_id=unit.doc_id, outcome=outcome,
                                     detail=detail))

    def reject(self, unit: InputUnit, reason: str, detail: str) -> None:
        """A unit that is not published: an input_files row and a rejections row."""
        self.record(unit, "rejected", f"{reason}: {detail}")
        self.rejections.append(dict(source_path=unit.source_path, reason=reason, detail=detail, run_id=self.run_id))

    def reject_missing(self, missing: list[dict]) -> None:
        """Inputs discovery could not take (`source_path`, `reason`, `detail` rows)."""
        for row in missing:
            self.reject(InputUnit(row["source_path"]), row["reason"], row["detail"])

    def record_unchanged(self, unit: InputUnit) -> None:
        """A file whose exact bytes the warehouse already handled: not read again."""
        self.record(unit, "duplicate", UNCHANGED)

    def absorb(self, other: Ledger) -> None:
        """Take over the rows another ledger of this run recorded (a stage's own sheet)."""
        self.input_files += other.input_files
        self.rejections += other.rejections

    def reject_document(self, doc_id: str, reason: str, detail: str) -> None:
        """A document that was read but failed later: its input becomes a rejection."""
        for row in self.input_files:
            if row["doc_id"] == doc_id and row["outcome"] == "published":
                row.update(outcome="rejected", detail=f"{reason}: {detail}")
                self.rejections.append(dict(source_path=row["source_path"], reason=reason, detail=detail,
                                            run_id=self.run_id))

    def counts(self) -> dict[str, int]:
        """Files and records counted apart, and what became of each document-sized input unit.

        `files` are the inputs named or found (a JSON, JSON Lines or WARC file counts once);
        `records` the records read from such files this run; `files_unchanged` the files skipped
        unread because the warehouse handled their exact bytes before. The documents_* counts
        are over units (single-document files and records) and keep apart: new, reprocessed
        (published before, published again), already published (the warehouse has its text), a
        duplicate of another input of this run, rejected. A multi-record file skipped unread is
        only a file: its records were counted by the run that read them.
        """
        containers = {r["source_path"].rsplit("#", 1)[0] for r in self.input_files if "#" in r["source_path"]}
        units = [r for r in self.input_files if r["source_path"] not in containers]
        unchanged = sum(r["detail"] == UNCHANGED for r in units)
        units = [r for r in units if not (r["detail"] == UNCHANGED and r["doc_id"] is None)]
        published = [r for r in units if r["outcome"] == "published"]
        duplicates = [r for r in units if r["outcome"] == "duplicate"]
        known = [r for r in duplicates if (r["detail"] or "").startswith(ALREADY_PUBLISHED)]
        return {
            "files": len({r["source_path"].rsplit("#", 1)[0] for r in self.input_files}),
            "records": sum("#" in r["source_path"] for r in self.input_files),
            "files_unchanged": unchanged,
            "documents_new": sum(r["doc_id"] not in self.published_before for r in published),
            "documents_reprocessed": sum(r["doc_id"] in self.published_before for r in published),
            "documents_already_published": len(known),
            "documents_duplicate": len(duplicates) - len(known),
            "documents_rejected": sum(r["outcome"] == "rejected" for r in units),
        }

    def named_rejections(self, limit: int = NAMED_REJECTIONS) -> list[dict]:
        """The first rejected inputs, with their reasons (all of them: the `rejections` table)."""
        return [{k: r[k] for k in ("source_path", "reason", "detail")} for r in self.rejections[:limit]]

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"input_files": schema.INPUT_FILES.frame(self.input_files),
                "rejections": schema.REJECTIONS.frame(self.rejections)}


def run_counts(ledger: Ledger, tables: dict[str, pl.DataFrame] | None = None) -> dict[str, int]:
    """The ledger's counts plus the row counts of the run's tables (zeros without tables)."""
    return {**ledger.counts(), **{name: tables[name].height if tables else 0 for name in TABLE_COUNTS}}


#: The validation summary of a run that had nothing to validate.
SKIPPED_VALIDATION = {"evaluated": 0, "failed_critical": 0, "failed_warning": 0, "outcome": "skipped: no new input"}


def run_summary(run_id: str, db, counts: dict, validation: dict, validation_failures: str, **outcome) -> dict:
    """What a run returns (and the CLI prints): ids, counts, validation, then its outcome (status, ...)."""
    return dict(run_id=run_id, warehouse=str(db), counts=counts, validation=validation,
                validation_failures=validation_failures, **outcome)
