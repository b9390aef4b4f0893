"""Checks the CLI makes before any work: every argument and setting, so that a mistake fails in a
second with one line saying what is wrong and how to fix it, not minutes later inside a flow run.

Each check raises `PreflightError` (what is wrong, and the fix as a hint). Nothing here starts
Prefect, loads a model or writes to the warehouse; the warehouse check writes one empty probe
file and removes it. The argparse `type=` functions (`positive_int`, `past_date`) are here too,
so that `--workers 0` is a usage error like `--workers abc`.
"""
from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import re
import tempfile
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from flows.settings import Settings

#: Environment settings that must be whole numbers above zero (the others may be 0: "default").
POSITIVE_SETTINGS = ("batch_size", "max_file_bytes", "min_recurring_documents")


class PreflightError(Exception):
    """A setting or argument that cannot work: `message` says what, `hint` how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


# ------------------------------------------------------------------------------------------------
# argparse types: errors become usage errors (exit code 2) with argparse's own message format
# ------------------------------------------------------------------------------------------------
def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def past_date(text: str) -> datetime:
    """A YYYY-MM-DD date (midnight UTC) that is not in the future: no file can be modified later."""
    try:
        value = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2024-06-30") from None
    if value > datetime.now(timezone.utc):
        raise argparse.ArgumentTypeError(f"{text} is in the future: no file can have been modified since then")
    return value


# ------------------------------------------------------------------------------------------------
# Settings (NEWSFLOW_* environment variables, then flags)
# ------------------------------------------------------------------------------------------------
def check_settings(environ=os.environ, **overrides) -> Settings:
    """The run's settings, every value checked (`Settings.from_env` only converts them)."""
    for f in fields(Settings):
        var = f"NEWSFLOW_{f.name.upper()}"
        raw = environ.get(var)
        if raw is None or f.type not in ("int", int):
            continue
        try:
            value = int(raw)
        except ValueError:
            raise PreflightError(f"{var}={raw!r} is not a whole number", f"set it to a number or unset it "
                                 f"(default {getattr(Settings, f.name)})") from None
        if value < (1 if f.name in POSITIVE_SETTINGS else 0):
            raise PreflightError(f"{var}={raw} must be at least {1 if f.name in POSITIVE_SETTINGS else 0}",
                                 f"unset it for the default ({getattr(Settings, f.name)})")
    settings = Settings.from_env(environ).with_overrides(**overrides)
    _check_json_fields(settings.json_fields)
    _check_language(settings.default_language)
    check_model(settings.spacy_model)
    return settings


def _check_json_fields(spec: str) -> None:
    from transforms.ingest.formats import parse_field_map

    try:
        parse_field_map(spec)
    except ValueError as exc:
        raise PreflightError(f"NEWSFLOW_JSON_FIELDS: {exc}",
                             'e.g. NEWSFLOW_JSON_FIELDS="text=body,title=headline"; unset it for the defaults') from None


def _check_language(code: str) -> None:
    if not re.fullmatch(r"[a-z]{2}", code):
        raise PreflightError(f"NEWSFLOW_DEFAULT_LANGUAGE={code!r} is not an ISO 639-1 code",
                             "use two lower-case letters, e.g. en")


def check_model(name: str) -> None:
    """The spaCy model is an installed package (or a model folder): found without loading it."""
    if Path(name).is_dir():
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise PreflightError(f"spaCy model {name!r} is not installed",
                             "install its package, or name another with --model or NEWSFLOW_SPACY_MODEL")


# ------------------------------------------------------------------------------------------------
# Paths
# ------------------------------------------------------------------------------------------------
def check_inputs(inputs: list[str]) -> None:
    """Every literal input exists. A glob pattern may match nothing (an empty run); a name that
    exists is taken literally even if it looks like a pattern, as `flows.inputs.find_inputs` does."""
    missing = [i for i in inputs if not os.path.lexists(i) and not glob.has_magic(i)]
    if missing:
        names = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise PreflightError(f"no such file or folder: {names}",
                             "check the path (relative paths start from the current folder: "
                             f"{os.getcwd()}); quote glob patterns so the shell leaves them to newsflow")


def check_warehouse(root: str | Path, *, must_exist: bool = False) -> Path:
    """The warehouse folder exists or can be created, and this process can write in it.

    Tried for real (a probe file created and removed in the folder, or in the nearest existing
    parent when the folder is still to be made), since permission bits say little (root, ACLs,
    read-only mounts). Nothing is created when the check fails.
    """
    from warehouse.lake import Lake

    root = Path(root)
    lake = Lake.at(root)
    if lake.shared:
        check_catalog(lake)
    if must_exist:
        if not lake.exists():
            raise PreflightError(f"no warehouse at {lake}",
                                 "run `newsflow run INPUT --warehouse DIR` first, or name it with --warehouse")
        return root
    if root.exists() and not root.is_dir():
        raise PreflightError(f"--warehouse {root} is a file, not a folder", "name a folder (it is created if needed)")
    db = lake.catalog_file
    if not lake.shared and db.exists() and not db.is_file():
        raise PreflightError(f"{db} is not a file", "move it away or name another --warehouse folder")
    existing = root
    while not existing.exists():
        if existing.is_symlink():  # a dangling link: mkdir would fail on it
            raise PreflightError(f"{existing} is a broken symbolic link", "fix the link or name another folder")
        existing = existing.parent
    if not existing.is_dir():
        raise PreflightError(f"cannot create --warehouse {root}: {existing} is a file",
                             "name a folder whose parents are folders")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".newsflow-probe-"):
            pass
    except OSError as exc:
        what = "write in" if existing == root else f"create {root} under"
        raise PreflightError(f"cannot {what} {existing}: {exc.strerror or exc}",
                             "fix its permissions or name a writable folder with --warehouse") from None
    return root


# ------------------------------------------------------------------------------------------------
# Schedules, servers, clusters
# ------------------------------------------------------------------------------------------------
def check_catalog(lake) -> None:
    """A shared catalog answers (its server is reachable and lets us in); nothing is created."""
    import duckdb

    from warehouse.lake import MissingExtension, extension_path

    try:
        con = duckdb.connect()
        try:
            con.execute(f"LOAD '{extension_path('postgres')}'")
            dsn = lake.catalog.replace("'", "''")
            con.execute(f"ATTACH '{dsn}' AS probe (TYPE postgres, READ_ONLY)")
        finally:
            con.close()
    except MissingExtension as exc:
        raise PreflightError(str(exc), "run `make install`") from None
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PreflightError(f"the catalog {lake.catalog_display} does not answer: {first}",
                             "check --catalog / NEWSFLOW_CATALOG (postgresql://USER@HOST:PORT/DB) and that the "
                             "server is running") from None


def check_cron(expression: str) -> None:
    """A cron expression Prefect accepts (its own check, vendored croniter; imports Prefect)."""
    from prefect._internal.schemas.validators import validate_cron_string

    try:
        validate_cron_string(expression)
    except ValueError:
        raise PreflightError(f"--cron {expression!r} is not a cron expression",
                             'use five fields: minute hour day-of-month month day-of-week, e.g. "0 * * * *"'
                             ) from None


#: How to start a local Prefect server (the README's and docs/operations.md's commands).
START_SERVER = ("start one: `prefect server start --host 127.0.0.1`, then "
                "`export PREFECT_API_URL=http://127.0.0.1:4200/api`")


def check_prefect_server(timeout: float = 5.0) -> str:
    """The configured Prefect API URL (environment or profile), answering its health check."""
    import httpx
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        raise PreflightError("`serve` needs a Prefect server, and PREFECT_API_URL is not set", START_SERVER)
    try:
        healthy = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError as exc:
        raise PreflightError(f"no Prefect server answers at PREFECT_API_URL={url} ({type(exc).__name__})",
                             START_SERVER) from None
    if not healthy:
        raise PreflightError(f"the Prefect server at {url} is not healthy", START_SERVER)
    return url


def check_dask(address: str, timeout: float = 3.0) -> None:
    """A tcp://HOST:PORT address where something listens, and prefect-dask installed."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None:
        raise PreflightError(f"--dask-address {address!r} is not a scheduler address",
                             "use tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786")
    if importlib.util.find_spec("prefect_dask") is None:
        raise PreflightError("--dask-address needs prefect-dask, which is not installed",
                             "pip install 'newsflow[dask]'")
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as exc:
        raise PreflightError(f"no Dask scheduler answers at {address} ({exc.strerror or exc})",
                             "start one (`dask scheduler`) or leave out --dask-address to use local workers"
                             ) from None
