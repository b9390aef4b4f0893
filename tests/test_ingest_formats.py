"""transforms.ingest.formats: sniffing, per-format parsing, metadata, and block typing on top of HTML.

Fixtures in tests/fixtures/formats are made up (see make_fixtures.py there); WARCs are built here
with warcio's writer.
"""
from __future__ import annotations

import gzip
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from transforms.document import Block
from transforms.ingest.decode import RejectedInput
from transforms.ingest.formats import (
    DEFAULT_FIELDS,
    detect_language,
    parse_field_map,
    parse_input,
    parse_json_records,
    parse_warc,
    sniff_format,
)
from transforms.schema import BLOCK_KINDS, DOCUMENT_FORMATS
from transforms.segment import segment_blocks

FIX = Path(__file__).parent / "fixtures" / "formats"
TITLE = "Valley Rail Line Reopens After Two-Year Rebuild"


def fixture(name: str) -> bytes:
    return (FIX / name).read_bytes()


def check_blocks(raw: str, blocks: list[Block]) -> None:
    prev = 0
    for i, b in enumerate(blocks):
        assert b.position == i and b.kind in BLOCK_KINDS and b.reason
        assert raw[b.char_start:b.char_end] == b.text and b.char_start >= prev
        prev = b.char_end


def only_doc(name: str):
    parsed = parse_input(fixture(name), name)
    assert len(parsed.records) == 1 and parsed.records[0].number is None
    return parsed.records[0].document


# ---------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data,name,fmt", [
    (b"Just a line of text.\n", "a.txt", "text"),
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "a.txt", "html"),   # content beats name
    (b"  <!-- saved --> <html lang='en'><p>x</p></html>", "noext", "html"),
    (b"Plain words with a <b>bold</b> tag", "a.html", "html"),                 # name breaks the tie
    (b"Plain words with a <b>bold</b> tag", "a.txt", "text"),
    (b"x < y and y > z", "a.html", "text"),                                   # no tag at all
    (b'[{"text": "a"}]', "a.txt", "json"),
    (b'{"text": "a"}\n{"text": "b"}\n', "a.jsonl", "jsonl"),
    (b"WARC/1.1\r\n", "a.bin", "warc"),
    (gzip.compress(b"anything"), "a.txt.gz", "warc"),
    ("<html><p>x</p></html>".encode("utf-16"), "a.txt", "html"),
])
def test_sniff_format(data, name, fmt):
    assert sniff_format(data, name) == fmt
    assert fmt in DOCUMENT_FORMATS


# ---------------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,encoding", [
    ("article_utf8.txt", "utf-8"), ("article_cp1252_crlf.txt", "cp1252"),
    ("article_utf16.txt", "utf-16"), ("article_mac_cr.txt", "utf-8"),
])
def test_text_in_encodings_and_newlines(name, encoding):
    doc = only_doc(name)
    assert (doc.format, doc.encoding, doc.language) == ("text", encoding, "en")
    assert doc.title is None            # nlp takes the title block
    assert "\u201cThis is the day" in doc.raw_text  # curly quotes survive every encoding
    blocks = segment_blocks(doc.raw_text)
    check_blocks(doc.raw_text, blocks)
    assert [b.kind for b in blocks][:3] == ["title", "subtitle", "body"]
    assert blocks[0].text == TITLE
    assert next(b for b in blocks if b.text.startswith("Additional reporting")).kind == "credit"


def test_non_english_text_is_kept_and_marked():
    doc = only_doc("german.txt")
    assert doc.language == "de" and "Brücke" in doc.raw_text


def test_language_unknown_when_too_short_or_unsure():
    assert detect_language("Reply") is None
    assert detect_language("12 34 56 !!! ???") is None
    assert detect_language("Le conseil municipal a approuvé mardi la construction d'une nouvelle digue.") == "fr"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"   \n\n ", "empty"), (b"%PDF-1.7 binary", "binary"),
    (b"<html><head><title></title></head><body>  </body></html>", "empty"),
])
def test_unusable_inputs_are_rejected_with_reason(data, reason):
    with pytest.raises(RejectedInput) as exc:
        parse_input(data, "x.html")
    assert exc.value.reason == reason


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["page.html", "page_saved_as.txt"])
def test_html_metadata_and_encoding(name):
    doc = only_doc(name)
    assert doc.format == "html"
    assert doc.encoding == "cp1252"                      # from <meta charset>
    assert doc.title == TITLE                            # not the <title> with the site suffix
    assert doc.source_name == "The Valley Courier"
    assert doc.author == "Lena Moravec"
    assert doc.url == "https://courier.example.com/news/valley-rail-reopens"   # canonical
    assert doc.published_at == datetime(2024, 3, 4, 8, 30, tzinfo=timezone.utc)  # +01:00 -> UTC
    assert doc.language == "en"
    # raw_text is the visible page: nothing the reader saw is lost, scripts and styles are not text
    assert "Related stories" in doc.raw_text and "12 Comments" in doc.raw_text
    assert "tracking" not in doc.raw_text and "font-family" not in doc.raw_text
    assert doc.main_text and "hillwalker" not in doc.main_text


def test_html_block_kinds_on_top_of_main_text():
    doc = only_doc("page.html")
    blocks = segment_blocks(doc.raw_text, main_text=doc.main_text, title=doc.title)
    check_blocks(doc.raw_text, blocks)
    kind = {b.text: (b.kind, b.reason) for b in blocks}
    assert kind[TITLE][0] == "title"                                         # the <h1>, via the hint
    assert kind[f"{TITLE} | The Valley Courier"] == ("boilerplate", "repeated_title")
    assert kind["Commuters return to a faster route as the regional operator promises hourly trains."][0] \
        == "subtitle"
    assert kind["By Lena Moravec"][0] == "byline"                            # the author: analysed
    caption = next(b for b in blocks if b.text.startswith("Photo: The first train"))
    assert caption.kind == "caption"
    # the extractor keeps the credit line; our rules still type it as a credit
    assert "Additional reporting" in doc.main_text
    assert kind["Additional reporting by Omar Castell."][0] == "credit"
    body = [b.text for b in blocks if b.kind == "body"]
    assert len(body) == 5 and body[0].startswith("The valley rail line reopened")
    assert kind["News"] == ("boilerplate", "outside_main_text")
    assert kind["Bus depot plan goes to public consultation"] == ("boilerplate", "outside_main_text")
    assert kind["Facebook Twitter WhatsApp Email"][0] == "boilerplate"
    assert kind["hillwalker"][0] == "comment" and kind["Reply"][0] == "comment"
    assert kind["The fares are still far too high for anyone who has to travel every day."][0] == "comment"
    assert next(b for b in blocks if b.text.startswith("We use cookies")).kind == "boilerplate"
    # every kind the page holds (datelines and tables: tests/test_segment_blocks.py wire-copy tests)
    assert {b.kind for b in blocks} == set(BLOCK_KINDS) - {"dateline", "table"}


def test_main_text_that_does_not_align_is_ignored():
    raw = fixture("article_utf8.txt").decode()
    plain = segment_blocks(raw)
    hinted = segment_blocks(raw, main_text="Entirely different words that appear nowhere in the page at all.")
    assert plain == hinted
    assert segment_blocks(raw, main_text="") == plain


def test_main_text_decides_body_over_prose_quality():
    raw = fixture("article_utf8.txt").decode()
    paras = raw.split("\n\n")
    main = "\n".join(paras[2:4])        # the extractor kept only the first two body paragraphs
    blocks = segment_blocks(raw, main_text=main)
    check_blocks(raw, blocks)
    kinds = [(b.kind, b.reason) for b in blocks]
    assert kinds[2] == ("body", "main_text") and kinds[3] == ("body", "main_text")
    assert kinds[5] == ("boilerplate", "outside_main_text")


def test_html_declared_charset_that_lies_is_ignored():
    page = "<html><head><meta charset='ascii'></head><body><p>Café society: déjà vu at the town hall again today.</p></body></html>"
    doc = parse_input(page.encode("utf-8"), "x.html").records[0].document
    assert "Café" in doc.raw_text


# ---------------------------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------------------------
def test_json_array_with_default_field_aliases():
    parsed = parse_input(fixture("export_array.json"), "export_array.json")
    assert parsed.format == "json" and [r.number for r in parsed.records] == [1, 2, 3, 4, 5]
    r1, r2, r3, r4, r5 = parsed.records
    d = r1.document
    assert (d.format, d.title, d.url, d.source_name, d.author) == (
        "json", "Town Library To Open On Sundays", "https://news.example.org/library-sundays",
        "Example News", "Ada Quint, Ben Orr")
    assert d.published_at == datetime(2024, 5, 2, 14, 0, tzinfo=timezone.utc)
    assert r2.document.published_at == datetime(2024, 5, 3, 6, 15, tzinfo=timezone.utc)   # RFC 2822
    assert (r2.document.source_name, r2.document.author) == ("Riverside Weekly", "Cora Lind")
    assert r3.rejection.reason == "missing_text"
    assert r4.rejection.reason == "bad_field" and "int" in r4.rejection.detail
    # an HTML field goes through the HTML path; epoch seconds become a UTC time
    assert r5.document.main_text and r5.document.language == "de"
    assert r5.document.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
    assert r1.payload and json.loads(r1.payload)["headline"] == d.title


def test_json_object_with_list_field():
    parsed = parse_input(fixture("export_object.json"), "export_object.json")
    assert [r.document.title for r in parsed.records] == ["Town Library To Open On Sundays",
                                                           "Saturday Market Sales Recover"]


def test_json_single_article_object():
    parsed = parse_input(b'{"headline": "One story", "body": "A single article object is one record of text."}', "a.json")
    assert len(parsed.records) == 1 and parsed.records[0].document.title == "One story"


def test_jsonl_bad_and_truncated_lines_reject_only_those_lines():
    parsed = parse_input(fixture("export.jsonl"), "export.jsonl")
    assert parsed.format == "jsonl"
    outcome = {r.number: (r.rejection.reason if r.rejection else "ok") for r in parsed.records}
    assert outcome == {1: "ok", 2: "bad_json", 3: "ok", 4: "bad_json"}    # numbers are line numbers


def test_json_named_file_holding_json_lines_is_read_as_jsonl():
    parsed = parse_input(fixture("export_lines.json"), "export_lines.json")
    assert parsed.format == "jsonl" and all(r.document for r in parsed.records)


def test_field_map_overrides_defaults():
    data = json.dumps([{"body": "ignored body text here", "summary_text": "The mapped text field.",
                        "kop": "Mapped title"}]).encode()
    parsed = parse_json_records(data, field_map=parse_field_map("text=summary_text, title=kop"))
    doc = parsed.records[0].document
    assert doc.raw_text == "The mapped text field." and doc.title == "Mapped title"
    # a mapped field that is missing rejects the record, it does not fall back to an alias
    parsed = parse_json_records(b'[{"body": "x"}]', field_map={"text": "summary_text"})
    assert parsed.records[0].rejection.reason == "missing_text"


def test_parse_field_map_validates():
    assert parse_field_map("") == {}
    assert parse_field_map("text=body,published=meta.date") == {"text": "body", "published": "meta.date"}
    for bad in ("text", "colour=body", "text="):
        with pytest.raises(ValueError):
            parse_field_map(bad)
    assert set(DEFAULT_FIELDS) >= {"text", "html", "title", "url", "published", "source", "author"}


@pytest.mark.parametrize("data,reason", [
    (b'{"a": 1', "bad_json"), (b'{"status": "ok", "count": 3}', "no_records"), (b"[1, 2", "bad_json"),
])
def test_json_whole_file_failures(data, reason):
    with pytest.raises(RejectedInput) as exc:
        parse_input(data, "x.json")
    assert exc.value.reason == reason


def test_json_wrong_types_rejected_per_record():
    data = json.dumps([{"text": "fine text for the record"}, "just a string",
                       {"text": "ok", "title": 5}, {"text": "ok", "date": {"y": 2024}}]).encode()
    recs = parse_input(data, "x.json").records
    assert recs[0].document is not None
    assert [r.rejection.reason for r in recs[1:]] == ["bad_record", "bad_field", "bad_field"]


# ---------------------------------------------------------------------------------------------
# WARC
# ---------------------------------------------------------------------------------------------
def _page(title: str, para: str) -> bytes:
    return (f"<html><head><title>{title}</title><meta charset='utf-8'></head><body><nav><a>Home</a> "
            f"<a>World</a></nav><article><h1>{title}</h1><p>{para}</p><p>{para} Officials said more "
            f"details would follow later this week.</p></article></body></html>").encode()


PAGES = [
    ("Ferry Timetable Changes For Winter", "The island ferry will run four times a day from November, the operator said on Friday, citing lower demand and higher fuel costs."),
    ("New Clinic Opens In The North District", "A new health clinic opened in the north district on Wednesday, giving about twelve thousand residents a doctor within walking distance."),
    ("Road Resurfacing Starts Next Week", "Resurfacing of the main road through the old town will begin next week and last about a month, the highways office said."),
]


def build_warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("crawl.warc", {"software": "test"}))
    for i, (title, para) in enumerate(PAGES):
        url = f"https://news.example.net/{i}"
        w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = w.create_warc_record(url, "response", payload=io.BytesIO(_page(title, para)), http_headers=headers,
                                   warc_headers_dict={"WARC-Date": f"2024-06-0{i + 1}T10:00:00Z"})
        w.write_record(rec)
    img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("https://news.example.net/logo.png", "response",
                                        payload=io.BytesIO(b"\x89PNG...."), http_headers=img))
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_records(gz):
    parsed = parse_input(build_warc(gz), "crawl.warc.gz" if gz else "crawl.warc")
    assert parsed.format == "warc"
    docs = [r for r in parsed.records if r.document]
    assert [r.document.url for r in docs] == [f"https://news.example.net/{i}" for i in range(3)]
    assert [r.document.title for r in docs] == [t for t, _ in PAGES]
    # the pages carry no date of their own: the capture date (WARC-Date) is recorded
    assert docs[1].document.published_at == datetime(2024, 6, 2, 10, 0, tzinfo=timezone.utc)
    assert all(r.document.format == "warc" and r.document.main_text for r in docs)
    rej = [r for r in parsed.records if r.rejection]
    assert [r.rejection.reason for r in rej] == ["unsupported_content"] and "image/png" in rej[0].rejection.detail
    assert parsed.skipped == 4                                 # warcinfo + 3 requests
    numbers = [r.number for r in parsed.records]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for r in docs:
        blocks = segment_blocks(r.document.raw_text, main_text=r.document.main_text, title=r.document.title)
        check_blocks(r.document.raw_text, blocks)
        assert [b.kind for b in blocks if b.text == r.document.title][-1] == "title"
        assert sum(b.kind in ("body", "subtitle") for b in blocks) == 2


def test_truncated_warc_gz_keeps_records_before_the_damage():
    data = build_warc(True)
    full = parse_input(data, "c.warc.gz")
    cut = data[: int(len(data) * 0.6)]
    parsed = parse_input(cut, "c.warc.gz")
    good = [r for r in parsed.records if r.document]
    assert 1 <= len(good) < 3
    assert [r.document.url for r in good] == [r.document.url for r in full.records if r.document][:len(good)]
    last = parsed.records[-1]
    assert last.rejection is not None and last.rejection.reason in ("truncated", "damaged")
    assert "truncated" in last.rejection.detail


def test_truncated_plain_warc_rejects_the_cut_record():
    data = build_warc(False)
    pos = data.rindex(b"New Clinic Opens")          # inside the second page's payload
    parsed = parse_input(data[:pos + 40], "c.warc")
    assert [r.document.url for r in parsed.records if r.document] == ["https://news.example.net/0"]
    assert parsed.records[-1].rejection.reason == "truncated"


def test_warc_decompression_is_bounded():
    parsed = parse_warc(build_warc(True), max_decompressed_bytes=3000)
    assert parsed.records[-1].rejection.reason == "too_large"
    assert "exceeds limit" in parsed.records[-1].rejection.detail


def test_gzip_that_is_not_warc_is_rejected():
    with pytest.raises(RejectedInput) as exc:
        parse_input(gzip.compress(b"hello world, just text"), "notes.txt.gz")
    assert exc.value.reason == "unsupported_format"
