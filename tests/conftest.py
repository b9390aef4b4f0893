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
    from flows.workers import load_model
    from flows.settings import Settings

    return load_model(Settings().spacy_model)


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
    from transforms.decode import content_sha256, doc_id_for
    from transforms.nlp import SourceDocument

    return SourceDocument(
        doc_id=doc_id_for(text), source_path=name, format="text", encoding="utf-8", raw_text=text,
        content_sha256=content_sha256(text.encode()), ingested_at=datetime.now(timezone.utc),
    )
