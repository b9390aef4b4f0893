"""flows.ledger: what became of every input, counted as the run summary reports it."""
import re
from datetime import datetime, timezone

from flows.ledger import InputUnit, Ledger, new_run_id, run_counts
from transforms.schema import INPUT_FILES, REJECTIONS


def _ledger_of_a_run() -> Ledger:
    """A JSONL file of three records (two new, one rejected), a text file that duplicates one of
    them, a text file whose bytes were published before, and an input that does not exist."""
    ledger = Ledger("r1")
    ledger.reject_missing([dict(source_path="gone.txt", reason="not_found", detail="no such file or folder")])
    ledger.record_unchanged(InputUnit("old.txt", 10, "sha-old", "doc-old"))
    ledger.record(InputUnit("feed.jsonl#1", 5, "sha-1", "doc-a"), "published", None)
    ledger.record(InputUnit("feed.jsonl#2", 5, "sha-2", "doc-b"), "published", None)
    ledger.reject(InputUnit("feed.jsonl#3", 5, "sha-3"), "empty", "0 bytes, no text")
    ledger.record(InputUnit("feed.jsonl", 15, "sha-feed"), "published", "3 JSONL records: 2 published, ...")
    ledger.record(InputUnit("copy.txt", 5, "sha-1", "doc-a"), "duplicate", "same text as feed.jsonl#1")
    return ledger


def test_counts_take_records_of_multi_record_files_as_documents_and_the_file_once():
    assert _ledger_of_a_run().counts() == {
        "files": 4,  # gone.txt, old.txt, feed.jsonl, copy.txt
        "records": 3,
        "files_unchanged": 1,  # old.txt
        "documents_new": 2,
        "documents_reprocessed": 0,
        "documents_already_published": 1,  # old.txt
        "documents_duplicate": 1,  # copy.txt: the same text as another input of the run
        "documents_rejected": 2,  # gone.txt and feed.jsonl#3; the file row itself is not a document
    }


def test_counts_keep_reprocessed_apart_from_new_and_unchanged_multi_record_files_out_of_documents():
    ledger = _ledger_of_a_run()
    ledger.published_before = frozenset({"doc-a"})
    ledger.record_unchanged(InputUnit("old-feed.jsonl", 30, "sha-old-feed"))  # no doc_id: a multi-record file
    counts = ledger.counts()
    assert (counts["documents_new"], counts["documents_reprocessed"]) == (1, 1)
    assert (counts["files"], counts["files_unchanged"], counts["documents_already_published"]) == (5, 2, 1)
    assert ledger.named_rejections(1) == [dict(source_path="gone.txt", reason="not_found",
                                               detail="no such file or folder")]


def test_a_document_that_fails_later_becomes_a_rejection():
    ledger = _ledger_of_a_run()
    ledger.reject_document("doc-a", "analysis_failed", "RuntimeError: boom")
    row = next(r for r in ledger.input_files if r["source_path"] == "feed.jsonl#1")
    assert (row["outcome"], row["detail"]) == ("rejected", "analysis_failed: RuntimeError: boom")
    assert ledger.rejections[2:] == [dict(source_path="feed.jsonl#1", reason="analysis_failed",
                                          detail="RuntimeError: boom", run_id="r1")]
    # a later copy of the failed document stays a duplicate (of an input that is now rejected)
    assert next(r for r in ledger.input_files if r["source_path"] == "copy.txt")["outcome"] == "duplicate"
    assert ledger.counts()["documents_new"] == 1 and ledger.counts()["documents_rejected"] == 3


def test_rows_fit_the_tables_and_every_rejection_has_its_input_row():
    ledger = _ledger_of_a_run()
    tables = ledger.tables()
    assert tables["input_files"].height == 7 and tables["rejections"].height == 2
    INPUT_FILES.frame(ledger.input_files)
    REJECTIONS.frame(ledger.rejections)
    rejected = {r["source_path"] for r in ledger.input_files if r["outcome"] == "rejected"}
    assert rejected == {r["source_path"] for r in ledger.rejections}
    assert {r["run_id"] for r in ledger.input_files + ledger.rejections} == {"r1"}


def test_run_counts_add_table_rows_and_a_run_id_sorts_by_start_time():
    counts = run_counts(_ledger_of_a_run())
    assert counts["entities"] == 0 and counts["files"] == 4
    early = new_run_id(datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert re.fullmatch(r"20260102T030405-[0-9a-f]{6}", early)
    assert early < new_run_id(datetime(2026, 1, 2, 3, 4, 6, tzinfo=timezone.utc))
