from conftest import ROOT
from transforms.schema import markdown_reference


def test_readme_table_reference_matches_the_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- tables:start -->\n", 1)[1].split("<!-- tables:end -->", 1)[0]
    assert section.strip() == markdown_reference().strip(), "regenerate with `python -m transforms.schema`"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block
