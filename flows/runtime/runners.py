"""Where NLP batches run: worker processes on this machine, the flow's own process, or a Dask cluster."""
from __future__ import annotations

import os

from prefect.task_runners import ThreadPoolTaskRunner

from flows.runtime.workers import local_workers


class LocalWorkersTaskRunner(ThreadPoolTaskRunner):
    """Prefect tasks on threads of the flow's process; each NLP batch runs in one of
    `nlp_workers` warm worker processes (`flows.runtime.workers`), 0 meaning in the flow's process.

    With one or more worker processes the flow's process is free while batches are parsed: it
    imports the validation library and collects results on the other core."""

    def __init__(self, nlp_workers: int = 0):
        # One thread more than workers: the next batch waits in the pool's queue, so a worker
        # starts it the moment it finishes one, not after Prefect has recorded both task runs.
        super().__init__(max_workers=nlp_workers + 1 if nlp_workers else 1)
        self.nlp_workers = nlp_workers

    def duplicate(self) -> LocalWorkersTaskRunner:
        return type(self)(self.nlp_workers)


def default_task_runner() -> LocalWorkersTaskRunner:
    return LocalWorkersTaskRunner(local_workers())


def build_task_runner(*, workers: int | None = None, dask_address: str | None = None):
    """The task runner for `--workers N` / `--dask-address tcp://HOST:PORT`."""
    if dask_address:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:  # optional dependency
            raise RuntimeError("--dask-address needs prefect-dask: pip install 'newsflow[dask]'") from exc
        return DaskTaskRunner(address=dask_address)
    return LocalWorkersTaskRunner(local_workers(workers))


def share_embedded_api() -> None:
    """Point task-runner worker processes (Dask) at this process's temporary Prefect API.

    Without a configured server, every such worker would start a temporary API server of its
    own (~10 s of CPU each); sharing the parent's through the inherited environment avoids that.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if getattr(server, "running", False):
        os.environ["PREFECT_API_URL"] = server.api_url
