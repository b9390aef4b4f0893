import re

from conftest import ROOT

from transforms.schema import markdown_reference

README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: Module paths of the old layout: no document may still send a reader to them.
REMOVED_MODULES = (
    "transforms/nlp.py", "transforms/quotes.py", "transforms/resolution.py", "transforms/blocks.py",
    "transforms/entities.py", "transforms/batches.py", "transforms/decode.py", "transforms/formats.py",
    "flows/sources.py", "flows/workers.py", "flows/runners.py", "flows/api_server.py",
)


def _documents():
    return [README, *sorted(DOCS.glob("*.md"))]


def test_table_reference_matches_the_schema():
    tables = (DOCS / "tables.md").read_text(encoding="utf-8")
    section = tables.split("<!-- tables:start -->\n", 1)[1].split("<!-- tables:end -->", 1)[0]
    assert section.strip() == markdown_reference().strip(), (
        "regenerate with `python -m transforms.schema` and paste between the markers in docs/tables.md"
    )


def test_readme_starts_with_the_two_commands():
    readme = README.read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block


def test_readme_is_short_and_links_every_doc():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 220, "README is the newcomer's page: move detail into docs/"
    docs = sorted(p.name for p in DOCS.iterdir() if p.is_file())
    assert docs, "docs/ holds the detail the README links to"
    missing = [name for name in docs if f"](docs/{name}" not in readme]
    assert not missing, f"README does not link to {missing}"


def test_relative_links_resolve():
    broken = []
    for doc in _documents():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" not in target and not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert not broken, broken


def test_docs_name_no_removed_modules():
    stale = [
        f"{doc.relative_to(ROOT)}: {name}"
        for doc in _documents()
        for name in REMOVED_MODULES
        if name in doc.read_text(encoding="utf-8")
    ]
    assert not stale, stale


def test_documented_local_servers_bind_to_localhost():
    """tests/test_bad_inputs.py checks the README; the full server how-to is in docs/operations.md."""
    commands = [c for doc in _documents() for c in re.findall(r"prefect server start[^`\n]*", doc.read_text(encoding="utf-8"))]
    assert re.search(r"prefect server start", (DOCS / "operations.md").read_text(encoding="utf-8"))
    assert commands and all("--host 127.0.0.1" in c for c in commands), commands
