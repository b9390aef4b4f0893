"""Where the warehouse lives: a DuckLake catalog plus its Parquet data files.

    DIR/catalog.sqlite   the catalog (embedded default), or a PostgreSQL database (`--catalog
                         postgresql://...`, `NEWSFLOW_CATALOG`) that several machines share
    DIR/data/            the tables' Parquet files (on storage every publishing machine sees)

DuckDB extensions cannot be installed offline here, so they load from the PyPI wheels
(`duckdb-extension-ducklake`, `-sqlite`, `-postgres`) built for the installed DuckDB. The sqlite
and postgres wheels name their files `sqlite.duckdb_extension` / `postgres.duckdb_extension`,
but DuckDB derives the entry point from the file name, so they are loaded through a copy named
`sqlite_scanner` / `postgres_scanner` kept in a per-user cache folder.
"""
from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

#: The name the lake is attached under in every connection.
ALIAS = "news"
CATALOG_FILE = "catalog.sqlite"
#: Environment variable naming a shared catalog (a PostgreSQL URI or libpq string).
CATALOG_ENV = "NEWSFLOW_CATALOG"

# extension -> (wheel module, file in the wheel, name DuckDB must load it under)
_EXTENSIONS = {
    "ducklake": ("duckdb_extension_ducklake", "ducklake", "ducklake"),
    "sqlite": ("duckdb_extension_sqlite", "sqlite", "sqlite_scanner"),
    "postgres": ("duckdb_extension_postgres", "postgres", "postgres_scanner"),
}


class MissingExtension(RuntimeError):
    """A DuckDB extension wheel is not installed."""


def extension_path(name: str) -> Path:
    """The loadable file of a DuckDB extension from its PyPI wheel, under the name DuckDB needs."""
    module_name, file_stem, load_as = _EXTENSIONS[name]
    package = module_name.replace("_", "-")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise MissingExtension(
            f"the DuckDB extension {name!r} is missing: install the package {package}=={duckdb.__version__} "
            "(it is a dependency of newsflow: `make install`)") from None
    built = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{file_stem}.duckdb_extension"
    if not built.exists():
        raise MissingExtension(
            f"{package} has no build for DuckDB {duckdb.__version__} ({built} not found): install "
            f"{package}=={duckdb.__version__}")
    if load_as == file_stem:
        return built
    cache = Path(tempfile.gettempdir()) / f"newsflow-duckdb-{os.getuid()}" / f"v{duckdb.__version__}"
    target = cache / f"{load_as}.duckdb_extension"
    if not target.exists() or target.stat().st_size != built.stat().st_size:
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        shutil.copyfile(built, partial)
        os.replace(partial, target)  # several processes may do this at once
    return target


@dataclass(frozen=True)
class Lake:
    """One warehouse: its folder (data files, staging, quarantine) and its catalog."""

    root: Path
    catalog: str | None = None  # None: DIR/catalog.sqlite; else a PostgreSQL URI or libpq string

    @classmethod
    def at(cls, root: Path | str, catalog: str | None = None) -> Lake:
        return cls(Path(root).absolute(), catalog or os.environ.get(CATALOG_ENV) or None)

    @property
    def data_path(self) -> Path:
        return self.root / "data"

    @property
    def catalog_file(self) -> Path:
        return self.root / CATALOG_FILE

    @property
    def shared(self) -> bool:
        return self.catalog is not None

    def __str__(self) -> str:
        return f"{self.root} (catalog {self.catalog_display})"

    @property
    def catalog_display(self) -> str:
        """The catalog without a password."""
        if not self.shared:
            return str(self.catalog_file)
        text = self.catalog
        if "://" in text and "@" in text:
            scheme, rest = text.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            text = f"{scheme}://{creds.split(':', 1)[0]}@{host}"
        return text

    def attach_sql(self, *, read_only: bool) -> str:
        source = f"postgres:{self.catalog}" if self.shared else f"sqlite:{self.catalog_file}"
        options = [f"DATA_PATH {_quote(str(self.data_path) + '/')}"] + (["READ_ONLY"] if read_only else [])
        if not self.shared:  # the folder holds catalog and data together: it may move
            options.append("OVERRIDE_DATA_PATH TRUE")
        return f"ATTACH {_quote('ducklake:' + source)} AS {ALIAS} ({', '.join(options)})"

    def exists(self) -> bool:
        """Whether a catalog was created here (a shared catalog is asked)."""
        if not self.shared:
            return self.catalog_file.exists()
        try:
            con = self.connect(read_only=True, sandboxed=False)
        except duckdb.Error:
            return False
        try:
            return bool(con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = ?", [ALIAS]).fetchone()[0])
        finally:
            con.close()

    def setup_sql(self, *, read_only: bool) -> list[str]:
        """The statements that load the extensions and attach the lake, for any DuckDB client of
        the installed version (the `duckdb` CLI of `newsflow shell`)."""
        return [f"LOAD {_quote(str(extension_path('ducklake')))}",
                f"LOAD {_quote(str(extension_path('postgres' if self.shared else 'sqlite')))}",
                self.attach_sql(read_only=read_only), f"USE {ALIAS}"]

    def connect(self, *, read_only: bool, sandboxed: bool = True) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the lake attached as `news` and in use. Read-only and
        `sandboxed` connections can touch no file but the lake's own (analysts' SQL)."""
        if not read_only:
            self.root.mkdir(parents=True, exist_ok=True)
            self.data_path.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        try:
            for statement in self.setup_sql(read_only=read_only):
                con.execute(statement)
            if read_only and sandboxed:
                allowed = [str(self.data_path) + "/"] + ([] if self.shared else [str(self.root) + "/"])
                con.execute("SET allowed_directories = $1", [allowed])
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
