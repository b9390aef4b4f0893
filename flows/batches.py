"""Segment and analyse a run's documents in batches on the flow's task runner.

A failing batch is retried document by document in the flow's process, so one bad document
cannot sink the others. Batch results are combined in batch order, whatever order the batches
finish in, so a run's tables do not depend on which worker was faster.
"""
from __future__ import annotations

import math
import threading
from typing import NamedTuple

import polars as pl
from prefect.futures import as_completed

from flows.ledger import Ledger
from flows.runtime.runners import share_embedded_api
from flows.runtime.workers import MIN_PARALLEL_BATCH, nlp_pool, stop_pool
from flows.settings import Settings
from flows.stages import analyse_batch
from transforms.analyse import combine
from transforms.document import SourceDocument
from transforms.resolve import Features
from transforms.segment import recurring_block_keys


class Analysed(NamedTuple):
    tables: dict[str, pl.DataFrame]  # the run's document tables and entities, combined
    doc_ids: list[str]               # the documents analysed (the failed ones are left out)
    features: Features               # resolution features computed while batches ran


def start_workers_early(n_inputs: int, settings: Settings, nlp_workers: int) -> None:
    """Start the worker processes now when the inputs may fill several batches: they load the
    model while the files are read."""
    if nlp_workers and n_inputs > MIN_PARALLEL_BATCH:
        nlp_pool(nlp_workers, settings.spacy_model)


def analyse_batches(documents: list[SourceDocument], settings: Settings, ledger: Ledger,
                    nlp_workers: int, logger, stage=None) -> Analysed:
    """Segment and analyse all documents in batches; documents that fail alone are rejected in the
    ledger. `stage` (a `flows.observe.Stage`) advances by a batch's documents as each batch is done."""
    recurring = recurring_block_keys((d.raw_text for d in documents), min_documents=settings.min_recurring_documents)
    batches = split_into_batches(documents, settings.batch_size, max(nlp_workers, 1))
    features = Features()
    advance = stage.advance if stage is not None else (lambda n: None)
    outcomes = _run_batches(batches, settings, ledger.run_id, recurring, nlp_workers, features, advance)
    # Idle workers would hold their memory (model, parser buffers) through the rest of the run; the
    # flow may have started them before reading and then found a single batch's worth of work.
    stop_pool()
    results, failed = [], set()
    for batch, outcome in zip(batches, outcomes):  # batch order: the combined tables do not depend on timing
        if not isinstance(outcome, BaseException):
            results.append(outcome)
            continue
        logger.warning("batch of %d documents failed (%s); isolating the failing documents", len(batch), outcome)
        for doc in batch:
            try:
                results.append(analyse_batch.fn([doc], settings, ledger.run_id, recurring))
            except Exception as exc:  # noqa: BLE001 - recorded as the document's rejection
                failed.add(doc.doc_id)
                ledger.reject_document(doc.doc_id, "analysis_failed", f"{type(exc).__name__}: {exc}")
    return Analysed(combine(results), [d.doc_id for d in documents if d.doc_id not in failed], features)


def _run_batches(batches: list[list], settings: Settings, run_id: str, recurring: frozenset[str],
                 nlp_workers: int, features: Features, advance) -> list:
    """Each batch's tables or exception, in batch order; `features` gathers resolution features
    from batches as they complete (this process is idle while workers parse). `advance(n)` follows
    the documents: one by one from local workers and from this process, by batch from Dask."""
    progress = _DocumentProgress(advance)
    if len(batches) == 1:  # nothing to parallelise: skip worker start-up
        outcome = _outcome(lambda: analyse_batch(batches[0], settings, run_id, recurring,
                                                 on_document=lambda: progress.document(0)))
        progress.batch_done(0, len(batches[0]))
        return [outcome]
    if not nlp_workers:
        share_embedded_api()
    else:
        nlp_pool(nlp_workers, settings.spacy_model).listener = progress.document
    futures = [analyse_batch.submit(b, settings, run_id, recurring, nlp_workers, token=i if nlp_workers else None)
               for i, b in enumerate(batches)]
    index = {future: i for i, future in enumerate(futures)}
    outcomes: list = [None] * len(batches)
    for future in as_completed(futures):
        i = index[future]
        outcomes[i] = _outcome(future.result)
        progress.batch_done(i, len(batches[i]))
        if not isinstance(outcomes[i], BaseException):
            features.add(outcomes[i])
    return outcomes


class _DocumentProgress:
    """Documents done, from per-document reports (worker threads and processes) and batch ends:
    a finished batch counts whole, and reports of it that arrive late are not counted twice."""

    def __init__(self, advance):
        self.advance, self.reported, self.finished = advance, {}, set()
        self._lock = threading.Lock()

    def document(self, batch: int) -> None:
        with self._lock:
            if batch in self.finished:
                return
            self.reported[batch] = self.reported.get(batch, 0) + 1
        self.advance(1)

    def batch_done(self, batch: int, size: int) -> None:
        with self._lock:
            self.finished.add(batch)
            rest = size - self.reported.get(batch, 0)
        if rest > 0:
            self.advance(rest)


def _outcome(compute):
    try:
        return compute()
    except Exception as exc:  # noqa: BLE001 - handled by the caller: the batch's documents are isolated
        return exc


def split_into_batches(documents: list, batch_size: int, workers: int) -> list[list]:
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
