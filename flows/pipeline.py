"""The `news_pipeline` flow: discover -> read -> segment + NLP -> Parquet -> validate -> publish.

Tasks are coarse (one per stage, one per batch of documents for NLP) because every Prefect task
run costs tens of milliseconds of API work. All file and database I/O happens here or in the
modules this flow calls; the transforms only see data.
"""
from __future__ import annotations

import json
import math
import shutil
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.runtime import flow_run

from expectations.validate import TableValidator, ValidationReport, validate_frames
from flows.manifest import find_inputs, partition_known
from flows.observe import progress_bar, publish_run_artifact, quality_rates
from flows.runners import default_task_runner, share_embedded_api
from flows.settings import Settings, run_versions
from flows.sources import ReadResult, read_files
from flows.workers import MIN_PARALLEL_BATCH, load_model, nlp_pool, stop_pool
from transforms import schema
from transforms.analyse import combine, document_tables
from transforms.segment import recurring_block_keys, segment_documents
from transforms.ingest.formats import parse_field_map
from transforms.integrity import iter_validation_frames
from transforms.resolve import Features, apply_resolution, resolve
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


@task(name="discover-inputs", cache_policy=NO_CACHE)
def discover_inputs(inputs: list[str], since: datetime | None) -> tuple[list[Path], list[dict]]:
    return find_inputs(inputs, since)


@task(name="read-and-decode", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def read_inputs(paths: list[Path], known: set[str], settings: Settings, run_id: str) -> ReadResult:
    return read_files(paths, known_doc_ids=known, max_file_bytes=settings.max_file_bytes, run_id=run_id,
                      field_map=parse_field_map(settings.json_fields) or None,
                      max_decompressed_bytes=settings.max_decompressed_bytes or None)


@task(name="analyse-batch", cache_policy=NO_CACHE)
def analyse(documents, settings: Settings, run_id: str, recurring: frozenset[str],
            nlp_workers: int = 0) -> dict[str, pl.DataFrame]:
    """Segment, parse and extract one batch: in a local worker process when `nlp_workers`, else
    wherever the task runner runs this task (the flow's process, a Dask worker)."""
    if nlp_workers:
        # Segmenting here, while workers parse earlier batches, takes it off the workers' path.
        blocks = segment_documents(documents, recurring=recurring)
        pool = nlp_pool(nlp_workers, settings.spacy_model)
        return pool.submit(documents, run_id, blocks).result()
    blocks = segment_documents(documents, recurring=recurring)
    return document_tables(documents, blocks, load_model(settings.spacy_model), run_id=run_id)


@task(name="resolve-across-documents", cache_policy=NO_CACHE)
def resolve_with_warehouse(tables: dict[str, pl.DataFrame], db: Path,
                           features: Features) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    """Link the batch to entities, stories and statements already published."""
    batch_docs = tables["documents"]["doc_id"].to_list()
    known = store.read_known(db, exclude_doc_ids=batch_docs)
    return apply_resolution(tables, resolve(tables, known, features))


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
def validate(staged: dict[str, Path], docs_root: Path, run_id: str,
             validator: TableValidator | None = None) -> ValidationReport:
    tables = {name: pl.read_parquet(path) for name, path in staged.items()}
    return validate_frames(iter_validation_frames(tables), docs_root=docs_root, run_name=run_id,
                           validator=validator)


#: What the flow stages (and validates): the document tables, entities and the input ledger.
STAGED_TABLES = (*(t.name for t in schema.DOCUMENT_TABLES), "entities", "input_files", "rejections")


def _prepare_validation(docs_root: Path) -> TableValidator:
    return TableValidator(docs_root).prepare(STAGED_TABLES)


def _in_background(fn, *args) -> Future:
    """`fn(*args)` in a daemon thread (one that never delays the process's exit)."""
    future: Future = Future()

    def run():
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name=getattr(fn, "__name__", "background"), daemon=True).start()
    return future


@task(name="publish", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def publish(db: Path, staged: dict[str, Path], run_row: dict, doc_ids: list[str],
            updates: dict[str, pl.DataFrame]) -> dict[str, int]:
    return store.publish(db, staged, run_row=run_row, doc_ids=doc_ids, **updates)


class Ledger:
    """What became of every input: the input_files and rejections rows of one run."""

    def __init__(self, run_id: str, read: ReadResult, missing: list[dict], unchanged: list[dict]):
        self.run_id = run_id
        self.rejections = [dict(r, run_id=run_id) for r in missing] + read.rejections
        self.input_files = unchanged + read.input_files + [
            dict(run_id=run_id, source_path=r["source_path"], size_bytes=None, content_sha256=None, doc_id=None,
                 outcome="rejected", detail=f"{r['reason']}: {r['detail']}")
            for r in missing
        ]

    def reject_document(self, doc_id: str, reason: str, detail: str) -> None:
        """A document that was read but failed later: its input becomes a rejection."""
        for row in self.input_files:
            if row["doc_id"] == doc_id and row["outcome"] == "published":
                row.update(outcome="rejected", detail=f"{reason}: {detail}")
                self.rejections.append(dict(source_path=row["source_path"], reason=reason, detail=detail,
                                            run_id=self.run_id))

    def counts(self) -> dict[str, int]:
        # Multi-record files (JSON, WARC) have a row per record ("path#n") and one for the file.
        containers = {r["source_path"].rsplit("#", 1)[0] for r in self.input_files if "#" in r["source_path"]}
        units = [r for r in self.input_files if r["source_path"] not in containers]
        return {
            "files": len({r["source_path"].rsplit("#", 1)[0] for r in self.input_files}),
            "documents_new": sum(r["outcome"] == "published" for r in units),
            "documents_duplicate": sum(r["outcome"] == "duplicate" for r in units),
            "documents_rejected": sum(r["outcome"] == "rejected" for r in units),
        }


def _chunks(documents: list, batch_size: int, workers: int) -> list[list]:
    """Batches of at most batch_size documents, several per worker, smaller towards the end.

    Several batches per worker keep every worker busy to the end; with several workers the last
    two batches per worker are half-size, so the workers finish at nearly the same time instead
    of one waiting for another's last full batch. Batches are not cut much below
    MIN_PARALLEL_BATCH documents (a smaller batch is not worth a worker's round trip).
    """
    n = len(documents)
    size = max(MIN_PARALLEL_BATCH, min(batch_size, math.ceil(n / (workers * 8))))
    half = max(MIN_PARALLEL_BATCH, size // 2)
    tail = min(n, half * workers * 2) if workers > 1 else 0
    return _split(documents[:n - tail], size) + _split(documents[n - tail:], half)


def _split(items: list, size: int) -> list[list]:
    """`items` in nearly equal consecutive parts of at most `size`."""
    if not items:
        return []
    parts = math.ceil(len(items) / size)
    bounds = [round(i * len(items) / parts) for i in range(parts + 1)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:])]


def _analyse_all(docs, settings: Settings, run_id: str, recurring: frozenset[str], nlp_workers: int,
                 ledger: Ledger, logger):
    """NLP over all batches on the flow's task runner; a failing batch is retried document by
    document in this process so one bad document cannot sink the others. Returns the batches'
    tables, the documents that failed, and resolution features computed while batches ran."""
    chunks = _chunks(docs, settings.batch_size, max(nlp_workers, 1))
    results: list[dict[str, pl.DataFrame]] = []
    failed_docs: set[str] = set()
    features = Features()
    with progress_bar(len(docs)) as advance:
        if len(chunks) == 1:  # nothing to parallelise: skip worker start-up
            outcomes = [(chunks[0], _run_inline(analyse, chunks[0], settings, run_id, recurring))]
            advance(len(chunks[0]))
        else:
            if not nlp_workers:
                share_embedded_api()
            futures = {analyse.submit(c, settings, run_id, recurring, nlp_workers): c for c in chunks}
            outcomes = []
            for future in as_completed(list(futures)):
                outcomes.append((futures[future], _future_result(future)))
                advance(len(futures[future]))
                if not isinstance(outcomes[-1][1], BaseException):
                    features.add(outcomes[-1][1])  # this process is idle while workers parse
    # Idle workers would hold their memory (model, parser buffers) through the rest of the run; the
    # flow may have started them before reading and then found a single batch's worth of work.
    stop_pool()
    for chunk, outcome in outcomes:
        if not isinstance(outcome, BaseException):
            results.append(outcome)
            continue
        logger.warning("batch of %d documents failed (%s); isolating the failing documents", len(chunk), outcome)
        nlp = load_model(settings.spacy_model)
        for doc in chunk:
            try:
                results.append(document_tables([doc], segment_documents([doc], recurring=recurring), nlp, run_id=run_id))
            except Exception as exc:  # noqa: BLE001 - recorded as the document's rejection
                failed_docs.add(doc.doc_id)
                ledger.reject_document(doc.doc_id, "analysis_failed", f"{type(exc).__name__}: {exc}")
    return results, failed_docs, features


def _run_inline(task_, *args):
    try:
        return task_(*args)
    except Exception as exc:  # noqa: BLE001 - handled by the caller like a failed future
        return exc


def _future_result(future):
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - handled by the caller
        return exc


@flow(name="news_pipeline", task_runner=default_task_runner(), log_prints=False)
def news_pipeline(
    inputs: list[str],
    warehouse: str = "warehouse",
    full_refresh: bool = False,
    since: datetime | None = None,
    reprocess_outdated: bool = False,
    spacy_model: str | None = None,
    batch_size: int | None = None,
) -> dict:
    """Run the whole pipeline on files, folders and glob patterns; returns the run summary.

    Only content the warehouse has not published is processed, unless `full_refresh` (everything)
    or `reprocess_outdated` (documents published by another package or model version).
    """
    logger = get_run_logger()
    settings = Settings.from_env().with_overrides(spacy_model=spacy_model, batch_size=batch_size)
    started = datetime.now(timezone.utc)
    run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    layout = WarehouseLayout(Path(warehouse), run_id)
    layout.root.mkdir(parents=True, exist_ok=True)
    versions = run_versions(settings)

    paths, missing = discover_inputs(inputs, since)
    known = set() if full_refresh else store.published_doc_ids(layout.db)
    unchanged: list[dict] = []
    if reprocess_outdated and known:
        known -= store.outdated_doc_ids(layout.db, **versions)
    elif known:
        paths, unchanged = partition_known(paths, layout.db, run_id, settings.max_file_bytes)
    nlp_workers = getattr(FlowRunContext.get().task_runner, "nlp_workers", 0)
    if nlp_workers and len(paths) > MIN_PARALLEL_BATCH:
        nlp_pool(nlp_workers, settings.spacy_model)  # workers load the model while files are read
    read = read_inputs(paths, known, settings, run_id)
    ledger = Ledger(run_id, read, missing, unchanged)
    logger.info("run %s: %d inputs, %d new documents", run_id, len(ledger.input_files), len(read.documents))

    # Great Expectations takes seconds to import and to register the suites: do both while the
    # documents are parsed (after reading, which would otherwise share this process's interpreter
    # lock with the import).
    validator = _in_background(_prepare_validation, layout.root)
    recurring = recurring_block_keys(
        (d.raw_text for d in read.documents), min_documents=settings.min_recurring_documents
    )
    results, failed, features = _analyse_all(read.documents, settings, run_id, recurring, nlp_workers, ledger, logger)
    doc_ids = [d.doc_id for d in read.documents if d.doc_id not in failed]
    del read  # the run's texts now live in the tables
    combined = combine(results)
    del results  # one copy of the run's tables at a time: memory stays flat as runs grow
    tables, story_updates, statement_updates = resolve_with_warehouse(combined, layout.db, features)
    del combined, features
    tables["input_files"] = schema.INPUT_FILES.frame(ledger.input_files)
    tables["rejections"] = schema.REJECTIONS.frame(ledger.rejections)
    staged = stage(tables, layout.staging)
    counts = {
        **ledger.counts(),
        **{name: tables[name].height for name in ("blocks", "sentences", "entity_mentions", "quotes", "entities")},
    }
    rates, rejections = quality_rates(tables), tables["rejections"]
    del tables  # validation and publish read the staged Parquet
    report = validate(staged, layout.root, run_id, _prepared(validator, logger))
    updates = dict(story_updates=story_updates, statement_updates=statement_updates)

    run_row = dict(
        run_id=run_id, flow_run_id=str(flow_run.get_id() or ""), started_at=started,
        finished_at=datetime.now(timezone.utc), counts=json.dumps(counts), validation=json.dumps(report.summary()),
        **versions,
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
        publish_run_artifact(summary, rates, rejections)
        raise PipelineFailed(
            f"validation blocked publishing; batch kept in {layout.quarantine}\n{report.describe_failures()}", summary
        )

    status = "published" if doc_ids else "nothing_to_do"
    totals = publish(layout.db, staged_results, dict(run_row, status=status), doc_ids, updates)
    _keep_parquet(layout, staged_results)
    summary.update(status=status, totals=totals)
    publish_run_artifact(summary, rates, rejections)
    logger.info("run %s %s: %s", run_id, status, counts)
    return summary


def _prepared(validator: Future, logger) -> TableValidator | None:
    """The validator prepared in the background, or None (validate makes its own) if that failed."""
    try:
        return validator.result()
    except Exception as exc:  # noqa: BLE001 - validation retries it in the foreground
        logger.warning("preparing validation ahead failed (%s: %s); preparing it now", type(exc).__name__, exc)
        return None


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
