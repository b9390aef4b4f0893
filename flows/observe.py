"""What a run shows while and after it runs: progress and timings of its stages, and a Prefect artifact.

`Stages` times each stage of a run and shows its progress: a live bar per stage on a terminal,
one line per finished stage otherwise (logs, CI), or nothing. The CLI activates one for its run
(`activate`), choosing the mode from the terminal and `--progress`; the flow and its tasks find
it with `current_stages`, so nothing about display travels through task parameters. A flow run
without the CLI (a deployment, a test) gets a fresh one: bars on a terminal, else silent.
"""
from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager

import polars as pl

#: Progress modes: live bars (a terminal), one line per finished stage, nothing.
MODES = ("bars", "lines", "off")


class Stage:
    """One running stage: `advance(n)` as work is done; `total` may be learnt after it started."""

    def __init__(self, name: str, total: int | None, unit: str, bar=None):
        self.name, self.total, self.unit, self.done, self._bar = name, total, unit, 0, bar

    def set_total(self, total: int) -> None:
        self.total = total
        if self._bar is not None:
            self._bar[0].update(self._bar[1], total=total)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar[0].advance(self._bar[1], n)


class Stages:
    """Seconds each stage of a run took (`timings`, in order), and its progress as it runs."""

    def __init__(self, mode: str | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.mode = mode or ("bars" if self.stream.isatty() else "off")
        self.timings: dict[str, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "files"):
        """Time the block as stage `name`, showing its progress; yields its `Stage`."""
        started = time.perf_counter()
        with self._display(name, total) as bar:
            stage = Stage(name, total, unit, bar)
            yield stage
        seconds = time.perf_counter() - started
        with self._lock:
            self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)
        if self.mode == "lines":
            done = f"{stage.done} {stage.unit} " if stage.total is not None or stage.done else ""
            print(f"newsflow: {name} {done}in {seconds:.1f} s", file=self.stream, flush=True)

    @contextmanager
    def _display(self, name: str, total: int | None):
        if self.mode != "bars":
            yield None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(finished_text="[green]done"), TextColumn(f"{name:<10}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=Console(file=self.stream),
                      transient=False) as progress:
            task = progress.add_task(name, total=total)
            yield (progress, task)
            if progress.tasks[0].total is None:
                progress.update(task, total=1, completed=1)
            else:
                progress.update(task, completed=progress.tasks[0].total)


_active: Stages | None = None


@contextmanager
def activate(stages: Stages):
    """Make `stages` the one the flow and its tasks report to, in this process, for the block."""
    global _active
    previous, _active = _active, stages
    try:
        yield stages
    finally:
        _active = previous


def current_stages() -> Stages:
    """The active `Stages` (the CLI's), else a fresh one (bars on a terminal, else silent)."""
    return _active if _active is not None else Stages()


def quality_rates(tables: dict[str, pl.DataFrame]) -> dict[str, float | int | dict]:
    """Rates an operator watches from run to run."""
    docs = tables["documents"].height
    quotes = tables["quotes"]
    blocks = tables["blocks"]
    return {
        "blocks_by_kind": dict(sorted(blocks.group_by("kind").len().iter_rows())) if blocks.height else {},
        "quotes_per_document": round(quotes.height / docs, 2) if docs else 0.0,
        "unattributed_quote_rate": round(quotes["speaker"].is_null().mean(), 3) if quotes.height else 0.0,
        "rejections": tables["rejections"].height,
    }


def publish_run_artifact(summary: dict, rates: dict, rejections: pl.DataFrame) -> None:
    """A markdown artifact on the flow run (visible in the Prefect UI) with counts and quality rates
    (`quality_rates` of the run's tables) and the rejected inputs."""
    from prefect.artifacts import create_markdown_artifact

    lines = [f"# newsflow run `{summary['run_id']}`: {summary.get('status')}", "", "| count | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in summary["counts"].items()]
    lines += ["", "| quality | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rates.items()]
    lines += ["", f"Validation: {summary['validation']}", "", f"Warehouse: `{summary['warehouse']}`"]
    if rejections.height:
        lines += ["", "| rejected input | reason |", "|---|---|"]
        lines += [f"| `{r['source_path']}` | {r['reason']}: {r['detail']} |"
                  for r in rejections.head(50).iter_rows(named=True)]
    create_markdown_artifact("\n".join(lines), key="newsflow-run", description="newsflow run summary")
