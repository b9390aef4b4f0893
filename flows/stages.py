"""The tasks of `news_pipeline`, one per stage (and one per batch of documents for NLP).

Tasks are coarse because every Prefect task run costs tens of milliseconds of API work. All file
and database I/O happens here or in the modules these call; the transforms only see data.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from expectations.validate import TableValidator, ValidationReport, validate_frames
from flows.inputs import Inventory, read_files, take_inventory
from flows.layout import WarehouseLayout
from flows.ledger import Ledger
from flows.manifest import skip_known_bytes
from flows.runtime.workers import load_model, nlp_pool
from flows.settings import Settings
from transforms import schema
from transforms.analyse import document_tables
from transforms.document import SourceDocument
from transforms.ingest.formats import parse_field_map
from transforms.integrity import iter_validation_frames
from transforms.resolve import Features, apply_resolution, known_scope, resolve
from transforms.segment import segment_documents
from warehouse import store
from warehouse.lake import Lake

#: What the flow stages (and validates): the document tables, entities and the input ledger.
STAGED_TABLES = (*(t.name for t in schema.DOCUMENT_TABLES), "entities", "input_files", "rejections")


@task(name="discover-inputs", cache_policy=NO_CACHE)
def discover_inputs(inputs: list[str], since: datetime | None, max_file_bytes: int, stage=None) -> Inventory:
    return take_inventory(inputs, since, max_file_bytes, stage)


def select_inputs(inventory: Inventory, db: Lake, ledger: Ledger, *, full_refresh: bool, reprocess_outdated: bool,
                  versions: dict) -> tuple[list[Path], set[str]]:
    """(paths to read, doc_ids not to publish again): known bytes are skipped unless the run
    reprocesses everything (`full_refresh`) or documents of other versions (`reprocess_outdated`)."""
    ledger.reject_missing(inventory.missing)
    published = store.published_doc_ids(db)
    ledger.published_before = frozenset(published)  # what a publish now reprocesses rather than adds
    known = set() if full_refresh else published
    if reprocess_outdated and known:
        return inventory.paths, known - store.outdated_doc_ids(db, **versions)
    if known:
        return skip_known_bytes(inventory, db, ledger), known
    return inventory.paths, known


@task(name="read-inputs", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def read_inputs(paths: list[Path], known_doc_ids: set[str], settings: Settings, ledger: Ledger,
                progress=None) -> list[SourceDocument]:
    read = Ledger(ledger.run_id)  # a retry starts from a clean sheet
    read.published_before = ledger.published_before
    documents = read_files(paths, read, known_doc_ids=known_doc_ids, max_file_bytes=settings.max_file_bytes,
                           field_map=parse_field_map(settings.json_fields) or None,
                           max_decompressed_bytes=settings.max_decompressed_bytes or None,
                           default_language=settings.default_language, progress=progress)
    ledger.absorb(read)
    return documents


@task(name="analyse-batch", cache_policy=NO_CACHE)
def analyse_batch(documents: list[SourceDocument], settings: Settings, run_id: str, recurring: frozenset[str],
                  nlp_workers: int = 0, token: int | None = None, on_document=None) -> dict[str, pl.DataFrame]:
    """Segment one batch here, then parse and extract it: in a local worker process when
    `nlp_workers`, else wherever the task runner runs this task (the flow's process, a Dask worker).

    Progress per document: a worker reports the batch's `token` to the pool's listener; in the
    flow's process `on_document()` is called (a Dask worker gets neither: it reports per batch)."""
    blocks = segment_documents(documents, recurring=recurring)
    if nlp_workers:
        return nlp_pool(nlp_workers, settings.spacy_model).submit(documents, run_id, blocks, token).result()
    return document_tables(documents, blocks, load_model(settings.spacy_model), run_id=run_id,
                           on_document=on_document)


@task(name="resolve-across-documents", cache_policy=NO_CACHE)
def resolve_across_documents(tables: dict[str, pl.DataFrame], db: Lake,
                             features: Features) -> tuple[dict, dict[str, pl.DataFrame]]:
    """Link the batch to entities, stories and statements already published; returns the tables
    and the updates of published rows (see `apply_resolution`)."""
    scope = known_scope(tables, store.read_entities(db))
    known = store.read_known(db, exclude_doc_ids=tables["documents"]["doc_id"].to_list(), scope=scope)
    return apply_resolution(tables, resolve(tables, known, features))


@task(name="stage-parquet", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def stage_parquet(tables: dict[str, pl.DataFrame], layout: WarehouseLayout) -> dict[str, Path]:
    paths = {}
    for name, df in tables.items():
        paths[name] = layout.staged(name)
        schema.conform(schema.TABLES[name], df).write_parquet(paths[name])
    return paths


def prepare_validator(docs_root: Path) -> TableValidator:
    with store.folder_lock(docs_root, "gx.lock"):  # see `validate`
        validator = TableValidator(docs_root).prepare(STAGED_TABLES)
        validator.registered_at = _stamp_gx_project(docs_root)
        return validator


def _gx_project_stamp(root: Path) -> str | None:
    stamp = root / "gx" / "newsflow-registration"
    return stamp.read_text() if stamp.exists() else None


def _stamp_gx_project(root: Path) -> str:
    """Mark who registered suites in the shared GX project last (a fresh token per registration)."""
    import uuid

    stamp = root / "gx" / "newsflow-registration"
    stamp.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    stamp.write_text(token)
    return token


@task(name="validate", cache_policy=NO_CACHE)
def validate(staged: dict[str, Path], layout: WarehouseLayout,
             validator: TableValidator | None = None) -> tuple[ValidationReport, dict[str, Path]]:
    """Validate the staged tables; returns the report and the staged tables plus its results."""
    tables = {name: pl.read_parquet(path) for name, path in staged.items()}
    # Runs at once share the Great Expectations project under the warehouse: each registers its
    # suites afresh and validates while it holds the project, or another run's registration in
    # between makes GX refuse the suites as changed since saved.
    # A context made ahead (imports and registration overlap parsing) is used only when no other
    # run registered since; else a fresh one reads the project as it is now.
    with store.folder_lock(layout.root, "gx.lock"):
        fresh = validator is not None and validator.registered_at == _gx_project_stamp(layout.root)
        report = validate_frames(iter_validation_frames(tables), docs_root=layout.root, run_name=layout.run_id,
                                 validator=validator if fresh else None)
        _stamp_gx_project(layout.root)
    results = layout.staged("validation_results")
    report.frame(layout.run_id).write_parquet(results)
    return report, dict(staged, validation_results=results)


@task(name="publish", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def publish(db: Lake, staged: dict[str, Path], run_row: dict, doc_ids: list[str],
            updates: dict[str, pl.DataFrame]) -> dict[str, int]:
    return store.publish(db, staged, run_row=run_row, doc_ids=doc_ids, **updates)
