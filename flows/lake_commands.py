"""The warehouse commands of `newsflow`: `history`, `rollback`, `maintain`, `shell`, `export`.

Each subcommand is a parser function and a handler; `flows.cli` adds them. The lake itself is
`warehouse.lake`, its SQL `warehouse.store`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

from warehouse.lake import ALIAS, CATALOG_ENV, Lake

#: Snapshots older than this many days are expired by `newsflow maintain` (NEWSFLOW_RETENTION_DAYS).
RETENTION_ENV = "NEWSFLOW_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", default=None,
                        help=f"a shared DuckLake catalog (postgresql://USER@HOST:PORT/DB; env {CATALOG_ENV}); "
                             "default: WAREHOUSE/catalog.sqlite")


def use_catalog(args) -> None:
    """`--catalog` for this process and the workers it starts."""
    if getattr(args, "catalog", None):
        os.environ[CATALOG_ENV] = args.catalog


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    """Add the subcommands (with the options `common` gives every command: --debug, --catalog)."""
    for name, (help_text, extra) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: ./warehouse)")
        if extra:
            extra(p)


def _lake(args) -> Lake:
    use_catalog(args)
    lake = Lake.at(args.warehouse)
    if not lake.exists():
        raise SystemExit(f"error: no warehouse at {lake}; run `newsflow run` first")
    return lake


def _history(args) -> int:
    from warehouse.store import history

    rows = history(_lake(args))
    print(f"{'run_id':<26} {'status':<18} {'snapshot':>8}  committed")
    for r in rows:
        snap = "" if r["snapshot_id"] is None else r["snapshot_id"]
        when = "" if r["snapshot_time"] is None else r["snapshot_time"].isoformat(timespec="seconds")
        print(f"{r['run_id']:<26} {r['status']:<18} {snap:>8}  {when}")
    print(f"\nQuery the warehouse as of a snapshot: SELECT ... FROM documents AT (VERSION => N)")
    return 0


def _rollback_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_id", metavar="RUN_ID", help="the run to undo, with every run after it")


def _rollback(args) -> int:
    from flows.ledger import new_run_id
    from warehouse.store import rollback

    lake = _lake(args)
    try:
        restored = rollback(lake, args.run_id, new_run_id=new_run_id(datetime.now(timezone.utc)))
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    print(f"rolled back {args.run_id}: the warehouse is as of snapshot {restored} again (a new snapshot)")
    return 0


def _maintain_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--retention-days", type=int,
                   default=int(os.environ.get(RETENTION_ENV, DEFAULT_RETENTION_DAYS)),
                   help=f"expire snapshots older than this (default {DEFAULT_RETENTION_DAYS}; env {RETENTION_ENV})")


def data_file_count(lake: Lake) -> int:
    return sum(1 for _ in lake.data_path.rglob("*.parquet"))


def maintain(lake: Lake, retention_days: int) -> dict:
    """DuckLake's own maintenance: merge adjacent small files, expire snapshots past retention,
    delete the files no snapshot references. Returns file counts before and after."""
    from warehouse.store import publish_lock

    before = data_file_count(lake)
    with publish_lock(lake):
        con = lake.connect(read_only=False)
        try:
            con.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}')")
            con.execute(f"CALL ducklake_expire_snapshots('{ALIAS}', older_than => now() - to_days(?::INTEGER))",
                        [retention_days])
            con.execute(f"CALL ducklake_cleanup_old_files('{ALIAS}', cleanup_all => true)")
        finally:
            con.close()
    return {"data_files_before": before, "data_files_after": data_file_count(lake)}


def _maintain(args) -> int:
    result = maintain(_lake(args), args.retention_days)
    print(f"data files: {result['data_files_before']} -> {result['data_files_after']}; "
          f"snapshots older than {args.retention_days} days expired")
    return 0


def _shell(args) -> int:
    cli = Path(sys.executable).parent / "duckdb"
    if not cli.exists():
        cli = Path(shutil.which("duckdb") or "")
    if not cli.is_file():
        print("error: the DuckDB CLI is missing: install duckdb-cli (a dev dependency: `make install`)",
              file=sys.stderr)
        return 2
    setup = ";\n".join(_lake(args).setup_sql(read_only=True)) + ";"
    os.execv(str(cli), [str(cli), "-cmd", setup])
    return 0  # not reached


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE.duckdb", type=Path, help="the DuckDB file to write (must not exist)")


def export(lake: Lake, target: Path) -> None:
    """The current snapshot's tables and views as one DuckDB file."""
    if target.exists():
        raise FileExistsError(f"{target} exists; choose another file")
    con = lake.connect(read_only=True, sandboxed=False)
    try:
        con.execute(f"ATTACH '{target}' AS exported")
        con.execute(f"COPY FROM DATABASE {ALIAS} TO exported")
        con.execute("DETACH exported")
    finally:
        con.close()


def _export(args) -> int:
    try:
        export(_lake(args), args.file)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.file}: open it with any DuckDB client (duckdb {args.file})")
    return 0


_COMMANDS = {
    "history": ("list runs with the snapshot each committed", None),
    "rollback": ("make the state before a run current again (as a new snapshot)", _rollback_args),
    "maintain": ("merge small data files, expire old snapshots, delete unreferenced files", _maintain_args),
    "shell": ("open the DuckDB CLI with the warehouse attached read-only", None),
    "export": ("write the current warehouse to one DuckDB file for sharing", _export_args),
}
#: command name -> handler (returns the exit code).
HANDLERS = {"history": _history, "rollback": _rollback, "maintain": _maintain, "shell": _shell, "export": _export}
