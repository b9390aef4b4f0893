"""Paragraphs of plain text in every layout: hard-wrapped, indented, CRLF, sentence per line."""
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.segment.layout import paragraph_spans, parse_text

PARAGRAPHS = [
    "The council approved the new budget on Tuesday after a long debate, and officials said the "
    "spending plan would protect services for older residents while cutting administrative costs.",
    "Opposition members argued that the plan relied on optimistic forecasts. They said the "
    "council had ignored warnings from its own auditors about rising costs in the housing department.",
    "A final vote on the housing programme is expected next month, when the committee meets again.",
]
TITLE = "Council passes budget after long debate"


def _paragraphs(raw: str) -> list[str]:
    return [" ".join(raw[s:e].split()) for s, e in paragraph_spans(raw)]


def _wrapped(width: int, *, separator: str = "\n\n", indent: str = "", newline: str = "\n") -> str:
    body = separator.join(textwrap.fill(p, width, initial_indent=indent) for p in PARAGRAPHS)
    return (TITLE + separator + body).replace("\n", newline)


def test_one_paragraph_per_line_stays_one_block_per_line():
    raw = TITLE + "\n\n" + "\n".join(PARAGRAPHS) + "\n"
    assert _paragraphs(raw) == [TITLE, *PARAGRAPHS]


def test_hard_wrapped_with_blank_lines_joins_lines():
    for width in (60, 70, 79):
        assert _paragraphs(_wrapped(width)) == [TITLE, *PARAGRAPHS]


def test_hard_wrapped_with_indented_first_lines():
    assert _paragraphs(_wrapped(68, separator="\n", indent="  ")) == [TITLE, *PARAGRAPHS]
    assert _paragraphs(_wrapped(68, separator="\n", indent="\t")) == [TITLE, *PARAGRAPHS]


def test_crlf_and_mixed_line_ends():
    assert _paragraphs(_wrapped(64, newline="\r\n")) == [TITLE, *PARAGRAPHS]
    mixed = _wrapped(64).replace("\n", "\r\n", 3)
    assert _paragraphs(mixed) == [TITLE, *PARAGRAPHS]


def test_wrapped_with_no_paragraph_marks():
    # (at some widths a paragraph's last line is nearly full: no layout cue can tell it ends there)
    assert _paragraphs(_wrapped(58, separator="\n")) == [TITLE, *PARAGRAPHS]


def test_sentence_per_line_groups_by_blank_lines():
    sentences = [p.replace(". ", ".\n") for p in PARAGRAPHS]
    raw = TITLE + "\n\n" + "\n\n".join(sentences) + "\n"
    assert _paragraphs(raw) == [TITLE, *PARAGRAPHS]


def test_paragraph_per_line_with_several_sentences_is_not_sentence_per_line():
    lines = [PARAGRAPHS[1], PARAGRAPHS[1].replace("Opposition", "Other"), "Short line."]
    raw = TITLE + "\n\n" + "\n".join(lines) + "\n\n" + PARAGRAPHS[2] + "\n"
    assert _paragraphs(raw) == [TITLE, *lines, PARAGRAPHS[2]]


def test_tables_and_lists_are_not_wrapped_prose():
    rows = [f"{i}. Runner Number{i} ( Country{i % 7} ) {10 + i / 100:.2f} seconds" for i in range(1, 40)]
    raw = "ATHLETICS - RESULTS .\n" + "\n".join(rows)
    assert len(paragraph_spans(raw)) == 40


def test_parse_text_reads_breaks_as_spaces_and_maps_offsets():
    text = "said Jane\r\n   Doe, a three-\nparty deal"
    read, offsets = parse_text(text)
    assert read == "said Jane Doe, a three-party deal"
    assert len(offsets) == len(read) + 1
    for i, ch in enumerate(read):
        if ch != " ":
            assert text[offsets[i]] == ch
    assert parse_text("no breaks") == ("no breaks", None)


def test_degenerate_inputs():
    assert paragraph_spans("") == []
    assert paragraph_spans("\n\r\n\n\x0c\n") == []
    one_line = "word " * 100_000
    assert paragraph_spans(one_line) == [(0, len(one_line.rstrip()))]
    no_punctuation = "\n".join("and so it went on and on without end" for _ in range(50))
    assert all(no_punctuation[s:e].strip() for s, e in paragraph_spans(no_punctuation))
    table = "\n".join(f"{i} | {i * 3} | {i * 7}" for i in range(10_000))
    assert len(paragraph_spans(table)) == 10_000


layouts = st.sampled_from(["blank", "indent", "crlf", "none", "sentences", "lines"])


@settings(max_examples=60, deadline=None)
@given(layouts, st.integers(min_value=40, max_value=100), st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=6))
def test_spans_always_index_the_raw_text(layout, width, paragraphs):
    if layout == "sentences":
        raw = "\n\n".join(p.replace(". ", ".\n") for p in paragraphs)
    elif layout == "lines":
        raw = "\n".join(paragraphs)
    else:
        sep = "\n\n" if layout in ("blank", "crlf") else "\n"
        raw = sep.join(textwrap.fill(p, width, initial_indent="  " if layout == "indent" else "") for p in paragraphs)
        if layout == "crlf":
            raw = raw.replace("\n", "\r\n")
    spans = paragraph_spans(raw)
    assert spans == sorted(spans)
    assert all(raw[s:e] == raw[s:e].strip() and raw[s:e] for s, e in spans)
    covered = "".join(raw[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(raw.split())  # nothing dropped
    for s, e in spans:
        read, offsets = parse_text(raw[s:e])
        if offsets is not None:
            assert offsets[-1] == e - s
