"""Fault injection at each stage boundary: the warehouse stays consistent, the next run completes."""
import os
import shutil

import duckdb
import pytest
from conftest import ROOT, connect_warehouse

pytestmark = pytest.mark.slow
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _state(db):
    if not db.exists():
        return None
    con = connect_warehouse(db)
    try:
        counts = tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities"))
        orphans = con.execute("""
            SELECT (SELECT count(*) FROM blocks WHERE doc_id NOT IN (SELECT doc_id FROM documents))
                 + (SELECT count(*) FROM entity_mentions WHERE sentence_id NOT IN (SELECT sentence_id FROM sentences))
                 + (SELECT count(*) FROM quotes WHERE speaker_entity_id NOT IN (SELECT entity_id FROM entities))
        """).fetchone()[0]
        return counts, orphans
    finally:
        con.close()


@pytest.fixture
def setup(prefect_server, tmp_path):
    """A warehouse holding two seeds, and an input folder with all five."""
    import flows.pipeline as pipeline

    first = tmp_path / "first"
    first.mkdir()
    for path in SEEDS[:2]:
        shutil.copy(path, first)
    wh = tmp_path / "wh"
    pipeline.news_pipeline(inputs=[str(first)], warehouse=str(wh))
    return pipeline, wh, wh


def _boom(*args, **kwargs):
    raise OSError("injected fault")


@pytest.mark.parametrize("stage", ["read", "resolve", "validate", "publish"])
def test_an_exception_in_a_stage_leaves_the_warehouse_and_the_next_run_completes(setup, monkeypatch, stage):
    import flows.stages as stages
    from warehouse import store

    pipeline, wh, db = setup
    before = _state(db)
    target = {"read": (stages, "read_files"), "resolve": (stages, "resolve"),
              "validate": (stages, "validate_frames"), "publish": (store, "_merge_entities")}[stage]
    monkeypatch.setattr(stages.read_inputs, "retries", 0)
    monkeypatch.setattr(stages.publish, "retries", 0)
    with monkeypatch.context() as patch:
        patch.setattr(*target, _boom)
        with pytest.raises(Exception, match="injected fault"):
            pipeline.news_pipeline(inputs=[str(ROOT / "seeds")], warehouse=str(wh))
    after = _state(db)
    assert after == before and after[1] == 0
    summary = pipeline.news_pipeline(inputs=[str(ROOT / "seeds")], warehouse=str(wh))
    assert summary["status"] == "published" and summary["counts"]["documents_new"] == 3
    counts, orphans = _state(db)
    assert counts[0] == 5 and orphans == 0


def _unpickle_in(text: str, main_pid: int, marker: str) -> str:
    """Unpickling a batch in a worker process kills that process, as an OOM kill would."""
    if os.getpid() != main_pid:
        with open(marker, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        os._exit(9)
    return text


class KillsWorkers(str):
    main_pid = os.getpid()
    marker = ""

    def __reduce__(self):
        return _unpickle_in, (str(self), self.main_pid, self.marker)


def test_a_killed_nlp_worker_process_loses_no_document(setup, monkeypatch, tmp_path):
    """Every worker process dies receiving its batch; the flow redoes the work in-process."""
    from dataclasses import replace

    import flows.batches as batches
    import flows.stages as stages
    from flows.runtime.runners import build_task_runner

    pipeline, wh, db = setup
    KillsWorkers.marker = str(tmp_path / "killed")
    real = stages.read_files

    def read_poisoned(*args, **kwargs):
        return [replace(d, raw_text=KillsWorkers(d.raw_text)) for d in real(*args, **kwargs)]

    monkeypatch.setattr(stages, "read_files", read_poisoned)
    monkeypatch.setattr(batches, "MIN_PARALLEL_BATCH", 1)  # several batches even for a few documents
    summary = pipeline.news_pipeline.with_options(task_runner=build_task_runner(workers=2))(
        inputs=[str(ROOT / "seeds")], warehouse=str(wh))
    assert (tmp_path / "killed").read_text().strip(), "no worker process was killed"
    assert summary["status"] == "published" and summary["counts"]["documents_rejected"] == 0
    counts, orphans = _state(db)
    assert counts[0] == 5 and orphans == 0
