"""The gate and the atomic publish, with real flow runs, real processes and a real DuckDB file."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT, connect_warehouse

pytestmark = pytest.mark.slow
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _counts(db: Path) -> dict:
    con = connect_warehouse(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities")}
    finally:
        con.close()


@pytest.fixture
def two_seeds(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    for path in SEEDS[:2]:
        shutil.copy(path, first)
    return first


@pytest.mark.parametrize("corruption,table,expectation", [
    ("offset", "sentences", "check_span_matches_text"),
    ("dangling_key", "entity_mentions", "check_sentence_id_resolves"),
])
def test_a_corrupted_batch_is_blocked_quarantined_and_reported(
    prefect_server, monkeypatch, tmp_path, two_seeds, corruption, table, expectation
):
    import flows.pipeline as pipeline
    import flows.stages as stages

    warehouse = tmp_path / "wh"
    pipeline.news_pipeline(inputs=[str(two_seeds)], warehouse=str(warehouse))
    before = _counts(warehouse)

    real = stages.document_tables  # one batch of five documents: analysed in the flow's process

    def corrupted(*args, **kwargs):
        tables = real(*args, **kwargs)
        if corruption == "offset":
            tables["sentences"] = tables["sentences"].with_columns(pl.col("char_end") + 2)
        else:
            tables["entity_mentions"] = tables["entity_mentions"].with_columns(pl.lit("missing").alias("sentence_id"))
        return tables

    monkeypatch.setattr(stages, "document_tables", corrupted)
    with pytest.raises(pipeline.PipelineFailed) as failure:
        pipeline.news_pipeline(inputs=[str(ROOT / "seeds")], warehouse=str(warehouse))
    message = str(failure.value)
    assert table in message and expectation in message and "critical" in message
    assert failure.value.summary["status"] == "validation_failed"

    db = warehouse
    assert _counts(db) == before  # the warehouse is exactly as it was
    quarantine = Path(failure.value.summary["quarantine"])
    assert (quarantine / f"{table}.parquet").exists()
    con = connect_warehouse(db)
    status = con.execute("SELECT status FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    failed = con.execute("SELECT count(*) FROM validation_results WHERE NOT success AND severity = 'critical'"
                         " AND table_name = ?", [table]).fetchone()[0]
    con.close()
    assert status == "validation_failed" and failed >= 1
    assert (warehouse / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


READER = """
import json, sys, time
from warehouse.lake import Lake
db, stop = sys.argv[1], sys.argv[2]
con = Lake.at(db).connect(read_only=True)
seen = set()
import os
while not os.path.exists(stop):
    seen.add(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    time.sleep(0.05)
con.close()
fresh = Lake.at(db).connect(read_only=True).execute("SELECT count(*) FROM documents").fetchone()[0]
print(json.dumps({"seen": sorted(seen), "after_reconnect": fresh}))
"""


def test_a_reader_holding_its_connection_neither_blocks_a_run_nor_sees_half_a_batch(prefect_server, tmp_path, two_seeds):
    from flows.pipeline import news_pipeline

    warehouse = tmp_path / "wh"
    db = warehouse
    news_pipeline(inputs=[str(two_seeds)], warehouse=str(warehouse))
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
    time.sleep(1.0)  # the reader has the file open
    summary = news_pipeline(inputs=[str(ROOT / "seeds")], warehouse=str(warehouse))
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    assert summary["status"] == "published"
    result = json.loads(out)
    assert set(result["seen"]) <= {2, 5}  # the old snapshot or the new one, never a partial batch
    assert result["after_reconnect"] == 5


def test_a_run_killed_mid_publish_leaves_the_previous_warehouse_and_the_next_run_completes(
    prefect_server, tmp_path, two_seeds
):
    from flows.pipeline import news_pipeline

    exe = Path(sys.executable).parent / "newsflow"
    warehouse = tmp_path / "wh"
    db = warehouse
    news_pipeline(inputs=[str(two_seeds)], warehouse=str(warehouse))
    before = _counts(db)

    # A real `newsflow run` process, killed the moment its publish transaction has written its first
    # data file and not yet committed (SIGKILL: no cleanup).
    def data_files():
        return set((warehouse / "data").rglob("*.parquet"))

    published_files = data_files()
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"))
    proc = subprocess.Popen([str(exe), "run", str(ROOT / "seeds"), "--warehouse", str(warehouse), "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and data_files() == published_files:
        time.sleep(0.001)
    killed_mid_publish = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert killed_mid_publish, "the run finished before its publish could be interrupted"
    assert _counts(db) == before

    summary = news_pipeline(inputs=[str(ROOT / "seeds")], warehouse=str(warehouse))
    assert summary["status"] == "published"
    assert _counts(db)["documents"] == 5
    # The killed transaction's data files belong to no snapshot: maintenance deletes them.
