"""How `newsflow sql` prints a result: DuckDB's own box rendering (with column types, lists as
DuckDB writes them, the same as the `duckdb` client), or CSV, JSON or Markdown for other tools.

The box is as wide as the terminal, or 160 columns when stdout is not one (files, pipes), so the
cookbook's outputs do not depend on who ran them. The other formats are complete: every row.
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
from datetime import date, datetime, time
from decimal import Decimal


def render(relation, fmt: str, *, max_rows: int = 100, max_width: int | None = None, out=None) -> None:
    out = out or sys.stdout
    if fmt == "box":
        width = max_width or (shutil.get_terminal_size((160, 24)).columns if out.isatty() else 160)
        out.write(_box(relation, width, max_rows))
        return
    columns, rows = relation.columns, relation.fetchall()
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_csv_value(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, row)) for row in rows], out, indent=2, default=_json_value, ensure_ascii=False)
        out.write("\n")
    elif fmt == "markdown":
        out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
        for row in rows:
            out.write("| " + " | ".join(_markdown_value(v) for v in row) + " |\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _box(relation, width: int, max_rows: int) -> str:
    """DuckDB's box rendering of the relation, as `relation.show()` prints it."""
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        relation.show(max_width=width, max_rows=max_rows)
    return buffer.getvalue()


def _json_value(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=_json_value, ensure_ascii=False)
    return value


def _markdown_value(value) -> str:
    if value is None:
        return "NULL"
    text = json.dumps(value, default=_json_value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")
