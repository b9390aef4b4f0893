import pytest

from transforms.ingest.decode import RejectedInput, decode_text, doc_id_for

TEXT = "Café owners said the “new rules” cost them €2,000 a month.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_common_encodings_decode_to_the_same_text(encoding):
    data = TEXT.encode(encoding) if encoding != "cp1252" else TEXT.encode("cp1252") * 5
    decoded = decode_text(data)
    assert decoded.text.startswith(TEXT)


def test_the_same_text_in_two_encodings_is_one_document():
    a = decode_text(TEXT.encode("utf-8")).text
    b = decode_text(TEXT.encode("utf-16")).text
    assert doc_id_for(a) == doc_id_for(b)


def test_newlines_are_kept_verbatim_for_offsets():
    assert decode_text(b"Title\r\n\r\nBody text here.\r\n").text == "Title\r\n\r\nBody text here.\r\n"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"  \n\t \n", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4, "binary"),
    (bytes(range(32)) * 50, "binary"),
])
def test_non_text_is_rejected_with_a_reason(data, reason):
    with pytest.raises(RejectedInput) as err:
        decode_text(data)
    assert err.value.reason == reason
