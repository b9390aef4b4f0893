"""Ingest: bytes of one input file -> decoded documents (text, HTML, JSON/JSONL, WARC).

`decode.py` turns bytes into text (encodings, BOMs, binary refusal); `formats.py` recognises the
format and pulls out each document's text and metadata. Reading files is the flow's job
(`flows.inputs`): these functions only ever see bytes.
"""
