"""What a run shows while and after it runs: a progress bar and a Prefect artifact."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import polars as pl


@contextmanager
def progress_bar(total: int):
    """A progress bar over documents on interactive terminals; silent otherwise."""
    if total == 0 or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("analysing documents"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("docs", total=total)
        yield lambda n: progress.advance(task, n)


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
