"""Publishing into a real DuckDB file: idempotent, documented, and read-only for analysts."""
from datetime import datetime, timezone

import duckdb
import pytest
from conftest import analyse_batch, source_document, connect_warehouse

from transforms import schema
from warehouse import store
from warehouse.lake import Lake

ARTICLE = (
    "Rail strike halts northern lines\n\n"
    "Train drivers walked out on Friday after talks with operator Lakeline Rail collapsed.\n\n"
    "“This is the last thing we wanted,” union leader Tomasz Nowak said outside the depot.\n"
)


def _stage(tables, directory):
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, df in tables.items():
        paths[name] = directory / f"{name}.parquet"
        df.write_parquet(paths[name])
    return paths


def _run_row(run_id):
    now = datetime.now(timezone.utc)
    return dict(run_id=run_id, flow_run_id=None, started_at=now, finished_at=now, status="published",
                counts="{}", validation="{}", package_version="test", model_name="m", model_version="v")


@pytest.fixture
def published(nlp, tmp_path):
    doc = source_document(ARTICLE)
    tables = analyse_batch([doc], nlp, run_id="r1")
    staged = _stage(tables, tmp_path / "stage")
    db = Lake.at(tmp_path / "wh")
    totals = store.publish(db, staged, run_row=_run_row("r1"), doc_ids=[doc.doc_id])
    return db, staged, doc, totals


def test_publishing_the_same_batch_twice_adds_nothing(published):
    db, staged, doc, first = published
    second = store.publish(db, staged, run_row=_run_row("r2"), doc_ids=[doc.doc_id])
    for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities"):
        assert second[name] == first[name], name
    assert second["runs"] == 2
    assert store.published_doc_ids(db) == {doc.doc_id}


SECOND_ARTICLE = (
    "Lakeline Rail talks to resume\n\n"
    "Lakeline Rail said on Monday it would meet the union again; Tomasz Nowak welcomed the offer.\n\n"
    "Passengers of Lakeline Rail were told to expect delays until Wednesday.\n"
)


def _entity_counts(db) -> dict[str, tuple[int, int, int, int]]:
    """entity name -> (n_documents, n_mentions) as stored, then as counted from entity_mentions."""
    con = connect_warehouse(db)
    try:
        return {r[0]: r[1:] for r in con.execute("""
            SELECT e.name, e.n_documents, e.n_mentions,
                   (SELECT count(DISTINCT m.doc_id) FROM entity_mentions m WHERE m.entity_id = e.entity_id),
                   (SELECT count(*) FROM entity_mentions m WHERE m.entity_id = e.entity_id)
            FROM entities e
        """).fetchall()}
    finally:
        con.close()


def test_entity_counts_are_recomputed_from_mentions(published, nlp, tmp_path):
    """Counts of entities that several publishes mention are those of all published mentions, also
    after a document is replaced (staged counts only know their own batch)."""
    db, _, first, _ = published
    second = source_document(SECOND_ARTICLE, "second.txt")
    for run_id, doc in (("r2", second), ("r3", first)):  # a new document, then the first one replaced
        tables = analyse_batch([doc], nlp, run_id=run_id)
        store.publish(db, _stage(tables, tmp_path / run_id), run_row=_run_row(run_id), doc_ids=[doc.doc_id])

    counts = _entity_counts(db)
    assert counts["Lakeline Rail"][0] == 2, counts["Lakeline Rail"]  # in both documents
    assert counts["Lakeline Rail"][1] >= 2
    assert all((docs, mentions) == (n_docs, n_mentions) for docs, mentions, n_docs, n_mentions in counts.values()), counts


def test_every_column_is_documented_in_duckdb(published):
    db, *_ = published
    con = connect_warehouse(db)
    rows = con.execute("SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name='main'"
                       " AND table_name IN (SELECT table_name FROM duckdb_tables())").fetchall()
    con.close()
    assert len(rows) == sum(len(t.columns) for t in schema.TABLES.values())
    assert all(comment for _, _, comment in rows)


@pytest.mark.parametrize("sql", [
    "DROP TABLE quotes",
    "DELETE FROM documents",
    "CREATE TABLE x AS SELECT 1",
    "COPY documents TO '/tmp/newsflow-leak.csv'",
    "ATTACH '/tmp/newsflow-other.duckdb' AS other",
])
def test_queries_cannot_modify_anything(published, sql):
    db, *_ = published
    with pytest.raises(duckdb.Error):
        store.query(db, sql)
    columns, rows = store.query(db, "SELECT count(*) AS n FROM quotes")
    assert columns == ["n"] and rows[0][0] >= 1


def test_analyst_views_answer_who_was_quoted(published):
    db, *_ = published
    _, rows = store.query(db, "SELECT speaker, n_quotes FROM quotes_by_speaker")
    assert ("Tomasz Nowak", 1) in rows


def test_the_warehouse_opens_in_the_duckdb_cli_from_pypi(published):
    """Analysts can use PyPI's duckdb-cli of the same version, with the lake attached as
    `newsflow shell` attaches it."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "duckdb"
    if not cli.exists():
        cli = Path(shutil.which("duckdb") or "duckdb")
    db, *_ = published
    setup = ";".join(db.setup_sql(read_only=True))
    out = subprocess.run([str(cli), "-csv", "-c", setup + "; SELECT count(*) AS n FROM quotes_by_speaker"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["n", "1"]


def test_each_publish_is_one_snapshot_tagged_with_its_run_and_time_travel_reads_it(published, nlp, tmp_path):
    db, _, first, _ = published
    second = source_document(SECOND_ARTICLE, "second.txt")
    store.publish(db, _stage(analyse_batch([second], nlp, run_id="r2"), tmp_path / "r2"),
                  run_row=_run_row("r2"), doc_ids=[second.doc_id])
    runs = {r["run_id"]: r["snapshot_id"] for r in store.history(db)}
    assert set(runs) == {"r1", "r2"} and runs["r2"] == runs["r1"] + 1  # one snapshot per run
    con = connect_warehouse(db)
    try:
        as_of_r1 = con.execute(f"SELECT count(*) FROM documents AT (VERSION => {runs['r1']})").fetchone()[0]
        now = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    assert (as_of_r1, now) == (1, 2)


def test_rollback_makes_the_state_before_a_run_current_again(published, nlp, tmp_path):
    db, _, first, before = published
    second = source_document(SECOND_ARTICLE, "second.txt")
    store.publish(db, _stage(analyse_batch([second], nlp, run_id="r2"), tmp_path / "r2"),
                  run_row=_run_row("r2"), doc_ids=[second.doc_id])
    assert store.published_doc_ids(db) == {first.doc_id, second.doc_id}
    store.rollback(db, "r2", new_run_id="undo")
    assert store.published_doc_ids(db) == {first.doc_id}
    _, rows = store.query(db, "SELECT run_id, status FROM runs ORDER BY run_id")
    assert rows == [("r1", "published"), ("r2", "rolled_back")]
    for name in ("blocks", "sentences", "entity_mentions", "quotes", "entities"):
        assert store.query(db, f"SELECT count(*) FROM {name}")[1][0][0] == before[name], name
    with pytest.raises(KeyError):
        store.rollback(db, "no-such-run", new_run_id="undo2")


def test_every_commit_refreshes_a_single_file_duckdb_copy(published):
    """Tools that open a `.duckdb` file (and the DuckDB CLI on its own) read the current snapshot."""
    db, *_ = published
    copy = db.root / store.SINGLE_FILE_COPY
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM quotes_by_speaker").fetchone()[0] >= 1
    finally:
        con.close()
