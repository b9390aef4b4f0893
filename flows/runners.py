"""Where NLP batches run: threads in this process, worker processes, or a Dask cluster."""
from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_task_runner():
    """One worker process per available core; a single core needs no second process."""
    cores = available_cores()
    return ProcessPoolTaskRunner(max_workers=cores) if cores > 1 else ThreadPoolTaskRunner(max_workers=1)


def build_task_runner(*, workers: int | None = None, dask_address: str | None = None):
    """The task runner for `--workers N` / `--dask-address tcp://HOST:PORT`."""
    if dask_address:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:  # optional dependency
            raise RuntimeError("--dask-address needs prefect-dask: pip install 'newsflow[dask]'") from exc
        return DaskTaskRunner(address=dask_address)
    workers = workers or available_cores()
    if workers <= 1:
        return ThreadPoolTaskRunner(max_workers=1)
    return ProcessPoolTaskRunner(max_workers=workers)


def share_embedded_api() -> None:
    """Point worker processes at this process's temporary Prefect API.

    Without a configured server, every spawned worker would start a temporary API server of its
    own (~10 s of CPU each); sharing the parent's through the inherited environment avoids that.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if getattr(server, "running", False):
        os.environ["PREFECT_API_URL"] = server.api_url
