"""NLP worker processes on this machine: a pool of warm processes that each hold the spaCy model.

Workers import spaCy and the transforms only (no Prefect, no Great Expectations), so they start
in a couple of seconds, stay small, and need no Prefect API. The flow starts the pool before it
reads the inputs, so the model is loaded by the time the first batch is ready.
The flow's tasks stay one per batch: each task waits on its batch's worker from a thread.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache

from transforms.analyse import document_tables
from transforms.analyse.entities import add_entity_rules
from transforms.document import Block, SourceDocument

#: Below this many documents per batch, worker start-up costs more than parallelism saves.
MIN_PARALLEL_BATCH = 20


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def local_workers(requested: int | None = None) -> int:
    """Worker processes for `--workers N` (default: the cores); none when a single core would
    only be shared between the flow's process and one worker."""
    workers = requested or available_cores()
    return 0 if workers == 1 and available_cores() == 1 else workers


@lru_cache(maxsize=2)
def load_model(name: str):
    """Load a spaCy pipeline (plus our entity rules) once per process."""
    import spacy

    try:
        return add_entity_rules(spacy.load(name))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install its package or set NEWSFLOW_SPACY_MODEL"
        ) from exc


#: In a worker process: where it reports each document it finished (`NLPPool.progress`).
_progress_queue = None


def _start_worker(model: str, progress) -> None:
    global _progress_queue
    _progress_queue = progress
    load_model(model)


def document_tables_in_worker(model: str, documents: list[SourceDocument], run_id: str, blocks: list[list[Block]],
                              token=None):
    """One batch's tables from its documents and their blocks (segmented by the flow), in a
    worker; with a `token`, each finished document is reported under it (progress)."""
    report = None
    if token is not None and _progress_queue is not None:
        def report():
            _progress_queue.put(token)
    return document_tables(documents, blocks, load_model(model), run_id=run_id, on_document=report)


class NLPPool:
    """`workers` spawned processes, each loading `model` as it starts."""

    def __init__(self, workers: int, model: str):
        self.workers, self.model = workers, model
        # spawn, not fork: the flow's process runs threads (Prefect's event loop), which fork
        # would copy mid-operation.
        context = multiprocessing.get_context("spawn")
        #: Workers put a batch's token here as they finish each of its documents; a thread of
        #: this process hands them to `listener` (the analyse stage's progress), if any.
        self.progress = context.SimpleQueue()
        self.listener = None
        self._executor = ProcessPoolExecutor(workers, mp_context=context,
                                             initializer=_start_worker, initargs=(model, self.progress))
        self._executor.submit(int)  # starts every worker now: they load the model meanwhile
        threading.Thread(target=self._relay, name="nlp-progress", daemon=True).start()

    def _relay(self) -> None:
        while (token := self.progress.get()) is not None:
            listener = self.listener
            if listener is not None:
                listener(token)

    @property
    def usable(self) -> bool:
        return not getattr(self._executor, "_broken", False) and not getattr(self._executor, "_shutdown_thread", False)

    def submit(self, documents: list[SourceDocument], run_id: str, blocks: list[list[Block]], token=None) -> Future:
        return self._executor.submit(document_tables_in_worker, self.model, documents, run_id, blocks, token)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.progress.put(None)  # ends the relay thread


_pool: NLPPool | None = None
_pool_lock = threading.Lock()


def nlp_pool(workers: int, model: str) -> NLPPool:
    """The process's pool for (workers, model), started if needed (a broken pool is replaced)."""
    global _pool
    with _pool_lock:
        if _pool is not None and (_pool.workers, _pool.model) == (workers, model) and _pool.usable:
            return _pool
        if _pool is not None:
            _pool.shutdown()
        _pool = NLPPool(workers, model)
        return _pool


@atexit.register
def stop_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown()
            _pool = None
