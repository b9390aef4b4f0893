"""flows.inputs.read_files: every file and every record accounted for, in every format."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import read_with_ledger
from test_ingest_formats import build_warc  # noqa: E402  (tests/ is on sys.path under pytest)

from flows.inputs import discover
from transforms.ingest.decode import doc_id_for
from transforms.schema import DOCUMENT_FORMATS, INPUT_FILES, REJECTIONS

FIX = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for name in ("article_utf8.txt", "article_utf16.txt", "article_cp1252_crlf.txt", "german.txt",
                 "page.html", "page_saved_as.txt", "export_array.json", "export_object.json",
                 "export.jsonl"):
        shutil.copy(FIX / name, d / name)
    (d / "crawl.warc.gz").write_bytes(build_warc(True))
    data = build_warc(True)
    (d / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    (d / "bad.json").write_text('{"articles": [', encoding="utf-8")
    (d / "big.txt").write_text("word " * 400, encoding="utf-8")
    return d


def read(d: Path, **kw):
    files, missing = discover([str(d)])
    assert not missing
    kw.setdefault("max_file_bytes", 1800)
    return files, read_with_ledger(files, known_doc_ids=kw.pop("known", set()), run_id="r1", **kw)


def rows_by_path(res) -> dict[str, dict]:
    out = {r["source_path"]: r for r in res.input_files}
    assert len(out) == len(res.input_files), "source_path must be unique per run"
    return out


def test_every_file_and_record_is_accounted_for(inputs: Path):
    files, res = read(inputs, max_file_bytes=100_000)
    rows = rows_by_path(res)
    for f in files:
        assert str(f) in rows                                  # each file has its own row
    # the frames conform to the warehouse schema (types, allowed outcomes)
    INPUT_FILES.frame(res.input_files)
    REJECTIONS.frame(res.rejections)
    assert {r["outcome"] for r in res.input_files} <= {"published", "duplicate", "rejected"}
    rejected = {r["source_path"] for r in res.input_files if r["outcome"] == "rejected"}
    assert rejected == {r["source_path"] for r in res.rejections}
    published = {r["source_path"] for r in res.input_files if r["outcome"] == "published"}
    record_docs = {d.source_path for d in res.documents}
    # a published multi-record file is published through its records' documents
    assert record_docs <= published
    for d in res.documents:
        assert d.format in DOCUMENT_FORMATS and d.doc_id == doc_id_for(d.raw_text)
        assert rows[d.source_path]["doc_id"] == d.doc_id


def test_text_and_html_documents(inputs: Path):
    _, res = read(inputs, max_file_bytes=100_000)
    rows = rows_by_path(res)
    docs = {Path(d.source_path).name: d for d in res.documents}
    # files are read in sorted order: the UTF-16 file comes first and the UTF-8 file, which
    # decodes to the same text, is its duplicate (CRLF text is different text: other offsets)
    assert (docs["article_utf16.txt"].format, docs["article_utf16.txt"].encoding) == ("text", "utf-16")
    u8 = rows[str(inputs / "article_utf8.txt")]
    assert u8["outcome"] == "duplicate" and u8["detail"] == f"same text as {inputs / 'article_utf16.txt'}"
    assert docs["article_cp1252_crlf.txt"].encoding == "cp1252"
    assert docs["german.txt"].language == "de" and docs["article_utf16.txt"].language == "en"
    page = docs["page.html"]
    assert (page.format, page.encoding, page.source_name) == ("html", "cp1252", "The Valley Courier")
    assert page.published_at == datetime(2024, 3, 4, 8, 30, tzinfo=timezone.utc)
    # the same page saved as .txt is sniffed as HTML and is the same document
    assert rows[str(inputs / "page_saved_as.txt")]["outcome"] == "duplicate"


def test_json_records(inputs: Path):
    _, res = read(inputs, max_file_bytes=100_000)
    rows = rows_by_path(res)
    arr = str(inputs / "export_array.json")
    assert rows[arr]["outcome"] == "published"
    # export.jsonl sorts first and carries records 1 and 2 already
    assert rows[arr]["detail"] == "5 JSON records: 1 published, 2 duplicate, 2 rejected"
    assert rows[f"{arr}#1"]["detail"] == f"same text as {inputs / 'export.jsonl'}#1"
    assert rows[f"{arr}#3"]["outcome"] == "rejected" and rows[f"{arr}#3"]["detail"].startswith("missing_text")
    assert rows[f"{arr}#4"]["detail"].startswith("bad_field")
    assert rows[f"{arr}#1"]["size_bytes"] > 0 and len(rows[f"{arr}#1"]["content_sha256"]) == 64
    rej = {r["source_path"]: r for r in res.rejections}
    assert rej[f"{arr}#3"]["reason"] == "missing_text" and rej[f"{arr}#3"]["run_id"] == "r1"
    # the object export carries the same two articles: duplicates of the array's records
    obj = str(inputs / "export_object.json")
    assert rows[obj]["outcome"] == "duplicate"
    assert rows[f"{obj}#2"]["detail"] == f"same text as {inputs / 'export.jsonl'}#3"
    doc = next(d for d in res.documents if d.source_path == f"{inputs / 'export.jsonl'}#1")
    assert (doc.format, doc.title, doc.source_name) == ("jsonl", "Town Library To Open On Sundays", "Example News")
    # JSONL: the bad line and the truncated last line are rejected, nothing else
    jl = str(inputs / "export.jsonl")
    assert [rows[f"{jl}#{n}"]["outcome"] for n in (1, 2, 3, 4)] == ["published", "rejected", "published", "rejected"]
    assert rows[jl]["detail"] == "4 JSONL records: 2 published, 0 duplicate, 2 rejected"
    # a file that is not valid JSON at all is one rejection
    bad = str(inputs / "bad.json")
    assert rows[bad]["outcome"] == "rejected" and rej[bad]["reason"] == "bad_json"


def test_warc_records_and_damage(inputs: Path):
    _, res = read(inputs, max_file_bytes=100_000)
    rows = rows_by_path(res)
    crawl = str(inputs / "crawl.warc.gz")
    assert rows[crawl]["outcome"] == "published"
    assert "3 published" in rows[crawl]["detail"] and "skipped" in rows[crawl]["detail"]
    warc_docs = [d for d in res.documents if d.source_path.startswith(crawl + "#")]
    assert [d.url for d in warc_docs] == [f"https://news.example.net/{i}" for i in range(3)]
    assert all(d.format == "warc" for d in warc_docs)
    cut = str(inputs / "cut.warc.gz")
    cut_rows = [r for p, r in rows.items() if p.startswith(cut + "#")]
    assert any(r["outcome"] == "duplicate" for r in cut_rows)        # records before the damage
    damaged = [r for r in res.rejections if r["source_path"].startswith(cut + "#")]
    assert damaged and damaged[-1]["reason"] in ("truncated", "damaged")


def test_size_limit_and_known_documents(inputs: Path):
    _, res = read(inputs, max_file_bytes=1800)
    rows = rows_by_path(res)
    big = rows[str(inputs / "big.txt")]
    assert big["outcome"] == "rejected" and big["detail"].startswith("too_large")
    assert big["content_sha256"] is None                      # rejected unread
    text = (FIX / "german.txt").read_text(encoding="utf-8")
    _, res2 = read(inputs, max_file_bytes=100_000, known={doc_id_for(text)})
    assert rows_by_path(res2)[str(inputs / "german.txt")]["detail"] == "already published"


def test_field_map_passed_through(tmp_path: Path):
    f = tmp_path / "feed.json"
    f.write_text('[{"kop": "A mapped title", "tekst": "Some mapped text of the article."}]', encoding="utf-8")
    res = read_with_ledger([f], known_doc_ids=set(), max_file_bytes=10_000, run_id="r",
                     field_map={"text": "tekst", "title": "kop"})
    assert res.documents[0].title == "A mapped title"
    assert res.documents[0].source_path == f"{f}#1"


def test_unreadable_file(tmp_path: Path):
    ghost = tmp_path / "gone.txt"
    res = read_with_ledger([ghost], known_doc_ids=set(), max_file_bytes=10, run_id="r")
    assert res.rejections[0]["reason"] == "unreadable"
