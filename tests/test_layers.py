"""The layers point one way; transforms stay free of prefect, great_expectations and duckdb."""
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_contract_catches_a_forbidden_import(tmp_path):
    """The check fails when a transform imports duckdb (so a passing check means something)."""
    bad = ROOT / "transforms" / "_tmp_forbidden_import.py"
    bad.write_text("import duckdb\n")
    try:
        lint = Path(sys.executable).parent / "lint-imports"
        result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    finally:
        bad.unlink()
    assert result.returncode != 0
    assert "broken" in result.stdout
