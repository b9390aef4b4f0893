"""The content-hash manifest: inputs whose exact bytes the warehouse has already handled.

A re-run on unchanged input must do almost nothing, so the inventory's fingerprints (taken once,
`flows.inputs.take_inventory`) are compared with `input_files` before any decoding or parsing.
Known bytes are accounted for as duplicates of what they were before, whatever their path is now.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from flows.inputs import Inventory
from flows.layout import WarehouseLayout
from flows.ledger import SKIPPED_VALIDATION, Ledger, new_run_id, run_counts, run_summary
from warehouse import store
from warehouse.lake import Lake


def skip_known_bytes(inventory: Inventory, db: Lake, ledger: Ledger) -> list[Path]:
    """The inventory's paths to read; the rest (bytes already published) go to the ledger as unchanged."""
    known = store.known_content_hashes(db)
    if not known:
        return inventory.paths
    fresh, unchanged = inventory.split_known(known)
    for unit in unchanged:
        ledger.record_unchanged(unit)
    return fresh


def record_if_nothing_new(inventory: Inventory, warehouse: Path, *, versions: dict) -> dict | None:
    """When every input's bytes are already published (or the inputs hold no file at all), record
    the run and return its summary without starting Prefect, loading the model or importing Great
    Expectations; else None."""
    db = Lake.at(warehouse)
    if not db.exists():
        return None
    started = datetime.now(timezone.utc)
    layout = WarehouseLayout(warehouse, new_run_id(started))
    ledger = Ledger(layout.run_id)
    if inventory.missing or skip_known_bytes(inventory, db, ledger):
        return None  # something to read, or to reject: the flow's work
    counts = run_counts(ledger)
    try:
        staged = {"input_files": layout.staged("input_files")}
        ledger.tables()["input_files"].write_parquet(staged["input_files"])
        store.record_run(db, dict(run_id=layout.run_id, flow_run_id=None, started_at=started,
                                  finished_at=datetime.now(timezone.utc), status="nothing_to_do",
                                  counts=json.dumps(counts), validation=json.dumps(SKIPPED_VALIDATION), **versions),
                         staged)
    finally:
        layout.discard_staging()
    return run_summary(layout.run_id, db, counts, SKIPPED_VALIDATION, "", rejected=[],
                       data_docs=str(layout.data_docs), status="nothing_to_do")
