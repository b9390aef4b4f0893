"""Operations: parallel and distributed NLP, incremental runs, isolation of failing documents."""
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import ROOT, connect_warehouse

pytestmark = pytest.mark.slow
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
VOLATILE = {"run_id", "ingested_at"}  # differ between any two runs by design


def _corpus(directory: Path, n: int = 44) -> Path:
    """n distinct documents: seed articles under numbered headlines (enough for several batches)."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for i in range(n):
        (directory / f"doc{i:03d}.txt").write_text(f"Dispatch number {i} from the wire\n\n{texts[i % len(texts)]}",
                                                   encoding="utf-8")
    return directory


def _tables(db: Path) -> dict[str, pl.DataFrame]:
    con = connect_warehouse(db)
    try:
        out = {}
        for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes", "entities"):
            df = pl.from_arrow(con.sql(f"SELECT * FROM {name}").to_arrow_table())
            out[name] = df.drop([c for c in df.columns if c in VOLATILE]).sort(df.columns[:2])
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def single_process_tables(prefect_server, corpus, tmp_path_factory):
    from flows.pipeline import news_pipeline
    from flows.runtime.runners import build_task_runner

    wh = tmp_path_factory.mktemp("single")
    news_pipeline.with_options(task_runner=build_task_runner(workers=1))(inputs=[str(corpus)], warehouse=str(wh))
    return _tables(wh)


def _assert_same(a: dict, b: dict) -> None:
    for name in a:
        assert a[name].equals(b[name]), name


def test_worker_processes_give_the_same_tables(prefect_server, corpus, tmp_path, single_process_tables):
    from flows.pipeline import news_pipeline
    from flows.runtime.runners import build_task_runner

    summary = news_pipeline.with_options(task_runner=build_task_runner(workers=2))(
        inputs=[str(corpus)], warehouse=str(tmp_path))
    assert summary["counts"]["documents_new"] == 44
    _assert_same(single_process_tables, _tables(tmp_path))


def test_a_dask_cluster_gives_the_same_tables(prefect_server, corpus, tmp_path, single_process_tables):
    from distributed import LocalCluster

    from flows.pipeline import news_pipeline
    from flows.runtime.runners import build_task_runner

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        runner = build_task_runner(dask_address=cluster.scheduler_address)
        news_pipeline.with_options(task_runner=runner)(inputs=[str(corpus)], warehouse=str(tmp_path))
    _assert_same(single_process_tables, _tables(tmp_path))


def test_a_document_failing_in_a_worker_process_is_rejected_and_the_rest_publish(prefect_server, monkeypatch,
                                                                                  tmp_path):
    """Several batches on two worker processes; one document makes its worker's analysis raise.

    The failure is real and happens in the worker: a monkeypatch cannot reach a spawned process,
    so the input itself is bad. After reading (in the flow's process), one document gets a
    publication date that is not a date; segmentation (in the flow's process) never looks at it,
    but building its documents row in the worker raises. The flow then retries that batch document
    by document in its own process, where the same document fails again and is rejected.
    """
    from dataclasses import replace

    import flows.batches as batches
    import flows.stages as stages
    from flows.pipeline import news_pipeline
    from flows.runtime.runners import build_task_runner
    from flows.runtime.workers import NLPPool

    corpus = _corpus(tmp_path / "in", n=6)
    (corpus / "poison.txt").write_text("Headline of a poisoned article\n\nPOISON paragraph with text.\n")
    real_read = stages.read_files

    def read_with_a_bad_date(*args, **kwargs):
        return [replace(d, published_at="not a date") if "POISON" in d.raw_text else d
                for d in real_read(*args, **kwargs)]

    worker_futures = []
    real_submit = NLPPool.submit

    def submit_and_keep(self, *args, **kwargs):
        worker_futures.append(real_submit(self, *args, **kwargs))
        return worker_futures[-1]

    monkeypatch.setattr(stages, "read_files", read_with_a_bad_date)
    monkeypatch.setattr(NLPPool, "submit", submit_and_keep)
    monkeypatch.setattr(batches, "MIN_PARALLEL_BATCH", 1)  # several batches even for seven documents
    summary = news_pipeline.with_options(task_runner=build_task_runner(workers=2))(
        inputs=[str(corpus)], warehouse=str(tmp_path / "wh"))

    failed_in_workers = [f.exception() for f in worker_futures if f.exception() is not None]
    assert len(worker_futures) > 1 and len(failed_in_workers) == 1, worker_futures
    assert summary["status"] == "published"
    assert summary["counts"]["documents_new"] == 6 and summary["counts"]["documents_rejected"] == 1
    con = connect_warehouse(tmp_path / "wh")
    rejected = con.execute("SELECT source_path, reason, detail FROM rejections").fetchall()
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    assert n_docs == 6
    assert [(Path(p).name, r) for p, r, _ in rejected] == [("poison.txt", "analysis_failed")]
    assert type(failed_in_workers[0]).__name__ in rejected[0][2]


def test_incremental_runs_since_full_refresh_and_outdated_versions(prefect_server, monkeypatch, tmp_path):
    import flows.pipeline as pipeline

    corpus = tmp_path / "in"
    corpus.mkdir()
    for path in SEEDS[:3]:
        shutil.copy(path, corpus)
    old = (datetime.now() - timedelta(days=30)).timestamp()
    for path in corpus.iterdir():
        os.utime(path, (old, old))
    wh = str(tmp_path / "wh")
    db = tmp_path / "wh"

    first = pipeline.news_pipeline(inputs=[str(corpus)], warehouse=wh)
    assert first["counts"]["documents_new"] == 3
    for path in SEEDS[3:]:
        shutil.copy(path, corpus)  # new files, modified now
    since = datetime.now(timezone.utc) - timedelta(days=1)
    backfill = pipeline.news_pipeline(inputs=[str(corpus)], warehouse=wh, since=since)
    assert backfill["counts"]["files"] == 2 and backfill["counts"]["documents_new"] == 2
    before = _tables(db)

    refresh = pipeline.news_pipeline(inputs=[str(corpus)], warehouse=wh, full_refresh=True)
    assert (refresh["counts"]["documents_new"], refresh["counts"]["documents_reprocessed"]) == (0, 5)
    after = _tables(db)
    for name in ("documents", "blocks", "sentences", "entity_mentions", "quotes"):
        assert after[name].height == before[name].height, name

    unchanged = pipeline.news_pipeline(inputs=[str(corpus)], warehouse=wh, reprocess_outdated=True)
    assert unchanged["counts"]["documents_new"] == 0
    import flows.settings

    monkeypatch.setattr(flows.settings, "package_version", lambda name: "99.0-newer")
    upgraded = pipeline.news_pipeline(inputs=[str(corpus)], warehouse=wh, reprocess_outdated=True)
    assert (upgraded["counts"]["documents_new"], upgraded["counts"]["documents_reprocessed"]) == (0, 5)
    con = connect_warehouse(db)
    versions = con.execute("SELECT DISTINCT package_version FROM runs ORDER BY 1").fetchall()
    con.close()
    assert ("99.0-newer",) in versions
