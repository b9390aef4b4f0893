"""The `newsflow` command as a data engineer meets it (issue 18), each case in its own process:
exit codes, failing fast with a message that names the problem and the fix, no tracebacks, the
honest summary (text and JSON), progress, `sql` output and `serve`'s refusal without a server.

Usage and configuration errors must fail in well under the time of a real run (about 10-15 s on
seeds/ here): FAIL_FAST_SECONDS leaves room for a loaded machine.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SEEDS

EXE = Path(sys.executable).parent / "newsflow"
FAIL_FAST_SECONDS = 5.0


class Result:
    def __init__(self, proc: subprocess.CompletedProcess, seconds: float):
        self.code, self.out, self.err, self.seconds = proc.returncode, proc.stdout, proc.stderr, seconds

    def __repr__(self) -> str:
        return f"exit {self.code} after {self.seconds:.1f} s\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def newsflow(*args, env: dict | None = None, cwd: Path | None = None, exe: list[str] | None = None,
             timeout: float = 600) -> Result:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_") and k != "PREFECT_API_URL"}
    environ.update(env or {})
    started = time.monotonic()
    proc = subprocess.run([*(exe or [str(EXE)]), *map(str, args)], capture_output=True, text=True, env=environ,
                          cwd=cwd, timeout=timeout)
    return Result(proc, time.monotonic() - started)


def assert_fails_fast(r: Result, code: int, *messages: str) -> None:
    """Exit `code` within FAIL_FAST_SECONDS, every message on stderr, at most two lines, no traceback."""
    assert r.code == code, r
    assert r.seconds < FAIL_FAST_SECONDS, r
    for message in messages:
        assert message in r.err, r
    assert len(r.err.strip().splitlines()) <= 2, r
    assert "Traceback" not in r.out + r.err, r


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------
# Help and usage errors: argparse's conventions (0 for --help, 2 for usage), no abbreviations
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["serve", "--help"], ["sql", "--help"]])
def test_help_exits_zero_and_documents_the_exit_codes(args):
    r = newsflow(*args)
    assert r.code == 0 and r.seconds < FAIL_FAST_SECONDS, r
    assert "exit codes:" in r.out and "validation blocked publishing" in r.out and "130" in r.out, r


@pytest.mark.parametrize("args, message", [
    ([], "the following arguments are required: COMMAND"),
    (["runn"], "invalid choice: 'runn'"),
    (["run", SEEDS, "--full-refrsh"], "did you mean --full-refresh?"),
    (["run", SEEDS, "--warehous", "wh"], "unrecognized arguments: --warehous"),  # never taken as --warehouse
    (["run", SEEDS, "--since", "2024-13-01"], "'2024-13-01' is not a date: use YYYY-MM-DD"),
    (["run", SEEDS, "--since", "2999-01-01"], "2999-01-01 is in the future"),
    (["run", SEEDS, "--workers", "abc"], "argument --workers: 'abc' is not a whole number"),
    (["run", SEEDS, "--workers", "0"], "argument --workers: must be at least 1, not 0"),
    (["run", SEEDS, "--workers", "-2"], "argument --workers: must be at least 1, not -2"),
    (["run", SEEDS, "--batch-size", "0"], "argument --batch-size: must be at least 1"),
    (["run"], "the following arguments are required: INPUT"),
    (["serve", SEEDS], "the following arguments are required: --cron"),
    (["sql"], "one of the arguments query --file/-f is required"),
    (["sql", "SELECT 1", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
])
def test_usage_errors_exit_2_in_two_lines(tmp_path, args, message):
    r = newsflow(*args, cwd=tmp_path)
    assert_fails_fast(r, 2, message)
    assert not (tmp_path / "wh").exists()


# ------------------------------------------------------------------------------------------------
# Fail fast: paths, settings, the Dask address, before any work and without creating anything
# ------------------------------------------------------------------------------------------------
def test_a_literal_input_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "path" / "that" / "does-not-exist"
    r = newsflow("run", SEEDS, missing, "--warehouse", tmp_path / "wh")
    assert_fails_fast(r, 2, f"no such file or folder: {missing}", "check the path")
    assert not (tmp_path / "wh").exists(), "nothing is created for a run that cannot start"


def test_a_warehouse_that_is_a_file_or_under_a_file_or_not_creatable(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", a_file), 2, f"--warehouse {a_file} is a file")
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", a_file / "wh"), 2, f"{a_file} is a file")
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", "/proc/newsflow-wh"), 2, "cannot create /proc/newsflow-wh",
                      "writable folder")
    assert a_file.read_text() == "not a folder"


def test_a_shared_catalog_that_does_not_answer(tmp_path):
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    catalog = f"dbname=lake host=127.0.0.1 port={port} user=postgres"
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", tmp_path / "wh", "--catalog", catalog), 2,
                      "does not answer", "--catalog")
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", tmp_path / "wh", env={"NEWSFLOW_CATALOG": catalog}), 2,
                      "does not answer")
    assert not (tmp_path / "wh").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_warehouse_folder(tmp_path):
    wh = tmp_path / "wh"
    wh.mkdir()
    wh.chmod(0o555)
    try:
        assert_fails_fast(newsflow("run", SEEDS, "--warehouse", wh), 2, f"cannot write in {wh}")
    finally:
        wh.chmod(0o755)


@pytest.mark.parametrize("env, message", [
    ({"NEWSFLOW_JSON_FIELDS": "body"}, "NEWSFLOW_JSON_FIELDS: bad field mapping 'body'"),
    ({"NEWSFLOW_JSON_FIELDS": "words=body"}, "NEWSFLOW_JSON_FIELDS: bad field mapping 'words=body'"),
    ({"NEWSFLOW_BATCH_SIZE": "0"}, "NEWSFLOW_BATCH_SIZE=0 must be at least 1"),
    ({"NEWSFLOW_MAX_FILE_BYTES": "20MB"}, "NEWSFLOW_MAX_FILE_BYTES='20MB' is not a whole number"),
    ({"NEWSFLOW_MAX_DECOMPRESSED_BYTES": "-1"}, "NEWSFLOW_MAX_DECOMPRESSED_BYTES=-1 must be at least 0"),
    ({"NEWSFLOW_SPACY_MODEL": "en_no_such_model"}, "spaCy model 'en_no_such_model' is not installed"),
    ({"NEWSFLOW_DEFAULT_LANGUAGE": "english"}, "NEWSFLOW_DEFAULT_LANGUAGE='english' is not an ISO 639-1 code"),
])
def test_bad_settings_fail_before_any_work(tmp_path, env, message):
    r = newsflow("run", SEEDS, "--warehouse", tmp_path / "wh", env=env)
    assert_fails_fast(r, 2, message)
    assert not (tmp_path / "wh").exists()


def test_a_bad_model_flag_and_dask_addresses(tmp_path):
    wh = tmp_path / "wh"
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", wh, "--model", "nope"), 2, "spaCy model 'nope'")
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", wh, "--dask-address", "localhost"), 2,
                      "is not a scheduler address", "tcp://HOST:PORT")
    port = _free_port()
    assert_fails_fast(newsflow("run", SEEDS, "--warehouse", wh, "--dask-address", f"tcp://127.0.0.1:{port}"), 2,
                      f"no Dask scheduler answers at tcp://127.0.0.1:{port}")
    assert not wh.exists()


def test_json_errors_also_go_to_stdout_for_schedulers(tmp_path):
    r = newsflow("run", tmp_path / "missing", "--json")
    assert_fails_fast(r, 2, "no such file or folder")
    assert json.loads(r.out)["exit_code"] == 2


# ------------------------------------------------------------------------------------------------
# serve: a Prefect server or nothing
# ------------------------------------------------------------------------------------------------
def test_serve_refuses_to_start_without_a_prefect_server(tmp_path):
    env = {"PREFECT_HOME": str(tmp_path / "prefect-home")}
    r = newsflow("serve", SEEDS, "--warehouse", tmp_path / "wh", "--cron", "0 * * * *", env=env)
    assert_fails_fast(r, 2, "PREFECT_API_URL is not set", "prefect server start --host 127.0.0.1",
                      "export PREFECT_API_URL=http://127.0.0.1:4200/api")
    url = f"http://127.0.0.1:{_free_port()}/api"
    r = newsflow("serve", SEEDS, "--warehouse", tmp_path / "wh", "--cron", "0 * * * *",
                 env=dict(env, PREFECT_API_URL=url))
    assert_fails_fast(r, 2, f"no Prefect server answers at PREFECT_API_URL={url}", "prefect server start")


def test_serve_checks_the_cron_expression_first(tmp_path):
    r = newsflow("serve", SEEDS, "--warehouse", tmp_path / "wh", "--cron", "61 * * * *",
                 env={"PREFECT_HOME": str(tmp_path / "prefect-home")})
    assert_fails_fast(r, 2, "--cron '61 * * * *' is not a cron expression", "e.g. \"0 * * * *\"")


# ------------------------------------------------------------------------------------------------
# sql: DuckDB's rendering, other formats, a file of SQL, read-only
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def small_warehouse(tmp_path) -> Path:
    """A lake with one table with a list column, enough for the `sql` command."""
    from warehouse.lake import Lake

    wh = tmp_path / "wh"
    con = Lake.at(wh).connect(read_only=False)
    con.execute("CREATE TABLE entities AS SELECT * FROM (VALUES ('Ann Lee', ['Lee', 'A. Lee'], 2), "
                "('Bo Chan', ['Chan'], 1)) t(name, aliases, n_documents)")
    con.close()
    return wh


def test_sql_prints_duckdbs_box_with_types(small_warehouse):
    r = newsflow("sql", "SELECT * FROM entities ORDER BY name", "--warehouse", small_warehouse)
    assert r.code == 0, r
    assert "┌" in r.out and "varchar[]" in r.out and "[Lee, A. Lee]" in r.out, r


def test_sql_formats_and_a_file_of_statements(small_warehouse, tmp_path):
    query = "SELECT name, aliases FROM entities ORDER BY name"
    csv = newsflow("sql", query, "--warehouse", small_warehouse, "--format", "csv")
    assert csv.code == 0 and csv.out.splitlines()[:2] == ["name,aliases", 'Ann Lee,"[""Lee"", ""A. Lee""]"'], csv
    js = newsflow("sql", query, "--warehouse", small_warehouse, "--format", "json")
    assert json.loads(js.out) == [{"name": "Ann Lee", "aliases": ["Lee", "A. Lee"]},
                                  {"name": "Bo Chan", "aliases": ["Chan"]}], js
    md = newsflow("sql", query, "--warehouse", small_warehouse, "--format", "markdown")
    assert md.out.splitlines()[:3] == ["| name | aliases |", "|---|---|", '| Ann Lee | ["Lee", "A. Lee"] |'], md
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("-- two statements\nSELECT count(*) AS n FROM entities;\nSELECT max(n_documents) AS top "
                        "FROM entities;\n")
    both = newsflow("sql", "--file", sql_file, "--warehouse", small_warehouse, "--format", "csv")
    assert both.code == 0 and both.out.split() == ["n", "2", "top", "2"], both


@pytest.mark.parametrize("query, code, message", [
    ("DROP TABLE entities", 1, "read-only"),
    ("SELEC 1", 1, "syntax error"),
    ("SELECT * FROM read_csv('/etc/passwd')", 1, "reads only the warehouse"),
    ("", 2, "no SQL given"),
])
def test_sql_errors(small_warehouse, query, code, message):
    assert_fails_fast(newsflow("sql", query, "--warehouse", small_warehouse), code, message)


def test_sql_without_a_warehouse_or_its_file(tmp_path):
    assert_fails_fast(newsflow("sql", "SELECT 1", "--warehouse", tmp_path / "none"), 2,
                      f"no warehouse at {tmp_path / 'none'}", "newsflow run")
    assert_fails_fast(newsflow("sql", "--file", tmp_path / "q.sql", "--warehouse", tmp_path), 2,
                      f"cannot read --file {tmp_path / 'q.sql'}")


def test_cookbook_queries_order_their_rows():
    """Every cookbook query orders its rows (tie-breakers down to a name or an id are checked by
    reading: the outputs in docs/cookbook.md come from `newsflow sql`)."""
    cookbook = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    queries = [block.split("```", 1)[0] for block in cookbook.split("```sql\n")[1:]]
    assert queries and all("ORDER BY" in q for q in queries), queries


# ------------------------------------------------------------------------------------------------
# Real runs: the summary, JSON, progress, empty runs, validation blocked, a failed run
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory) -> Path:
    """The seeds, a copy of one under another name, an empty file and a JSON Lines file of two
    records (one without text)."""
    inputs = tmp_path_factory.mktemp("cli") / "in"
    shutil.copytree(SEEDS, inputs)
    shutil.copy(sorted(inputs.glob("*.txt"))[0], inputs / "copy-of-first.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "feed.jsonl").write_text('{"title": "Council vote", "text": "The council voted on the budget on '
                                       'Tuesday evening after a long debate."}\n{"title": "No text here"}\n')
    return inputs


@pytest.fixture(scope="module")
def first_run(mixed_inputs, tmp_path_factory):
    wh = tmp_path_factory.mktemp("cli-wh") / "wh"
    env = {"PREFECT_HOME": str(wh.parent / "prefect-home")}
    return newsflow("run", mixed_inputs, "--warehouse", wh, "--json", "--progress", "--workers", "1", env=env), wh, env


@pytest.mark.slow
def test_json_summary_counts_files_records_and_outcomes_apart(first_run):
    r, wh, _ = first_run
    assert r.code == 0, r
    s = json.loads(r.out)
    assert s["exit_code"] == 0 and s["status"] == "published"
    c = s["counts"]
    assert (c["files"], c["records"], c["files_unchanged"]) == (8, 2, 0)
    assert (c["documents_new"], c["documents_reprocessed"], c["documents_already_published"],
            c["documents_duplicate"], c["documents_rejected"]) == (6, 0, 0, 1, 2)
    assert {(Path(x["source_path"]).name, x["reason"]) for x in s["rejected"]} == {("empty.txt", "empty"),
                                                                                  ("feed.jsonl#2", "missing_text")}
    assert Path(s["data_docs"]).exists() and s["warehouse"].startswith(str(wh))
    assert {"preflight", "discover", "start", "read", "analyse", "resolve", "validate", "publish"} <= set(s["timings"])
    listed = newsflow("sql", s["rejections_sql"], "--warehouse", wh, "--format", "json")
    assert len(json.loads(listed.out)) == 2, listed
    assert "Traceback" not in r.err


@pytest.mark.slow
def test_progress_is_one_line_per_stage_off_a_terminal(first_run):
    r = first_run[0]
    lines = r.err.strip().splitlines()
    assert [ln.split()[1] for ln in lines] == ["discover", "start", "read", "analyse", "resolve", "stage",
                                               "validate", "publish"], r
    assert "newsflow: analyse 6 documents in" in r.err and "newsflow: read 8 files in" in r.err


@pytest.mark.slow
def test_a_rerun_says_what_was_already_published_and_is_silent_off_a_terminal(first_run, mixed_inputs):
    _, wh, env = first_run
    r = newsflow("run", mixed_inputs, "--warehouse", wh, env=env)
    assert r.code == 0 and r.err == "", r  # no progress off a terminal unless asked
    # Rejected files are read again (their bytes were never published); the rest are not. The
    # JSON Lines file is a file only: its records were counted by the run that read them.
    assert "8 files; 7 unchanged since a previous run (not read again)" in r.out, r
    assert "new 0  reprocessed 0  already published 6  duplicate 0  rejected 1" in r.out, r
    assert "empty.txt  empty: 0 bytes, no text" in r.out and "all of them: newsflow sql" in r.out, r


@pytest.mark.slow
def test_a_full_refresh_reprocesses_rather_than_adds(first_run, mixed_inputs):
    _, wh, env = first_run
    r = newsflow("run", mixed_inputs, "--warehouse", wh, "--full-refresh", "--workers", "1", env=env)
    assert r.code == 0, r
    assert "new 0  reprocessed 6  already published 0  duplicate 1  rejected 2" in r.out, r


def test_a_glob_that_matches_nothing_is_an_empty_run(tmp_path):
    r = newsflow("run", str(tmp_path / "*.nothing"), "--warehouse", tmp_path / "wh")
    assert r.code == 0 and r.seconds < FAIL_FAST_SECONDS, r
    assert "no files: the inputs matched nothing (an empty run)" in r.out, r
    assert not (tmp_path / "wh").exists()


#: Runs the CLI with the analysis corrupted (validation blocks the batch) or publish failing.
FAULTY = """
import sys
import polars as pl
import flows.stages as stages
from warehouse import store

fault = sys.argv.pop(1)
real = stages.document_tables

def corrupted(*args, **kwargs):
    tables = real(*args, **kwargs)
    tables["sentences"] = tables["sentences"].with_columns(pl.col("char_end") + 2)
    return tables

def failing(*args, **kwargs):
    raise OSError("injected: disk full")

if fault == "corrupt":
    stages.document_tables = corrupted  # one batch: analysed in this process
else:
    stages.publish.retries = 0
    store.publish = failing
from flows.cli import command
command()
"""


@pytest.mark.slow
@pytest.mark.parametrize("fault, code, messages", [
    ("corrupt", 3, ["validation blocked publishing; the batch is kept in"]),
    ("publish", 1, ["newsflow run: error: run failed: OSError: injected: disk full",
                    "run again with --debug for the traceback"]),
])
def test_validation_blocked_and_failed_runs_have_their_own_codes_and_no_traceback(tmp_path, fault, code, messages):
    script = tmp_path / "faulty.py"
    script.write_text(FAULTY)
    env = {"PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_LOGGING_LEVEL": "WARNING"}
    r = newsflow(fault, "run", SEEDS, "--warehouse", tmp_path / "wh", env=env, exe=[sys.executable, str(script)])
    assert r.code == code, r
    assert "Traceback" not in r.out + r.err, r
    for message in messages:
        assert message in r.err, r
    assert len(r.err.strip().splitlines()) <= 2, r
    if fault == "corrupt":
        assert "validation blocked" in r.out and "quarantine" in r.out and "[critical] sentences" in r.out, r
