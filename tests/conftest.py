"""Shared fixtures: the real spaCy model (loaded once) and a real Prefect test server."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Quiet, offline Prefect for every test process (the CLI sets the same defaults).
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(scope="session")
def nlp():
    """The production pipeline: the model package plus the entity rules, loaded as the workers load it."""
    from flows.runtime.workers import load_model
    from flows.settings import Settings

    return load_model(Settings().spacy_model)


def analyse_batch(documents, nlp, *, run_id: str = "test", recurring: frozenset[str] = frozenset()):
    """The analyse stage as the flow runs it on one batch: segment, then parse and extract."""
    from transforms.analyse import document_tables
    from transforms.segment import segment_documents

    documents = list(documents)
    return document_tables(documents, segment_documents(documents, recurring=recurring), nlp, run_id=run_id)


def analysed_documents(documents, nlp, *, recurring: frozenset[str] = frozenset()):
    """The AnalysedDocument of each document (segmented and parsed), for tests that inspect parses."""
    from transforms.analyse.parse import parse_documents
    from transforms.segment import segment_documents

    documents = list(documents)
    return list(parse_documents(documents, segment_documents(documents, recurring=recurring), nlp))


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """One temporary Prefect API server for the whole session (12-14 s to start)."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "in"
    shutil.copytree(SEEDS, target)
    return target


def source_document(text: str, name: str = "doc.txt"):
    """A decoded document as the read stage would produce it."""
    from transforms.document import SourceDocument
    from transforms.ingest.decode import content_sha256, doc_id_for

    return SourceDocument(
        doc_id=doc_id_for(text), source_path=name, format="text", encoding="utf-8", raw_text=text,
        content_sha256=content_sha256(text.encode()), ingested_at=datetime.now(timezone.utc),
    )


def read_with_ledger(paths, *, run_id: str = "r", **kwargs):
    """`flows.inputs.read_files` into a fresh ledger: the documents and the ledger's rows."""
    from types import SimpleNamespace

    from flows.inputs import read_files
    from flows.ledger import Ledger

    ledger = Ledger(run_id)
    documents = read_files(paths, ledger, **kwargs)
    return SimpleNamespace(documents=documents, input_files=ledger.input_files, rejections=ledger.rejections,
                           ledger=ledger)


@pytest.fixture(scope="session")
def batch(nlp):
    """The namesakes fixture corpus analysed once (tests/resolve_fixtures.py)."""
    from resolve_fixtures import namesake_batch

    return namesake_batch(nlp)


@pytest.fixture(scope="session")
def resolved(nlp):
    """The namesakes batch resolved against an empty warehouse."""
    from resolve_fixtures import namesakes_resolved

    return namesakes_resolved(nlp)


def connect_warehouse(where):
    """A read-only connection to the warehouse at a folder (or a `warehouse.lake.Lake`), for tests
    that look at what a run published."""
    from warehouse.lake import Lake

    lake = where if isinstance(where, Lake) else Lake.at(where)
    return lake.connect(read_only=True, sandboxed=False)
