"""The `news_pipeline` flow: discover -> read -> segment and analyse -> resolve -> stage Parquet ->
validate -> publish.

The stages are the tasks of `flows.stages` (NLP batches: `flows.batches`); what is accounted for
each input is in `flows.ledger`, where things are on disk in `flows.layout`. Worker processes,
task runners and the background thread come from `flows.runtime`.
"""
import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger
from prefect.context import FlowRunContext
from prefect.runtime import flow_run

from expectations.validate import ValidationReport
from flows.batches import analyse_batches, start_workers_early
from flows.inputs import Inventory
from flows.layout import WarehouseLayout
from flows.ledger import Ledger, new_run_id, run_counts, run_summary
from flows.observe import Stages, current_stages, publish_run_artifact, quality_rates
from flows.runtime.background import in_background, result_or_none
from flows.runtime.runners import default_task_runner
from flows.settings import Settings, run_versions
from flows.stages import (
    discover_inputs,
    prepare_validator,
    publish,
    read_inputs,
    resolve_across_documents,
    select_inputs,
    stage_parquet,
    validate,
)
from warehouse import store


class PipelineFailed(RuntimeError):
    """The run ended without publishing; `summary` says what happened."""

    def __init__(self, message: str, summary: dict):
        super().__init__(message)
        self.summary = summary


@flow(name="news_pipeline", task_runner=default_task_runner(), log_prints=False)
def news_pipeline(
    inputs: list[str],
    warehouse: str = "warehouse",
    full_refresh: bool = False,
    since: datetime | None = None,
    reprocess_outdated: bool = False,
    spacy_model: str | None = None,
    batch_size: int | None = None,
    inventory: Inventory | None = None,
) -> dict:
    """Run the whole pipeline on files, folders and glob patterns; returns the run summary.

    Only content the warehouse has not published is processed, unless `full_refresh` (everything)
    or `reprocess_outdated` (documents published by another package or model version). `inventory`
    is the inputs' `flows.inputs.take_inventory`, when the caller already took it (the CLI does).
    """
    logger = get_run_logger()
    stages = current_stages()  # the CLI's (progress as it asked), else one of this run
    settings = Settings.from_env().with_overrides(spacy_model=spacy_model, batch_size=batch_size)
    started = datetime.now(timezone.utc)
    layout = WarehouseLayout(Path(warehouse), new_run_id(started))
    layout.root.mkdir(parents=True, exist_ok=True)
    ledger, versions = Ledger(layout.run_id), run_versions(settings)
    nlp_workers = getattr(FlowRunContext.get().task_runner, "nlp_workers", 0)

    if inventory is None:
        with stages.stage("discover") as stage:
            inventory = discover_inputs(inputs, since, settings.max_file_bytes, stage)
    paths, known_doc_ids = select_inputs(inventory, layout.db, ledger, full_refresh=full_refresh,
                                         reprocess_outdated=reprocess_outdated, versions=versions)
    start_workers_early(len(paths), settings, nlp_workers)
    with stages.stage("read", total=len(paths)) as stage:
        documents = read_inputs(paths, known_doc_ids, settings, ledger, stage.advance)
    logger.info("run %s: %d inputs, %d new documents", layout.run_id, len(ledger.input_files), len(documents))
    # Great Expectations takes seconds to import and to register the suites: both happen while the
    # documents are parsed (after reading, which would share this process's interpreter lock).
    validator = in_background(prepare_validator, layout.root)
    with stages.stage("analyse", total=len(documents), unit="documents") as stage:
        tables, doc_ids, features = analyse_batches(documents, settings, ledger, nlp_workers, logger, stage)
    del documents  # their texts now live in the tables
    with stages.stage("resolve"):
        tables, updates = resolve_across_documents(tables, layout.db, features)
    tables |= ledger.tables()
    counts, rates, rejections = run_counts(ledger, tables), quality_rates(tables), tables["rejections"]
    with stages.stage("stage"):
        staged = stage_parquet(tables, layout)
    del tables, features  # validation and publish read the staged Parquet: memory stays flat as runs grow
    with stages.stage("validate"):
        report, staged = validate(staged, layout, result_or_none(validator, logger, "preparing validation"))

    run_row = _run_row(layout.run_id, started, counts, report, versions)
    summary = run_summary(layout.run_id, layout.db, counts, report.summary(), report.describe_failures(),
                          rejected=ledger.named_rejections(), data_docs=str(layout.data_docs))
    if not report.passed:
        _quarantine(layout, staged, run_row, summary, rates, rejections, stages)
    status = "published" if doc_ids else "nothing_to_do"
    with stages.stage("publish"):
        totals = publish(layout.db, staged, dict(run_row, status=status), doc_ids, updates)
        layout.keep_published(staged)
    summary.update(status=status, totals=totals, timings=dict(stages.timings))
    publish_run_artifact(summary, rates, rejections)
    logger.info("run %s %s: %s", layout.run_id, status, counts)
    return summary


def _run_row(run_id: str, started: datetime, counts: dict, report: ValidationReport, versions: dict) -> dict:
    """The run's lineage row (`runs`), all but its status."""
    return dict(run_id=run_id, flow_run_id=str(flow_run.get_id() or ""), started_at=started,
                finished_at=datetime.now(timezone.utc), counts=json.dumps(counts),
                validation=json.dumps(report.summary()), **versions)


def _quarantine(layout: WarehouseLayout, staged: dict[str, Path], run_row: dict, summary: dict, rates: dict,
                rejections: pl.DataFrame, stages: Stages) -> None:
    """Validation blocked the batch: keep it in quarantine, record the run and its inputs, fail."""
    with stages.stage("quarantine"):
        quarantined = layout.quarantine_batch(staged)
        store.record_run(layout.db, dict(run_row, status="validation_failed"),
                         {k: quarantined[k] for k in ("input_files", "rejections", "validation_results")})
    summary.update(status="validation_failed", quarantine=str(layout.quarantine), timings=dict(stages.timings))
    publish_run_artifact(summary, rates, rejections)
    raise PipelineFailed(f"validation blocked publishing; batch kept in {layout.quarantine}\n"
                         f"{summary['validation_failures']}", summary)
