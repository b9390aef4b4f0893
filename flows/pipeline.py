"""The `news_pipeline` flow: discover -> read -> segment + NLP -> Parquet -> validate -> publish.

Tasks are coarse (one per stage, one per batch of documents for NLP) because every Prefect task
run costs tens of milliseconds of API work. All file and database I/O happens here or in the
modules this flow calls; the transforms only see data.
"""
from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from expectations.validate import ValidationReport, validate_frames
from flows.settings import Settings
from flows.sources import ReadResult, discover, read_files
from transforms import schema
from transforms.batches import combine
from transforms.blocks import recurring_block_keys
from transforms.entities import add_entity_rules
from transforms.formats import parse_field_map
from transforms.integrity import validation_frames
from transforms.nlp import analyse_batch
from transforms.resolution import apply_resolution, resolve
from warehouse import store


class PipelineFailed(RuntimeError):
    """The run ended without publishing; `summary` says what happened."""

    def __init__(self, message: str, summary: dict):
        super().__init__(message)
        self.summary = summary


@dataclass
class WarehouseLayout:
    root: Path
    run_id: str
    db: Path = field(init=False)

    def __post_init__(self):
        self.db = self.root / store.DB_NAME

    @property
    def staging(self) -> Path:
        return self.root / "staging" / self.run_id

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine" / self.run_id

    def parquet(self, table: str) -> Path:
        return self.root / "parquet" / table / f"{self.run_id}.parquet"


@lru_cache(maxsize=2)
def load_model(name: str):
    """Load a spaCy pipeline once per process."""
    import spacy

    try:
        return add_entity_rules(spacy.load(name))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install its package or set NEWSFLOW_SPACY_MODEL"
        ) from exc


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@task(name="discover-inputs", cache_policy=NO_CACHE)
def discover_inputs(inputs: list[str]) -> tuple[list[Path], list[dict]]:
    return discover(inputs)


@task(name="read-and-decode", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def read_inputs(paths: list[Path], known: set[str], settings: Settings, run_id: str) -> ReadResult:
    return read_files(paths, known_doc_ids=known, max_file_bytes=settings.max_file_bytes, run_id=run_id,
                      field_map=parse_field_map(settings.json_fields) or None,
                      max_decompressed_bytes=settings.max_decompressed_bytes or None)


@task(name="analyse-batch", cache_policy=NO_CACHE)
def analyse(documents, settings: Settings, run_id: str, recurring: frozenset[str]) -> dict[str, pl.DataFrame]:
    return analyse_batch(documents, load_model(settings.spacy_model), run_id=run_id, recurring=recurring)


@task(name="resolve-across-documents", cache_policy=NO_CACHE)
def resolve_with_warehouse(tables: dict[str, pl.DataFrame], db: Path) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    """Link the batch to entities, stories and statements already published."""
    batch_docs = tables["documents"]["doc_id"].to_list()
    known = store.read_known(db, exclude_doc_ids=batch_docs)
    return apply_resolution(tables, resolve(tables, known))


@task(name="stage-parquet", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def stage(tables: dict[str, pl.DataFrame], directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, df in tables.items():
        path = directory / f"{name}.parquet"
        schema.conform(schema.TABLES[name], df).write_parquet(path)
        paths[name] = path
    return paths


@task(name="validate", cache_policy=NO_CACHE)
def validate(staged: dict[str, Path], docs_root: Path, run_id: str) -> ValidationReport:
    tables = {name: pl.read_parquet(path) for name, path in staged.items()}
    return validate_frames(validation_frames(tables), docs_root=docs_root, run_name=run_id)


@task(name="publish", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def publish(db: Path, staged: dict[str, Path], run_row: dict, doc_ids: list[str],
            updates: dict[str, pl.DataFrame]) -> dict[str, int]:
    return store.publish(db, staged, run_row=run_row, doc_ids=doc_ids, **updates)


@flow(name="news_pipeline", log_prints=False)
def news_pipeline(
    inputs: list[str],
    warehouse: str = "warehouse",
    full_refresh: bool = False,
    spacy_model: str | None = None,
    batch_size: int | None = None,
) -> dict:
    """Run the whole pipeline on files and folders; returns the run summary."""
    logger = get_run_logger()
    settings = Settings.from_env().with_overrides(spacy_model=spacy_model, batch_size=batch_size)
    started = datetime.now(timezone.utc)
    run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    layout = WarehouseLayout(Path(warehouse), run_id)
    layout.root.mkdir(parents=True, exist_ok=True)

    paths, missing = discover_inputs(inputs)
    known = set() if full_refresh else store.published_doc_ids(layout.db)
    read = read_inputs(paths, known, settings, run_id)
    rejections = [dict(r, run_id=run_id) for r in missing] + read.rejections
    input_files = read.input_files + [
        dict(run_id=run_id, source_path=r["source_path"], size_bytes=None, content_sha256=None, doc_id=None,
             outcome="rejected", detail=f"{r['reason']}: {r['detail']}")
        for r in missing
    ]
    logger.info("run %s: %d files, %d new documents", run_id, len(paths) + len(missing), len(read.documents))

    nlp = load_model(settings.spacy_model)
    recurring = recurring_block_keys(
        (d.raw_text for d in read.documents), min_documents=settings.min_recurring_documents
    )
    docs = read.documents
    batches = [
        analyse(docs[i:i + settings.batch_size], settings, run_id, recurring)
        for i in range(0, len(docs), settings.batch_size)
    ]
    tables, story_updates, statement_updates = resolve_with_warehouse(combine(batches), layout.db)
    tables["input_files"] = schema.INPUT_FILES.frame(input_files)
    tables["rejections"] = schema.REJECTIONS.frame(rejections)
    staged = stage(tables, layout.staging)
    report = validate(staged, layout.root, run_id)
    updates = dict(story_updates=story_updates, statement_updates=statement_updates)

    # Multi-record files (JSON, WARC) have a row per record ("path#n") and one for the file.
    containers = {r["source_path"].rsplit("#", 1)[0] for r in input_files if "#" in r["source_path"]}
    units = [r for r in input_files if r["source_path"] not in containers]
    counts = {
        "files": len({r["source_path"].rsplit("#", 1)[0] for r in input_files}),
        "documents_new": len(docs),
        "documents_duplicate": sum(r["outcome"] == "duplicate" for r in units),
        "documents_rejected": sum(r["outcome"] == "rejected" for r in units),
        **{name: tables[name].height for name in ("blocks", "sentences", "entity_mentions", "quotes", "entities")},
    }
    run_row = dict(
        run_id=run_id, flow_run_id=str(flow_run.get_id() or ""), started_at=started,
        finished_at=datetime.now(timezone.utc), counts=json.dumps(counts), validation=json.dumps(report.summary()),
        package_version=package_version("newsflow"), model_name=settings.spacy_model,
        model_version=nlp.meta.get("version", "unknown"),
    )
    summary = dict(run_id=run_id, warehouse=str(layout.db), counts=counts, validation=report.summary(),
                   validation_failures=report.describe_failures())
    staged_results = dict(staged, validation_results=_stage_results(report, run_id, layout.staging))

    if not report.passed:
        layout.quarantine.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(layout.staging), str(layout.quarantine))
        quarantined = {k: layout.quarantine / p.name for k, p in staged_results.items()}
        store.record_run(layout.db, dict(run_row, status="validation_failed"),
                         {k: v for k, v in quarantined.items() if k in ("input_files", "rejections", "validation_results")})
        summary["status"] = "validation_failed"
        summary["quarantine"] = str(layout.quarantine)
        raise PipelineFailed(
            f"validation blocked publishing; batch kept in {layout.quarantine}\n{report.describe_failures()}", summary
        )

    status = "published" if docs else "nothing_to_do"
    totals = publish(layout.db, staged_results, dict(run_row, status=status), [d.doc_id for d in docs], updates)
    _keep_parquet(layout, staged_results)
    summary.update(status=status, totals=totals)
    logger.info("run %s %s: %s", run_id, status, counts)
    return summary


def _stage_results(report: ValidationReport, run_id: str, directory: Path) -> Path:
    path = directory / "validation_results.parquet"
    report.frame(run_id).write_parquet(path)
    return path


def _keep_parquet(layout: WarehouseLayout, staged: dict[str, Path]) -> None:
    """Published batches stay as Parquet, one file per table per run, beside the DuckDB file."""
    for name, path in staged.items():
        target = layout.parquet(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
    shutil.rmtree(layout.staging, ignore_errors=True)
