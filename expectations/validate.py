"""Run the table suites with Great Expectations on a staged batch.

GX 1.x has no polars engine, so each frame goes through pandas (cheap: ~10 ms per 100k rows).
A file project under the warehouse keeps results and Data Docs; without one nothing is written.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from expectations.suites import load_suite_dict

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    table_name: str
    expectation: str
    severity: str
    success: bool
    unexpected_count: int | None
    sample: str | None  # JSON list of a few offending values


@dataclass
class ValidationReport:
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def blocking(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    @property
    def passed(self) -> bool:
        return not self.blocking

    def summary(self) -> dict:
        return {
            "evaluated": len(self.outcomes),
            "failed_critical": len(self.blocking),
            "failed_warning": len(self.warnings),
            "outcome": "passed" if self.passed else "blocked",
        }

    def describe_failures(self) -> str:
        lines = []
        for o in self.blocking + self.warnings:
            lines.append(f"[{o.severity}] {o.table_name}: {o.expectation}"
                         f" ({o.unexpected_count if o.unexpected_count is not None else '?'} rows)"
                         + (f" e.g. {o.sample}" if o.sample else ""))
        return "\n".join(lines)

    def frame(self, run_id: str) -> pl.DataFrame:
        from transforms.schema import VALIDATION_RESULTS

        return VALIDATION_RESULTS.frame([dict(run_id=run_id, **o.__dict__) for o in self.outcomes])


def _quiet_gx_loggers() -> None:
    # Some GX modules pin their own logger to INFO, so the parent's level is not enough.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


class TableValidator:
    """A GX context with each table's suite, validation definition and checkpoint registered.

    Registering costs about a second per run (GX compares and stores every object, in files when
    there is a project), so a flow can `prepare` the tables it will stage ahead, e.g. in a thread
    while NLP runs elsewhere, and only run the checkpoints once the tables exist.

    With `docs_root`, GX keeps a file project there and renders every run into Data Docs
    (`<docs_root>/gx/uncommitted/data_docs/local_site/index.html`); without, nothing is written.
    """

    #: Set by whoever registers this validator's suites in a shared project (flows.stages).
    registered_at: str | None = None

    def __init__(self, docs_root: Path | None = None):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _quiet_gx_loggers()
        self._gx = gx
        self.writes_docs = docs_root is not None
        if docs_root is not None:
            self.context = gx.get_context(mode="file", project_root_dir=str(docs_root))
        else:
            self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self.context.data_sources.add_or_update_pandas("staged")
        self._checkpoints: dict[str, tuple[bool, object]] = {}  # name -> (suite for an empty frame?, checkpoint)

    def prepare(self, names: Iterable[str]) -> TableValidator:
        for name in names:
            self._checkpoint(name, empty=False)
        return self

    def _checkpoint(self, name: str, *, empty: bool):
        if name in self._checkpoints and self._checkpoints[name][0] == empty:
            return self._checkpoints[name][1]
        gx = self._gx
        suite_dict = load_suite_dict(name)
        if empty:  # ratios of nothing are undefined, not failures
            suite_dict["expectations"] = [e for e in suite_dict["expectations"] if "_mean_" not in e["type"]]
        suite = self.context.suites.add_or_update(gx.ExpectationSuite(**suite_dict))
        asset = next((a for a in self._source.assets if a.name == name), None) \
            or self._source.add_dataframe_asset(name)
        batch_def = next((b for b in asset.batch_definitions if b.name == name), None) \
            or asset.add_batch_definition_whole_dataframe(name)
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
        checkpoint = self.context.checkpoints.add_or_update(gx.Checkpoint(
            name=f"newsflow_{name}", validation_definitions=[definition], actions=[],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}))
        self._checkpoints[name] = (empty, checkpoint)
        return checkpoint

    def validate(self, frames: Mapping[str, pl.DataFrame] | Iterable[tuple[str, pl.DataFrame]], *,
                 run_name: str | None = None) -> ValidationReport:
        """Validate each frame against the suite of the same name (a mapping, or (name, frame)
        pairs produced one at a time so that only one table's copies are in memory)."""
        from great_expectations.core.run_identifier import RunIdentifier

        report, result_ids = ValidationReport(), []
        for name, frame in (frames.items() if isinstance(frames, Mapping) else frames):
            checkpoint = self._checkpoint(name, empty=frame.is_empty())
            pdf = frame.with_columns(pl.col(pl.List(pl.String)).list.join("|")).to_pandas()
            run = checkpoint.run(batch_parameters={"dataframe": pdf},
                                 run_id=RunIdentifier(run_name=run_name) if run_name else None)
            for result_id, result in run.run_results.items():
                result_ids.append(result_id)
                report.outcomes += [_outcome(name, r) for r in result.results]
        if self.writes_docs:  # one Data Docs build for the run's results (not one per table)
            self.context.build_data_docs(resource_identifiers=result_ids)
        return report


def validate_frames(
    frames: Mapping[str, pl.DataFrame] | Iterable[tuple[str, pl.DataFrame]], *,
    docs_root: Path | None = None, run_name: str | None = None, validator: TableValidator | None = None,
) -> ValidationReport:
    """Validate each frame against the suite of the same name; see `TableValidator` (pass one
    prepared ahead as `validator`, else one is made for `docs_root`)."""
    return (validator or TableValidator(docs_root)).validate(frames, run_name=run_name)


def _outcome(table_name: str, r) -> ExpectationOutcome:
    cfg = r.expectation_config
    kwargs = {k: v for k, v in cfg.kwargs.items() if k in ("column", "column_list", "column_A", "column_B")}
    label = f"{cfg.type}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    res = r.result or {}
    sample = res.get("partial_unexpected_list")
    if not r.success and not sample and "observed_value" in res:
        sample = [res["observed_value"]]
    if r.exception_info and r.exception_info.get("raised_exception"):
        sample = [r.exception_info.get("exception_message")]
    return ExpectationOutcome(
        table_name=table_name, expectation=label, severity=str(getattr(cfg.severity, "value", cfg.severity)),
        success=bool(r.success), unexpected_count=res.get("unexpected_count"),
        sample=json.dumps(sample[:SAMPLE_SIZE], default=str) if sample else None,
    )
