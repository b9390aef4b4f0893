"""The `check_*` columns the suites rely on say exactly what they claim."""

from transforms import schema
from transforms.integrity import validation_frames


def test_span_check_counts_characters_and_rejects_bad_offsets():
    raw = "Zoë said “naïve” — then left.\nÅsa agreed."
    doc = schema.DOCUMENTS.frame([dict(doc_id="d1", raw_text=raw, n_chars=len(raw))])
    spans = [  # (char_start, char_end, text, expected)
        (0, 3, "Zoë", True),
        (raw.index("naïve"), raw.index("naïve") + 5, "naïve", True),
        (raw.index("Åsa"), raw.index("Åsa") + 3, "Åsa", True),
        (1, 4, "Zoë", False),                      # shifted by one
        (len(raw) - 3, len(raw) + 2, "ed.", False),  # runs past the text
        (-3, 0, "ed.", False),                     # negative offsets never wrap around
        (5, 5, "", False),                         # empty span
        (0, 3, None, False),                       # missing text
    ]
    sentences = schema.SENTENCES.frame([
        dict(doc_id="d1", sentence_id=f"s{i}", block_id="b", char_start=a, char_end=b, text=t)
        for i, (a, b, t, _) in enumerate(spans)
    ])
    frames = validation_frames({"documents": doc, "sentences": sentences})
    assert frames["sentences"]["check_span_matches_text"].to_list() == [e for *_, e in spans]


def test_a_span_of_an_unknown_document_fails():
    doc = schema.DOCUMENTS.frame([dict(doc_id="d1", raw_text="abc", n_chars=3)])
    sentences = schema.SENTENCES.frame([dict(doc_id="d2", sentence_id="s", block_id="b", char_start=0,
                                             char_end=3, text="abc")])
    frames = validation_frames({"documents": doc, "sentences": sentences})
    assert frames["sentences"]["check_span_matches_text"].to_list() == [False]
