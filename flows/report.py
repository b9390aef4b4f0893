"""The run summary as the CLI prints it: a few aligned lines for people, or JSON for schedulers.

Both come from the summary dict the flow returns (`flows.ledger.run_summary` plus its outcome);
nothing is recomputed here, so the text and `--json` always say the same thing.
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path

#: A rejection's detail is cut to this many characters in the text summary (JSON has it whole).
DETAIL_CHARS = 100


def rejections_sql(run_id: str) -> str:
    """The query that lists every rejected input of a run (the summary names only the first)."""
    return (f"SELECT source_path, reason, detail FROM rejections WHERE run_id = '{run_id}' "
            "ORDER BY source_path")


def with_rejections_sql(summary: dict) -> dict:
    if summary.get("run_id") and summary["counts"].get("documents_rejected", 0) + len(summary.get("rejected", [])):
        return dict(summary, rejections_sql=rejections_sql(summary["run_id"]))
    return summary


def as_json(summary: dict, exit_code: int) -> str:
    return json.dumps(dict(with_rejections_sql(summary), exit_code=exit_code), indent=2, default=str)


def as_text(summary: dict, warehouse: str | None = None) -> str:
    """The summary in lines of `label  values`; `warehouse` is the folder as the user named it,
    for the `newsflow sql` command that lists the rejections."""
    c, v = summary["counts"], summary["validation"]
    lines = [f"run {summary.get('run_id') or '(not recorded)'}: {summary.get('status', 'failed')}"]
    lines.append(f"  inputs     {_inputs(c)}")
    if c["files"]:
        lines.append(f"  documents  new {c['documents_new']}  reprocessed {c['documents_reprocessed']}  "
                     f"already published {c['documents_already_published']}  duplicate {c['documents_duplicate']}  "
                     f"rejected {c['documents_rejected']}")
    rejected = summary.get("rejected") or []
    for i, r in enumerate(rejected):
        detail = r["detail"] if len(r["detail"]) <= DETAIL_CHARS else r["detail"][:DETAIL_CHARS - 3] + "..."
        lines.append(f"  {'rejected' if i == 0 else '':<10} {r['source_path']}  {r['reason']}: {detail}")
    if rejected and summary.get("run_id"):
        where = f" --warehouse {shlex.quote(warehouse)}" if warehouse else ""
        # run ids and the query hold no shell metacharacters: plain double quotes read better
        lines.append(f'  {"":<10} all of them: newsflow sql "{rejections_sql(summary["run_id"])}"{where}')
    if any(c.get(k) for k in ("blocks", "sentences", "entity_mentions", "quotes", "entities")):
        lines.append(f"  rows       blocks {c['blocks']}  sentences {c['sentences']}  mentions {c['entity_mentions']}"
                     f"  quotes {c['quotes']}  entities {c['entities']}")
    lines.append(f"  validation {v['outcome']}: {v['evaluated']} expectations, {v['failed_critical']} critical and "
                 f"{v['failed_warning']} warning failures")
    for line in (summary.get("validation_failures") or "").splitlines()[:10]:
        lines.append(f"    {line}")
    lines.append(f"  warehouse  {summary['warehouse'] if summary.get('run_id') else 'not written (nothing to do)'}")
    if summary.get("data_docs") and Path(summary["data_docs"]).exists():
        lines.append(f"  data docs  {summary['data_docs']}")
    if summary.get("quarantine"):
        lines.append(f"  quarantine {summary['quarantine']}")
    if summary.get("timings"):
        t = summary["timings"]
        lines.append(f"  took       {sum(t.values()):.1f} s: " + "  ".join(f"{k} {s:.1f}" for k, s in t.items()))
    return "\n".join(lines)


def _inputs(c: dict) -> str:
    if not c["files"]:
        return "no files: the inputs matched nothing (an empty run)"
    text = f"{c['files']} file{'s' * (c['files'] != 1)}"
    if c.get("records"):
        text += f", {c['records']} records read from JSON, JSON Lines or WARC files"
    if c.get("files_unchanged"):
        text += f"; {c['files_unchanged']} unchanged since a previous run (not read again)"
    return text
