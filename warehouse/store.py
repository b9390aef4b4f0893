"""The DuckDB warehouse: DDL from the schema module, an atomic publish, and read-only queries.

Publishing happens in one transaction: a run's batch becomes visible all at once or not at all.
A document's rows are replaced as a whole, so re-running on the same input adds nothing and
reprocessing a document leaves no stale rows behind.
"""
from __future__ import annotations

import time
from pathlib import Path

import duckdb
import polars as pl

from transforms import schema

DB_NAME = "newsflow.duckdb"
SQL_DIR = Path(__file__).parent / "sql"
LOCK_RETRIES = 5
LOCK_BACKOFF_SECONDS = 0.5


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


def connect(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying briefly while another process holds the file."""
    for attempt in range(LOCK_RETRIES):
        try:
            if read_only:
                # No external access: `newsflow sql` cannot write files or attach other databases.
                return duckdb.connect(str(db_path), read_only=True,
                                      config={"enable_external_access": False, "lock_configuration": True})
            return duckdb.connect(str(db_path))
        except duckdb.IOException as exc:
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


def published_doc_ids(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    con = connect(db_path, read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "documents" not in tables:
            return set()
        return {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()}
    finally:
        con.close()


def publish(db_path: Path, staged: dict[str, Path], *, run_row: dict, doc_ids: list[str]) -> dict[str, int]:
    """Replace the batch's documents everywhere and append the run's records, in one transaction.

    `staged` maps table names to Parquet files; `doc_ids` are the documents whose rows the batch
    replaces. Returns the row count of every table after publishing.
    """
    con = connect(db_path)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE TEMP TABLE batch_docs AS SELECT unnest($1::VARCHAR[]) AS doc_id", [doc_ids])
            for table in reversed(schema.DOCUMENT_TABLES):  # children before parents
                con.execute(f"DELETE FROM {table.name} WHERE doc_id IN (SELECT doc_id FROM batch_docs)")
            for table in schema.DOCUMENT_TABLES:
                if table.name in staged:
                    _insert_parquet(con, table, staged[table.name])
            if "entities" in staged:
                _merge_entities(con, staged["entities"])
            for name in ("input_files", "rejections", "validation_results"):
                if name in staged:
                    _insert_parquet(con, schema.TABLES[name], staged[name])
            _upsert_run(con, run_row)
            con.execute("DROP TABLE batch_docs")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in schema.TABLES}
    finally:
        con.close()


def record_run(db_path: Path, run_row: dict, staged: dict[str, Path]) -> None:
    """Record a run that published no documents (nothing new, or validation blocked it)."""
    con = connect(db_path)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        for name in ("input_files", "rejections", "validation_results"):
            if name in staged:
                _insert_parquet(con, schema.TABLES[name], staged[name])
        _upsert_run(con, run_row)
        con.execute("COMMIT")
    finally:
        con.close()


def _insert_parquet(con, table: schema.Table, path: Path) -> None:
    cols = ", ".join(table.column_names)
    con.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM read_parquet(?)", [str(path)])


def _merge_entities(con, path: Path) -> None:
    """New entities are added; known ones keep their id, gain aliases and the longer name.

    Counts are recomputed from entity_mentions so they stay right when documents are replaced.
    """
    con.execute("CREATE TEMP TABLE staged_entities AS SELECT * FROM read_parquet(?)", [str(path)])
    con.execute("""
        UPDATE entities SET
          name = CASE WHEN length(s.name) > length(entities.name) THEN s.name ELSE entities.name END,
          aliases = list_sort(list_distinct(list_concat(entities.aliases, s.aliases,
                    CASE WHEN length(s.name) > length(entities.name) THEN [entities.name] ELSE [s.name] END))),
          merge_reasons = list_sort(list_distinct(list_concat(entities.merge_reasons, s.merge_reasons)))
        FROM staged_entities s WHERE entities.entity_id = s.entity_id
    """)
    cols = ", ".join(schema.ENTITIES.column_names)
    con.execute(f"""
        INSERT INTO entities ({cols}) SELECT {cols} FROM staged_entities s
        WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.entity_id = s.entity_id)
    """)
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
    con = connect(db_path, read_only=True)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()
