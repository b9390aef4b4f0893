"""The DuckDB warehouse: DDL from the schema module, an atomic publish, and read-only queries.

Readers and writers: DuckDB lets one process write a file only while no other process has it
open, so a publish never writes `newsflow.duckdb` in place. It copies the file to
`newsflow.duckdb.next`, applies the batch there in one transaction, checkpoints, and renames the
copy over the original (atomic on POSIX). Analysts holding the file open read-only keep the old
snapshot until they reconnect and never block or see half a batch; a crash or kill mid-publish
leaves the old file untouched (the stale copy is removed by the next publish). Concurrent runs
serialise on `newsflow.lock`. The cost is one file copy per publish.

A document's rows are replaced as a whole, so re-running on the same input adds nothing and
reprocessing a document leaves no stale rows behind.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from transforms import schema

DB_NAME = "newsflow.duckdb"
SQL_DIR = Path(__file__).parent / "sql"
LOCK_RETRIES = 5
LOCK_BACKOFF_SECONDS = 0.5
PUBLISH_LOCK_TIMEOUT_SECONDS = 600
# The newest storage format that PyPI's `duckdb-cli` (1.5.x) can open: analysts can use the CLI.
STORAGE_VERSION = "v1.5.0"


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ddl() -> list[str]:
    """CREATE TABLE and COMMENT ON statements for every table, derived from the schema module."""
    statements = []
    for t in schema.TABLES.values():
        cols = ",\n  ".join(
            f"{c.name} {schema.sql_type(c.dtype)}{'' if c.nullable else ' NOT NULL'}" for c in t.columns
        )
        statements.append(f"CREATE TABLE IF NOT EXISTS {t.name} (\n  {cols}\n)")
        statements.append(f"COMMENT ON TABLE {t.name} IS {_quote(t.doc)}")
        statements += [f"COMMENT ON COLUMN {t.name}.{c.name} IS {_quote(c.doc)}" for c in t.columns]
    return statements


def views_sql() -> str:
    return (SQL_DIR / "views.sql").read_text(encoding="utf-8")


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, with no access to other files: nothing can be modified."""
    for attempt in range(LOCK_RETRIES):
        try:
            return duckdb.connect(str(db_path), read_only=True,
                                  config={"enable_external_access": False, "lock_configuration": True})
        except duckdb.IOException as exc:  # someone opened the file for writing outside newsflow
            if "lock" not in str(exc).lower() or attempt == LOCK_RETRIES - 1:
                raise WarehouseBusy(
                    f"the warehouse {db_path} is in use by another process ({exc}); "
                    "close other connections to it and run again"
                ) from exc
            time.sleep(LOCK_BACKOFF_SECONDS * 2**attempt)
    raise AssertionError("unreachable")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add columns a newer schema declares, (re)create the views."""
    for statement in ddl():
        con.execute(statement)
    for t in schema.TABLES.values():
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'", [t.name]
        ).fetchall()}
        for c in t.columns:
            if c.name not in have:  # a warehouse written by an older version
                con.execute(f"ALTER TABLE {t.name} ADD COLUMN {c.name} {schema.sql_type(c.dtype)}")
                con.execute(f"COMMENT ON COLUMN {t.name}.{c.name} IS {_quote(c.doc)}")
    con.execute(views_sql())


#: What entity, story and statement resolution needs of the published rows.
KNOWN_COLUMNS = {
    "entities": "entity_id, name, label, aliases, merge_reasons",
    "entity_mentions": "doc_id, entity_id, text, label, char_start, char_end, document_name",
    "documents": "doc_id, title, published_at, story_id",
    "blocks": "doc_id, kind, char_start, char_end, text",
    "quotes": "quote_id, doc_id, text, speaker_entity_id, statement_id",
}


def read_known(db_path: Path, *, exclude_doc_ids: list[str]) -> dict[str, pl.DataFrame]:
    """Published rows that resolution links new documents to (minus documents being replaced)."""
    known = {name: schema.TABLES[name].empty().select([c.strip() for c in cols.split(",")])
             for name, cols in KNOWN_COLUMNS.items()}
    if not db_path.exists():
        return known
    con = connect_read_only(db_path)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "documents" not in present:
            return known
        con.execute("CREATE TEMP TABLE replaced AS SELECT unnest($1::VARCHAR[]) AS doc_id", [exclude_doc_ids])
        for name, cols in KNOWN_COLUMNS.items():
            where = "" if name == "entities" else " WHERE doc_id NOT IN (SELECT doc_id FROM replaced)"
            if name == "blocks":
                where += " AND kind IN ('title', 'subtitle', 'body')"
            known[name] = pl.from_arrow(con.sql(f"SELECT {cols} FROM {name}{where}").to_arrow_table())
        return known
    finally:
        con.close()


def outdated_doc_ids(db_path: Path, *, package_version: str, model_name: str, model_version: str) -> set[str]:
    """Documents last published by another package or model version than the given one."""
    con = connect_read_only(db_path)
    try:
        rows = con.execute("""
            SELECT d.doc_id FROM documents d JOIN runs r USING (run_id)
            WHERE r.package_version IS DISTINCT FROM ? OR r.model_name IS DISTINCT FROM ?
               OR r.model_version IS DISTINCT FROM ?
        """, [package_version, model_name, model_version]).fetchall()
        return {r[0] for r in rows}
    finally:
        con.close()


def known_content_hashes(db_path: Path) -> dict[str, str | None]:
    """sha256 of every input whose bytes were published or found duplicate -> its doc_id (None for
    multi-record files, whose records were each accounted for)."""
    if not db_path.exists():
        return {}
    con = connect_read_only(db_path)
    try:
        if "input_files" not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}:
            return {}
        rows = con.execute("""
            SELECT content_sha256, any_value(doc_id) FROM input_files
            WHERE outcome IN ('published', 'duplicate') AND content_sha256 IS NOT NULL
              AND (doc_id IS NULL OR doc_id IN (SELECT doc_id FROM documents))
            GROUP BY content_sha256
        """).fetchall()
        return dict(rows)
    finally:
        con.close()


def published_doc_ids(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    con = connect_read_only(db_path)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "documents" not in tables:
            return set()
        return {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()}
    finally:
        con.close()


@contextmanager
def _publish_lock(db_path: Path):
    """One publisher at a time per warehouse; others wait, then fail with a clear message."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(db_path.with_name(db_path.stem + ".lock"), "a+") as handle:
        deadline = time.monotonic() + PUBLISH_LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(f"another run has been publishing to {db_path} for too long") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _writable_copy(db_path: Path):
    """Yield a connection to a copy of the warehouse; on success the copy replaces it atomically."""
    with _publish_lock(db_path):
        nxt = db_path.with_name(db_path.name + ".next")
        for stale in (nxt, nxt.with_name(nxt.name + ".wal")):
            stale.unlink(missing_ok=True)
        if db_path.exists():
            shutil.copyfile(db_path, nxt)
        else:
            boot = duckdb.connect()
            boot.execute(f"ATTACH {_quote(str(nxt))} AS fresh (STORAGE_VERSION {_quote(STORAGE_VERSION)})")
            boot.execute("DETACH fresh")
            boot.close()
        con = duckdb.connect(str(nxt))
        try:
            ensure_schema(con)
            yield con
            con.execute("CHECKPOINT")
            con.close()
            os.replace(nxt, db_path)
            _fsync_dir(db_path.parent)
        except BaseException:
            con.close()
            nxt.unlink(missing_ok=True)
            raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(
    db_path: Path,
    staged: dict[str, Path],
    *,
    run_row: dict,
    doc_ids: list[str],
    story_updates: pl.DataFrame | None = None,
    statement_updates: pl.DataFrame | None = None,
    entity_moves: pl.DataFrame | None = None,
    entity_renames: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Replace the batch's documents everywhere and append the run's records, all or nothing.

    `staged` maps table names to Parquet files; `doc_ids` are the documents whose rows the batch
    replaces; the updates move already-published documents and quotes into the stories and
    statements the batch joined, and published mentions and quote speakers into the entities
    resolution put them in. Returns the row count of every table after publishing.
    """
    with _writable_copy(db_path) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TEMP TABLE batch_docs AS SELECT unnest($1::VARCHAR[]) AS doc_id", [doc_ids])
        for table in reversed(schema.DOCUMENT_TABLES):  # children before parents
            con.execute(f"DELETE FROM {table.name} WHERE doc_id IN (SELECT doc_id FROM batch_docs)")
        for table in schema.DOCUMENT_TABLES:
            if table.name in staged:
                _insert_parquet(con, table, staged[table.name])
        _move_mentions(con, entity_moves, entity_renames)
        if "entities" in staged:
            _merge_entities(con, staged["entities"])
        _move_rows(con, "documents", "doc_id", "story_id", story_updates)
        _move_rows(con, "quotes", "quote_id", "statement_id", statement_updates)
        _append_run_records(con, staged, run_row)
        con.execute("DROP TABLE batch_docs")
        con.execute("COMMIT")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in schema.TABLES}


def record_run(db_path: Path, run_row: dict, staged: dict[str, Path]) -> None:
    """Record a run that published no documents (validation blocked it): its files, rejections, results."""
    with _writable_copy(db_path) as con:
        con.execute("BEGIN TRANSACTION")
        _append_run_records(con, staged, run_row)
        con.execute("COMMIT")


def _append_run_records(con, staged: dict[str, Path], run_row: dict) -> None:
    """The run's own rows: what became of its inputs, its validation results, its lineage."""
    for name in ("input_files", "rejections", "validation_results"):
        if name in staged:
            _insert_parquet(con, schema.TABLES[name], staged[name])
    _upsert_run(con, run_row)


def _move_rows(con, table: str, key: str, column: str, updates: pl.DataFrame | None) -> None:
    """Set `column` of already-published rows (their story or statement grew across runs)."""
    if updates is None or updates.is_empty():
        return
    con.register("moved_rows", updates.to_arrow())
    con.execute(f"UPDATE {table} SET {column} = u.{column} FROM moved_rows u WHERE {table}.{key} = u.{key}")
    con.unregister("moved_rows")


def _insert_parquet(con, table: schema.Table, path: Path) -> None:
    cols = ", ".join(table.column_names)
    con.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(path)])


def _move_mentions(con, moves: pl.DataFrame | None, renames: pl.DataFrame | None) -> None:
    """Published mentions into the entities resolution put them in now (a later document
    joined two entities), and quote speakers after them."""
    if moves is not None and not moves.is_empty():
        con.register("entity_moves", moves.to_arrow())
        con.execute("""
            UPDATE entity_mentions SET entity_id = m.new_entity_id FROM entity_moves m
            WHERE entity_mentions.entity_id = m.entity_id AND entity_mentions.label = m.label
              AND coalesce(entity_mentions.document_name, entity_mentions.text) = m.document_name
        """)
        con.unregister("entity_moves")
    if renames is not None and not renames.is_empty():
        con.register("entity_renames", renames.to_arrow())
        con.execute("""
            UPDATE quotes SET speaker_entity_id = r.new_entity_id FROM entity_renames r
            WHERE quotes.speaker_entity_id = r.entity_id
        """)
        con.unregister("entity_renames")


def _merge_entities(con, path: Path) -> None:
    """The staged rows replace the entities they describe: resolution computed each from all
    of its mentions, published and new.

    Counts are recomputed from entity_mentions so they stay right when documents are replaced.
    """
    con.execute("CREATE TEMP TABLE staged_entities AS SELECT * FROM read_parquet(?)", [str(path)])
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM staged_entities)")
    cols = ", ".join(schema.ENTITIES.column_names)
    con.execute(f"INSERT INTO entities ({cols}) SELECT {cols} FROM staged_entities")
    con.execute("""
        UPDATE entities SET n_documents = c.n_documents, n_mentions = c.n_mentions
        FROM (SELECT entity_id, count(DISTINCT doc_id) AS n_documents, count(*) AS n_mentions
              FROM entity_mentions GROUP BY entity_id) c
        WHERE entities.entity_id = c.entity_id
    """)
    # Entities whose every mention was replaced away are gone; quotes may still not point at them.
    con.execute("""
        DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM entity_mentions WHERE entity_id IS NOT NULL)
    """)
    con.execute("DROP TABLE staged_entities")


def _upsert_run(con, run_row: dict) -> None:
    table = schema.RUNS
    con.execute("DELETE FROM runs WHERE run_id = ?", [run_row["run_id"]])
    cols = ", ".join(table.column_names)
    marks = ", ".join("?" for _ in table.column_names)
    con.execute(f"INSERT INTO runs ({cols}) VALUES ({marks})", [run_row.get(c) for c in table.column_names])


def query(db_path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only query; statements that would modify anything fail."""
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}; run `newsflow run` first")
    con = connect_read_only(db_path)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()
