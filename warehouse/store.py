"""The warehouse on DuckLake: DDL from the schema module, one snapshot per run, read-only queries.

The lake (`warehouse.lake`) is a catalog (SQLite in the warehouse folder, or a shared
PostgreSQL database) plus Parquet data files. A publish is one DuckLake transaction: the batch's
documents replace their old rows in every table, entity and story updates, the run's ledger,
validation results and run row all commit together as one snapshot whose commit message and
extra info carry the run id; a killed or failed publish leaves the previous snapshot current.
Readers attach read-only and see one committed snapshot for the whole of a query, never half a
batch, and never wait for a writer. Writers on one machine take turns on `DIR/newsflow.lock`;
writers on several machines (a shared catalog) retry when DuckLake reports a conflicting commit.

A document's rows are replaced as a whole, so re-running on the same input adds nothing and
reprocessing a document leaves no stale rows behind. Any snapshot can be queried (`AT (VERSION
=> n)`), and `rollback` makes the state before a run current again, as a new snapshot.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from transforms import schema
from warehouse.lake import ALIAS, Lake

SQL_DIR = Path(__file__).parent / "sql"
COMMIT_RETRIES = 5
COMMIT_BACKOFF_SECONDS = 0.5
PUBLISH_LOCK_TIMEOUT_SECONDS = 600
AUTHOR = "newsflow"


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse for too long."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ddl() -> list[str]:
    """CREATE TABLE and COMMENT ON statements for every table, derived from the schema module."""
    return [statement for t in schema.TABLES.values() for statement in _table_ddl(t)]


def _table_ddl(t: schema.Table) -> list[str]:
    cols = ",\n  ".join(f"{c.name} {schema.sql_type(c.dtype)}{'' if c.nullable else ' NOT NULL'}" for c in t.columns)
    return [f"CREATE TABLE IF NOT EXISTS {t.name} (\n  {cols}\n)", f"COMMENT ON TABLE {t.name} IS {_quote(t.doc)}",
            *(f"COMMENT ON COLUMN {t.name}.{c.name} IS {_quote(c.doc)}" for c in t.columns)]


def views_sql() -> str:
    return (SQL_DIR / "views.sql").read_text(encoding="utf-8")


def connect_read_only(lake: Lake) -> duckdb.DuckDBPyConnection:
    """The lake attached read-only, with no access to other files: nothing can be modified."""
    return lake.connect(read_only=True)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables (with their comments), add columns a newer schema declares,
    (re)create the views; inside the caller's transaction, so a new warehouse's first snapshot
    holds its first run."""
    present = _tables(con)
    for t in schema.TABLES.values():
        if t.name not in present:
            for statement in _table_ddl(t):
                con.execute(statement)
            continue
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ?",
            [t.name]).fetchall()}
        for c in t.columns:
            if c.name not in have:  # a warehouse written by an older version
                con.execute(f"ALTER TABLE {t.name} ADD COLUMN {c.name} {schema.sql_type(c.dtype)}")
                con.execute(f"COMMENT ON COLUMN {t.name}.{c.name} IS {_quote(c.doc)}")
    con.execute(views_sql())


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}


#: What entity, story and statement resolution needs of the published rows.
KNOWN_COLUMNS = {
    "entities": "entity_id, name, label, aliases, merge_reasons",
    "entity_mentions": "doc_id, entity_id, text, label, char_start, char_end, document_name",
    "documents": "doc_id, title, published_at, story_id",
    "blocks": "doc_id, kind, char_start, char_end, text",
    "quotes": "quote_id, doc_id, text, speaker_entity_id, statement_id",
}


@contextmanager
def _reading(lake: Lake, table: str):
    """A read-only connection to the lake, or None when it has no `table` yet (nothing published)."""
    if not lake.exists():
        yield None
        return
    con = connect_read_only(lake)
    try:
        yield con if table in _tables(con) else None
    finally:
        con.close()


def read_entities(lake: Lake) -> pl.DataFrame:
    """The published entity rows resolution chooses its candidates from (entity_id, label, name, aliases)."""
    with _reading(lake, "entities") as con:
        if con is None:
            return schema.ENTITIES.empty().select("entity_id", "label", "name", "aliases")
        return pl.from_arrow(con.sql("SELECT entity_id, label, name, aliases FROM entities").to_arrow_table())


def read_known(lake: Lake, *, exclude_doc_ids: list[str], scope=None) -> dict[str, pl.DataFrame]:
    """Published rows that resolution links new documents to (minus documents being replaced).

    With a `transforms.resolve.KnownScope`, only what it can use: the touched entities, the
    documents that mention them, and the documents within a story's reach of the batch (their
    mentions, article blocks and quotes); the cost follows the batch, not the warehouse."""
    known = {name: schema.TABLES[name].empty().select([c.strip() for c in cols.split(",")])
             for name, cols in KNOWN_COLUMNS.items()}
    with _reading(lake, "documents") as con:
        if con is None:
            return known
        con.execute("CREATE TEMP TABLE replaced AS SELECT unnest($1::VARCHAR[]) AS doc_id", [exclude_doc_ids])
        if scope is None:
            con.execute("CREATE TEMP TABLE wanted_docs AS SELECT doc_id FROM documents")
            con.execute("CREATE TEMP TABLE wanted_entities AS SELECT entity_id FROM entities")
        else:
            con.execute("CREATE TEMP TABLE wanted_entities AS SELECT unnest($1::VARCHAR[]) AS entity_id",
                        [sorted(scope.entity_ids)])
            con.execute("""
                CREATE TEMP TABLE wanted_docs AS
                SELECT DISTINCT doc_id FROM entity_mentions WHERE entity_id IN (SELECT entity_id FROM wanted_entities)
                UNION
                SELECT doc_id FROM documents
                WHERE published_at IS NULL OR $1::TIMESTAMPTZ IS NULL
                   OR published_at BETWEEN $1::TIMESTAMPTZ AND $2::TIMESTAMPTZ
            """, [scope.published_from, scope.published_to])
        for name, cols in KNOWN_COLUMNS.items():
            if name == "entities":  # the touched ones, and the others their documents mention (co-mentions)
                where = (" WHERE entity_id IN (SELECT entity_id FROM wanted_entities) OR entity_id IN"
                         " (SELECT entity_id FROM entity_mentions WHERE doc_id IN (SELECT doc_id FROM wanted_docs))")
            else:
                where = (" WHERE doc_id IN (SELECT doc_id FROM wanted_docs)"
                         " AND doc_id NOT IN (SELECT doc_id FROM replaced)")
            if name == "blocks":
                where += " AND kind IN ('title', 'subtitle', 'body')"
            known[name] = pl.from_arrow(con.sql(f"SELECT {cols} FROM {name}{where}").to_arrow_table())
        return known


def outdated_doc_ids(lake: Lake, *, package_version: str, model_name: str, model_version: str) -> set[str]:
    """Documents last published by another package or model version than the given one."""
    con = connect_read_only(lake)
    try:
        rows = con.execute("""
            SELECT d.doc_id FROM documents d JOIN runs r USING (run_id)
            WHERE r.package_version IS DISTINCT FROM ? OR r.model_name IS DISTINCT FROM ?
               OR r.model_version IS DISTINCT FROM ?
        """, [package_version, model_name, model_version]).fetchall()
        return {r[0] for r in rows}
    finally:
        con.close()


def known_content_hashes(lake: Lake) -> dict[str, str | None]:
    """sha256 of every input whose bytes were published or found duplicate -> its doc_id (None for
    multi-record files, whose records were each accounted for)."""
    with _reading(lake, "input_files") as con:
        if con is None:
            return {}
        rows = con.execute("""
            SELECT content_sha256, any_value(doc_id) FROM input_files
            WHERE outcome IN ('published', 'duplicate') AND content_sha256 IS NOT NULL
              AND (doc_id IS NULL OR doc_id IN (SELECT doc_id FROM documents))
            GROUP BY content_sha256
        """).fetchall()
        return dict(rows)


def published_doc_ids(lake: Lake) -> set[str]:
    with _reading(lake, "documents") as con:
        return set() if con is None else {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()}


def publish_lock(lake: Lake):
    """One publisher at a time per warehouse folder; others wait, then fail with a clear message."""
    return folder_lock(lake.root, "newsflow.lock", what=f"publishing to {lake}")


@contextmanager
def folder_lock(folder: Path, name: str, *, what: str = "using the warehouse"):
    """An exclusive lock on `folder/name` across processes; waits, then fails with a clear message."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "a+") as handle:
        deadline = time.monotonic() + PUBLISH_LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(f"another run has been {what} for too long") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _in_one_snapshot(lake: Lake, run_id: str, status: str, apply) -> None:
    """Run `apply(con)` in one transaction that commits one snapshot tagged with the run. A
    commit that conflicts with another machine's is retried from the start."""
    with publish_lock(lake):
        for attempt in range(COMMIT_RETRIES):
            con = lake.connect(read_only=False)
            try:
                con.execute("BEGIN TRANSACTION")
                ensure_schema(con)
                apply(con)
                con.execute(f"CALL {ALIAS}.set_commit_message(?, ?, extra_info => ?)",
                            [AUTHOR, f"run {run_id}: {status}", json.dumps({"run_id": run_id, "status": status})])
                con.execute("COMMIT")
                break
            except duckdb.Error as exc:
                if attempt == COMMIT_RETRIES - 1 or not _retryable(exc):
                    raise
                time.sleep(COMMIT_BACKOFF_SECONDS * 2**attempt)
            finally:
                con.close()
        refresh_single_file_copy(lake)  # under the publish lock: copies follow commits in order


#: A single-file DuckDB copy of the current snapshot, refreshed after every commit, for clients
#: and tools that open a `.duckdb` file; NEWSFLOW_SINGLE_FILE_COPY=0 turns it off (it rewrites the
#: whole warehouse, so large warehouses should use the lake itself: `newsflow shell`, ATTACH).
SINGLE_FILE_COPY = "newsflow.duckdb"
SINGLE_FILE_ENV = "NEWSFLOW_SINGLE_FILE_COPY"


def single_file_copy_enabled() -> bool:
    return os.environ.get(SINGLE_FILE_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def refresh_single_file_copy(lake: Lake) -> Path | None:
    """Write the current snapshot to `DIR/newsflow.duckdb` (next to it, then renamed over it, so a
    reader of the file sees the old copy or the new one)."""
    if not single_file_copy_enabled():
        return None
    target = lake.root / SINGLE_FILE_COPY
    partial = target.with_name(target.name + f".{os.getpid()}.next")
    partial.unlink(missing_ok=True)
    con = lake.connect(read_only=True, sandboxed=False)
    try:
        con.execute(f"ATTACH {_quote(str(partial))} AS single_file")
        con.execute(f"COPY FROM DATABASE {ALIAS} TO single_file")
        con.execute("DETACH single_file")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(partial, target)
    return target


def _retryable(exc: Exception) -> bool:
    text = str(exc).lower()
    return "conflict" in text or "locked" in text or "retry" in text


def publish(
    lake: Lake,
    staged: dict[str, Path],
    *,
    run_row: dict,
    doc_ids: list[str],
    story_updates: pl.DataFrame | None = None,
    statement_updates: pl.DataFrame | None = None,
    entity_moves: pl.DataFrame | None = None,
    entity_renames: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Replace the batch's documents everywhere and append the run's records: one snapshot.

    `staged` maps table names to Parquet files; `doc_ids` are the documents whose rows the batch
    replaces; the updates move already-published documents and quotes into the stories and
    statements the batch joined, and published mentions and quote speakers into the entities
    resolution put them in. Returns the row count of every table after publishing.
    """
    def apply(con):
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

    _in_one_snapshot(lake, run_row["run_id"], run_row["status"], apply)
    con = connect_read_only(lake)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in schema.TABLES}
    finally:
        con.close()


def record_run(lake: Lake, run_row: dict, staged: dict[str, Path]) -> None:
    """Record a run that published no documents (validation blocked it): its files, rejections, results."""
    _in_one_snapshot(lake, run_row["run_id"], run_row["status"],
                     lambda con: _append_run_records(con, staged, run_row))


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


def query(lake: Lake, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only query; statements that would modify anything fail."""
    if not lake.exists():
        raise FileNotFoundError(f"no warehouse at {lake}; run `newsflow run` first")
    con = connect_read_only(lake)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()


def history(lake: Lake) -> list[dict]:
    """Every run with the snapshot it committed, newest first."""
    if not lake.exists():
        return []
    con = connect_read_only(lake)
    try:
        rows = con.execute(f"""
            SELECT r.run_id, r.status, r.started_at, s.snapshot_id, s.snapshot_time
            FROM runs r LEFT JOIN (
                SELECT snapshot_id, snapshot_time, json_extract_string(commit_extra_info, '$.run_id') AS run_id
                FROM {ALIAS}.snapshots() WHERE author = ?) s USING (run_id)
            ORDER BY s.snapshot_id DESC NULLS LAST, r.started_at DESC
        """, [AUTHOR]).fetchall()
        return [dict(zip(("run_id", "status", "started_at", "snapshot_id", "snapshot_time"), r)) for r in rows]
    finally:
        con.close()


def rollback(lake: Lake, run_id: str, *, new_run_id: str) -> int:
    """Make the state before `run_id`'s snapshot current again, as a new snapshot (later runs are
    undone too; `runs` keeps every row, the undone ones marked `rolled_back`). Returns the
    snapshot restored."""
    snapshots = {r["run_id"]: r["snapshot_id"] for r in history(lake) if r["snapshot_id"] is not None}
    if run_id not in snapshots:
        raise KeyError(f"no published snapshot for run {run_id!r} (see `newsflow history`)")
    before = snapshots[run_id] - 1
    undone = [r for r, snap in snapshots.items() if snap >= snapshots[run_id]]
    con = connect_read_only(lake)
    try:
        existed = _tables_at(con, before)
    finally:
        con.close()

    def apply(con):
        restored = [t for t in schema.TABLES.values() if t.name != "runs"]
        for t in restored:  # copied out first: inside the transaction its own deletes would show
            if t.name in existed:
                con.execute(f"CREATE TEMP TABLE old_{t.name} AS SELECT {', '.join(t.column_names)} "
                            f"FROM {t.name} AT (VERSION => {before})")
        for t in restored:
            con.execute(f"DELETE FROM {t.name}")
            if t.name in existed:
                cols = ", ".join(t.column_names)
                con.execute(f"INSERT INTO {t.name} ({cols}) SELECT {cols} FROM old_{t.name}")
                con.execute(f"DROP TABLE old_{t.name}")
        con.execute("UPDATE runs SET status = 'rolled_back' WHERE run_id IN (SELECT unnest($1::VARCHAR[]))", [undone])

    _in_one_snapshot(lake, new_run_id, f"rollback of {run_id}", apply)
    return before


def _tables_at(con, version: int) -> set[str]:
    """The tables that existed at a snapshot (asked one by one, outside any transaction)."""
    out = set()
    for name in schema.TABLES:
        try:
            con.execute(f"SELECT 1 FROM {name} AT (VERSION => {version}) LIMIT 0")
            out.add(name)
        except duckdb.Error:
            pass
    return out
