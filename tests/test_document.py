"""The document model: offsets of parsed blocks map tokens back into the raw text."""
from conftest import analysed_documents, source_document


def test_parsed_block_offsets_index_the_raw_text(nlp):
    raw = "A headline about rain\n\n  The mayor said the river rose overnight.\n"
    a = analysed_documents([source_document(raw)], nlp)[0]
    body = a.article[-1]
    for token in body.doc:
        assert raw[body.start_of(token):body.end_of(token)] == token.text
        assert body.contains(body.start_of(token))
    sent = next(iter(body.doc.sents))
    start, end = body.span_of(sent)
    assert raw[start:end] == sent.text
    assert a.sentence_at(raw.index("river")).char_start == raw.index("The mayor")
