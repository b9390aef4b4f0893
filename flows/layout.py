"""The warehouse folder: where the lake, a run's staged and quarantined batch and the published
Parquet live, and the moves between them.

    DIR/catalog.sqlite, DIR/data/             the lake (warehouse.lake): the published tables
    DIR/staging/<run_id>/<table>.parquet      a run's batch until it is published or quarantined
    DIR/quarantine/<run_id>/<table>.parquet   a batch validation blocked
    DIR/parquet/<table>/<run_id>.parquet      published batches, one file per table per run
    DIR/gx/uncommitted/data_docs/local_site/  Great Expectations Data Docs of every validation
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from warehouse.lake import Lake


def data_docs_path(root: Path | str) -> Path:
    """The Data Docs index page of the warehouse folder `root` (see `expectations.validate`)."""
    return Path(root) / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


@dataclass(frozen=True)
class WarehouseLayout:
    root: Path
    run_id: str
    @property
    def db(self) -> Lake:
        """The lake: the folder's own catalog, or the shared one NEWSFLOW_CATALOG names."""
        return Lake.at(self.root)

    @property
    def data_docs(self) -> Path:
        """Great Expectations' Data Docs for the warehouse's runs (written by validation)."""
        return data_docs_path(self.root)

    @property
    def staging(self) -> Path:
        return self.root / "staging" / self.run_id

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine" / self.run_id

    def staged(self, table: str) -> Path:
        """Where the run stages `table` (the folder is created)."""
        self.staging.mkdir(parents=True, exist_ok=True)
        return self.staging / f"{table}.parquet"

    def published(self, table: str) -> Path:
        return self.root / "parquet" / table / f"{self.run_id}.parquet"

    def quarantine_batch(self, staged: dict[str, Path]) -> dict[str, Path]:
        """Move the staged batch into quarantine; returns where each table now is."""
        self.quarantine.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.staging), str(self.quarantine))
        return {name: self.quarantine / path.name for name, path in staged.items()}

    def keep_published(self, staged: dict[str, Path]) -> None:
        """Published batches stay as Parquet, one file per table per run, beside the lake."""
        for name, path in staged.items():
            target = self.published(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), str(target))
        self.discard_staging()

    def discard_staging(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
