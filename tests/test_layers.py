"""The layers point one way, the stages follow the data, and nothing imports in a circle."""
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from conftest import ROOT

PACKAGES = ("flows", "transforms", "expectations", "warehouse")
CONTRACTS = 4


def _lint(root: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(lint), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The packages and pyproject.toml copied out, so a test can break them without touching the tree."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.sql"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_import_contracts_hold(project_copy):
    result = _lint(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACTS} kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("transforms/_forbidden.py", "import duckdb\n", "transforms are pure"),
    ("transforms/document.py", "from transforms.segment import blocks\n", "the document model imports no stage"),
    ("transforms/quotes/_backwards.py", "from transforms.analyse import tables\n", "stages follow the data"),
])
def test_contracts_catch_a_bad_import(project_copy, module, line, contract):
    """Each contract fails when broken, so a passing check means something."""
    path = project_copy / module
    path.write_text(path.read_text() + line if path.exists() else line)
    result = _lint(project_copy)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(ln.startswith(contract) for ln in broken), result.stdout


def _cycles(package: str) -> list[tuple[str, str]]:
    graph = grimp.build_graph(package)
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.startswith(package) and graph.find_shortest_chain(importer=imported, imported=importer):
                found.append((importer, imported))
    return found


def test_no_import_cycles():
    for package in PACKAGES:
        # A package importing its own submodules (re-exports in __init__) is not a cycle of stages.
        cycles = [(a, b) for a, b in _cycles(package) if not (b.startswith(a + ".") or a.startswith(b + "."))]
        assert not cycles, f"import cycles in {package}: {cycles}"


def test_cycle_check_finds_a_cycle(tmp_path, monkeypatch):
    pkg = tmp_path / "cyclic"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclic import b\n")
    (pkg / "b.py").write_text("from cyclic import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert ("cyclic.a", "cyclic.b") in _cycles("cyclic")
