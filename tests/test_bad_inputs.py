"""Bad, faulty and hostile inputs (issue 8): one run over the generated corpus plus the seeds
completes, the seeds publish, and every input is accounted for with the expected outcome.

The corpus and its expected outcomes come from tests/bad_inputs.py (`python tests/bad_inputs.py
OUTDIR` writes it). Also here: the size limit is checked before anything is opened, files that
vanish or change kind between discovery and reading, no network access on the HTML path, nothing
written outside the warehouse folder, and the local Prefect server command binding to 127.0.0.1.
"""
from __future__ import annotations

import faulthandler
import os
import re
import shutil
import socket
from pathlib import Path

import duckdb
import pytest
from bad_inputs import Case, write_corpus
from conftest import ROOT, SEEDS, read_with_ledger, connect_warehouse

from flows.inputs import discover, display_path

LIMIT = 20_000_000   # the default NEWSFLOW_MAX_FILE_BYTES


def _tree(root: Path) -> set[str]:
    """Every path under root (symlinks not followed), relative, as bytes-safe text."""
    out = set()
    for dirpath, dirs, names in os.walk(root, followlinks=False):
        for n in dirs + names:
            out.add(display_path(os.path.relpath(os.path.join(dirpath, n), root)))
    return out


def _expected(cases: list[Case], prefix: str) -> dict[str, Case]:
    return {prefix + display_path(c.name.split("#")[0]) + ("#" + c.name.split("#")[1] if "#" in c.name else ""): c
            for c in cases}


# ------------------------------------------------------------------------------------------------
# One flow run over the corpus plus the seeds
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus_run(prefect_server, tmp_path_factory):
    """Run the flow from a working folder next to the inputs, with relative input paths that
    climb out of it ("../in/..."), and record the file tree around it before and after."""
    from prefect.task_runners import ThreadPoolTaskRunner

    import transforms.analyse.parse
    from flows.cli import main as cli_main
    from flows.pipeline import news_pipeline

    # A read that blocks (a FIFO opened for reading waits for a writer) must fail the run here,
    # with the stacks, instead of hanging the suite.
    faulthandler.dump_traceback_later(200, exit=True)
    base = tmp_path_factory.mktemp("bad")
    (base / "cwd").mkdir()
    shutil.copytree(SEEDS, base / "in" / "seeds")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base / "cwd")
        first_seed = sorted(Path("../in/seeds").iterdir())[0]
        cases = write_corpus(Path("../in/corpus"), seed_file=first_seed)
        before = _tree(base)
        # Parse the long paragraph in several pieces, as a paragraph over spaCy's limit would be.
        mp.setattr(transforms.analyse.parse, "MAX_PARSE_CHARS", 10_000)
        inputs = ["../in/seeds", "../in/corpus/../corpus"]
        flow = news_pipeline.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))
        summary = flow(inputs=inputs, warehouse="wh")
        # Again through the CLI: everything is now a duplicate or a rejection; the exit code is 0
        # because the run itself did not fail (rejections are outcomes, listed in the summary).
        rc = cli_main(["run", *inputs, "--warehouse", "wh", "--workers", "1"])
        after = _tree(base)
    faulthandler.cancel_dump_traceback_later()
    return dict(base=base, cases=cases, summary=summary, rc=rc, before=before, after=after,
                db=base / "cwd" / "wh", prefix="../in/corpus/../corpus/",
                seeds=sorted(f"../in/seeds/{p.name}" for p in SEEDS.iterdir()))


@pytest.fixture(scope="module")
def con(corpus_run):
    connection = connect_warehouse(corpus_run["db"])
    yield connection
    connection.close()


def _rows(con, run_id: str) -> dict[str, tuple]:
    rows = con.execute("""
        SELECT f.source_path, f.outcome, f.detail, f.doc_id, r.reason, r.detail
        FROM input_files f LEFT JOIN rejections r USING (run_id, source_path)
        WHERE f.run_id = ?""", [run_id]).fetchall()
    out = {r[0]: r[1:] for r in rows}
    assert len(out) == len(rows), "one input_files row per input unit"
    return out


def test_run_completes_and_seeds_publish(corpus_run, con):
    s = corpus_run["summary"]
    assert s["status"] == "published"
    rows = _rows(con, s["run_id"])
    for seed in corpus_run["seeds"]:
        assert rows[seed][0] == "published", seed
    published = con.execute("SELECT source_path FROM documents WHERE run_id = ?", [s["run_id"]]).fetchall()
    assert set(corpus_run["seeds"]) <= {p for (p,) in published}


def test_every_input_has_its_expected_outcome_and_reason(corpus_run, con):
    run_id = corpus_run["summary"]["run_id"]
    rows = _rows(con, run_id)
    expected = _expected(corpus_run["cases"], corpus_run["prefix"])
    assert set(rows) == set(expected) | set(corpus_run["seeds"]), "nothing unaccounted for, nothing extra"
    wrong = []
    for path, case in expected.items():
        outcome, detail, doc_id, reason, rej_detail = rows[path]
        if outcome != case.outcome:
            wrong.append((case.name, outcome, detail))
        elif outcome == "rejected" and not (reason == case.reason and rej_detail
                                            and detail.startswith(f"{reason}: ")):
            wrong.append((case.name, reason, detail))
        elif outcome == "duplicate":
            original = case.reason if case.reason.startswith("../") else corpus_run["prefix"] + case.reason
            if detail != f"same text as {original}" or rows[original][2] != doc_id:
                wrong.append((case.name, detail, doc_id))
    assert not wrong


def test_summary_counts_say_what_happened(corpus_run):
    cases, s = corpus_run["cases"], corpus_run["summary"]
    containers = {c.name.split("#")[0] for c in cases if "#" in c.name}
    units = [c for c in cases if c.name not in containers]
    assert s["counts"]["documents_new"] == sum(c.outcome == "published" for c in units) + len(corpus_run["seeds"])
    assert s["counts"]["documents_duplicate"] == sum(c.outcome == "duplicate" for c in units)
    assert s["counts"]["documents_rejected"] == sum(c.outcome == "rejected" for c in units)


def test_cli_exit_code_is_zero_when_only_some_inputs_were_rejected(corpus_run, con):
    assert corpus_run["rc"] == 0
    last = con.execute("SELECT run_id, status FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    assert last[1] == "nothing_to_do"
    assert con.execute("SELECT count(*) FROM rejections WHERE run_id = ?", [last[0]]).fetchone()[0] > 0


def test_long_paragraph_parsed_in_pieces_keeps_offsets(corpus_run, con):
    path = corpus_run["prefix"] + "long_paragraph.txt"
    n_sent, bad = con.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE substring(d.raw_text, s.char_start + 1, s.char_end - s.char_start) != s.text)
        FROM sentences s JOIN documents d USING (doc_id) WHERE d.source_path = ?""", [path]).fetchone()
    assert n_sent > 400 and bad == 0
    for table in ("blocks", "entity_mentions", "quotes"):
        assert con.execute(f"""
            SELECT count(*) FROM {table} s JOIN documents d USING (doc_id)
            WHERE substring(d.raw_text, s.char_start + 1, s.char_end - s.char_start) != s.text""").fetchone()[0] == 0


def test_layouts_publish_typed_and_analysed(corpus_run, con):
    """A 500-line table is typed as a table and analysed; unpunctuated text and mixed line ends
    still give article blocks and sentences."""
    prefix = corpus_run["prefix"]

    def kinds(name):
        return dict(con.execute("""SELECT b.kind, count(*) FROM blocks b JOIN documents d USING (doc_id)
                                   WHERE d.source_path = ? GROUP BY ALL""", [prefix + name]).fetchall())

    assert kinds("big_table.txt").get("table", 0) >= 450
    assert con.execute("""SELECT count(*) FROM sentences s JOIN documents d USING (doc_id)
                          JOIN blocks b ON b.block_id = s.block_id
                          WHERE d.source_path = ? AND b.kind = 'table'""", [prefix + "big_table.txt"]).fetchone()[0] > 0
    assert kinds("no_punctuation.txt").get("body", 0) >= 1
    assert kinds("mixed_line_ends.txt").get("body", 0) == 3


def test_odd_text_survives_into_the_warehouse(corpus_run, con):
    prefix = corpus_run["prefix"]
    enc = dict(con.execute("SELECT source_path, encoding FROM documents").fetchall())
    assert enc[prefix + "utf16_no_bom.txt"] == "utf-16-le"
    assert enc[prefix + "invalid_utf8.txt"] == "cp1252"
    text = con.execute("SELECT raw_text FROM documents WHERE source_path = ?",
                       [prefix + "records.jsonl#5"]).fetchone()[0]
    assert "\ufffd" in text                     # lone surrogates became replacement characters
    names = {p for (p,) in con.execute("SELECT source_path FROM documents").fetchall()}
    assert prefix + "new\nline.txt" in names and prefix + "latin1-caf\\xe9.txt" in names


def test_nothing_written_outside_the_warehouse(corpus_run):
    new = corpus_run["after"] - corpus_run["before"]
    assert new and all(p == "cwd/wh" or p.startswith("cwd/wh/") for p in new), sorted(new)[:10]
    assert corpus_run["before"] - corpus_run["after"] == set()      # no input removed either


# ------------------------------------------------------------------------------------------------
# The read stage alone
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Case]]:
    d = tmp_path_factory.mktemp("corpus") / "c"
    return d, write_corpus(d)


def test_read_stage_outcomes_match_the_corpus(corpus):
    d, cases = corpus
    files, missing = discover([str(d)])
    res = read_with_ledger(files, known_doc_ids=set(), max_file_bytes=LIMIT, run_id="r")
    got = {r["source_path"]: r for r in res.input_files}
    got.update({m["source_path"]: dict(outcome="rejected", detail=f"{m['reason']}: {m['detail']}") for m in missing})
    expected = _expected(cases, f"{d}/")
    assert set(got) == set(expected)
    for path, case in expected.items():
        assert got[path]["outcome"] == case.outcome, (case.name, got[path]["detail"])
        if case.outcome == "rejected":
            assert got[path]["detail"].startswith(f"{case.reason}: "), (case.name, got[path]["detail"])


def test_file_over_the_limit_is_rejected_without_being_opened(corpus, monkeypatch):
    d, _ = corpus
    huge = d / "huge_line.txt"
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: (opened.append(str(p)), real_open(p, *a, **k))[1])
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read_bytes({self})"))
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: pytest.fail(f"open({self})"))
    res = read_with_ledger([huge, d / "same_article.txt"], known_doc_ids=set(), max_file_bytes=LIMIT, run_id="r")
    assert res.rejections == [dict(source_path=str(huge), reason="too_large",
                                   detail=f"{huge.stat().st_size} bytes > limit {LIMIT}", run_id="r")]
    assert str(huge) not in opened and str(d / "same_article.txt") in opened


def test_files_that_vanish_or_change_kind_after_discovery(tmp_path):
    for name in ("gone.txt", "now_a_dir.txt", "now_a_fifo.txt", "kept.txt"):
        (tmp_path / name).write_text("Officials said the bridge would reopen on Monday after repairs.\n")
    files, _ = discover([str(tmp_path)])
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "now_a_dir.txt").unlink()
    (tmp_path / "now_a_dir.txt").mkdir()
    (tmp_path / "now_a_fifo.txt").unlink()
    os.mkfifo(tmp_path / "now_a_fifo.txt")
    res = read_with_ledger(files, known_doc_ids=set(), max_file_bytes=LIMIT, run_id="r")
    got = {Path(r["source_path"]).name: r["detail"] for r in res.input_files}
    assert got == {"gone.txt": "unreadable: FileNotFoundError: No such file or directory",
                   "now_a_dir.txt": "not_a_file: path is a folder",
                   "now_a_fifo.txt": "not_a_file: path is a FIFO",
                   "kept.txt": None}


def test_html_path_never_touches_the_network(corpus, monkeypatch):
    """Remote <img>, <link>, <script>, <iframe> and an external DTD entity: nothing is fetched."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from transforms.segment import segment_blocks

    d, _ = corpus
    paths = [d / "external_refs.html", d / "malformed.html", d / "truncated.warc.gz"]
    res = read_with_ledger(paths, known_doc_ids=set(), max_file_bytes=LIMIT, run_id="r")
    assert {r["source_path"] for r in res.input_files if r["outcome"] == "published"} >= {str(p) for p in paths}
    for doc in res.documents:
        segment_blocks(doc.raw_text, main_text=doc.main_text, title=doc.title)
    assert attempts == []
    assert "http://" not in res.documents[0].raw_text   # the entity was not expanded from the URL


def test_readme_local_server_binds_to_localhost():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"prefect server start[^`\n]*", readme)
    assert commands, "README documents how to start a local Prefect server"
    assert all("--host 127.0.0.1" in c for c in commands), commands


def test_fingerprint_before_reading_skips_what_the_read_stage_rejects_unread(corpus):
    """flows.inputs.file_fingerprint is for content-hash checks ahead of the read stage."""
    import hashlib

    from flows.inputs import file_fingerprint

    d, _ = corpus
    assert file_fingerprint(d / "pipe.txt", LIMIT) is None           # would block on open
    assert file_fingerprint(d / "huge_line.txt", LIMIT) is None      # over the limit: not read
    assert file_fingerprint(d / "vanished.txt", LIMIT) is None
    assert file_fingerprint(d / "sub", LIMIT) is None
    data = (d / "same_article.txt").read_bytes()
    assert file_fingerprint(d / "same_article.txt", LIMIT) == (len(data), hashlib.sha256(data).hexdigest())
