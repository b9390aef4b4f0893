"""The DuckLake warehouse under concurrency (warehouse/lake.py, warehouse/store.py): readers in
other processes never block or see half a batch, two runs at once both complete, and a real
PostgreSQL catalog serves runs from two processes."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, connect_warehouse

pytestmark = pytest.mark.slow
NEWSFLOW = Path(sys.executable).parent / "newsflow"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

READER = """
import json, sys, time, os
from warehouse.lake import Lake
root, stop, hold = sys.argv[1], sys.argv[2], sys.argv[3] == "hold"
seen, errors = set(), []
con = Lake.at(root).connect(read_only=True) if hold else None
while not os.path.exists(stop):
    try:
        c = con or Lake.at(root).connect(read_only=True)
        seen.add(c.execute("SELECT count(*) FROM documents").fetchone()[0])
        if not hold:
            c.close()
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.02 if hold else 0.3)  # attaching costs CPU the run needs on a small machine
print(json.dumps({"seen": sorted(seen), "errors": errors}))
"""


def _run(inputs, warehouse, env=None, *extra):
    return subprocess.Popen([str(NEWSFLOW), "run", *map(str, inputs), "--warehouse", str(warehouse), "--workers", "1",
                             *extra], env=env or dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _count(warehouse, sql="SELECT count(*) FROM documents"):
    con = connect_warehouse(warehouse)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _folders(tmp_path):
    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir()
    rest.mkdir()
    for p in SEEDS[:2]:
        shutil.copy(p, first)
    for p in SEEDS[2:]:
        shutil.copy(p, rest)
    return first, rest


def test_four_readers_during_a_publish_see_the_before_or_after_count_and_no_error(tmp_path):
    first, rest = _folders(tmp_path)
    warehouse = tmp_path / "wh"
    assert _run([first], warehouse).wait(timeout=600) == 0
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop), "hold" if k == 0 else "loop"],
                                stdout=subprocess.PIPE, text=True) for k in range(4)]
    time.sleep(2)
    run = _run([first, rest], warehouse)
    out, _ = run.communicate(timeout=600)
    assert run.returncode == 0, out
    time.sleep(0.5)
    stop.touch()
    outputs = [r.communicate(timeout=60)[0] for r in readers]
    results = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    for result in results:
        assert result["errors"] == []
        assert set(result["seen"]) <= {2, 5} and result["seen"], result
    assert any(5 in r["seen"] for r in results)  # the readers were there when the run published


def test_two_runs_at_once_on_one_warehouse_both_complete_without_lost_or_duplicated_documents(tmp_path):
    first, rest = _folders(tmp_path)
    warehouse = tmp_path / "wh"
    runs = [_run([first, rest], warehouse), _run([rest], warehouse)]
    outs = [r.communicate(timeout=900)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    assert _count(warehouse) == 5
    assert _count(warehouse, "SELECT count(*) - count(DISTINCT doc_id) FROM documents") == 0
    assert _count(warehouse, "SELECT count(*) FROM runs") == 2


# ---------------------------------------------------------------------------------------------
# A throwaway PostgreSQL catalog
# ---------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_catalog(tmp_path_factory):
    """A PostgreSQL 15 cluster on a free loopback port, run as the `postgres` user (postgres
    refuses root); yields a libpq connection string to a fresh database; stopped and removed after."""
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not on PATH")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = Path(tempfile_dir()) / f"pg-{os.getpid()}-{time.monotonic_ns()}"
    data.mkdir(parents=True)
    if as_postgres:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    subprocess.run([*as_postgres, "initdb", "-D", str(data / "db"), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run([*as_postgres, "pg_ctl", "-D", str(data / "db"), "-w", "-l", str(data / "log"), "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        subprocess.run([*as_postgres, "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c",
                        "CREATE DATABASE lake"], check=True, capture_output=True)
        yield f"dbname=lake host=127.0.0.1 port={port} user=postgres"
    finally:
        subprocess.run([*as_postgres, "pg_ctl", "-D", str(data / "db"), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


def test_a_postgresql_catalog_serves_runs_from_two_processes(tmp_path, postgres_catalog):
    first, rest = _folders(tmp_path)
    data = tmp_path / "shared"  # the data path every machine would see
    env = dict(os.environ, NEWSFLOW_CATALOG=postgres_catalog)
    runs = [_run([first], data, env), _run([rest], data, env, "--catalog", postgres_catalog)]
    outs = [r.communicate(timeout=900)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    assert not (data / "catalog.sqlite").exists()  # the catalog is the server's
    from warehouse.lake import Lake

    lake = Lake.at(data, postgres_catalog)
    con = lake.connect(read_only=True, sandboxed=False)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM runs WHERE status = 'published'").fetchone()[0] == 2
        snapshots = con.execute("SELECT count(*) FROM news.snapshots() WHERE author = 'newsflow'").fetchone()[0]
    finally:
        con.close()
    assert snapshots == 2
