"""The table contract: every table's columns, types and meaning, declared once.

Everything else derives from this module: Arrow/polars schemas for staging, DuckDB DDL and
`COMMENT ON` text in `warehouse/`, the generated parts of the Great Expectations suites in
`expectations/`, and the README's table reference.

Span convention: `char_start`/`char_end` are Python str indices into `documents.raw_text`
(the decoded input), so `raw_text[char_start:char_end] == text` for every span row.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa

BLOCK_KINDS = ("title", "subtitle", "body", "dateline", "byline", "table", "caption", "credit", "boilerplate",
               "comment")
#: Block kinds that are article text: quotes come only from these.
ARTICLE_KINDS = ("title", "subtitle", "body")
#: Parts of an article that name people, places and organisations without being its prose:
#: datelines ("LONDON 1996-08-30"), bylines, results and statistics tables, photo captions.
NAMING_KINDS = ("dateline", "byline", "table", "caption")
#: Block kinds the model parses into sentences and entity mentions (comments and boilerplate never).
ANALYSED_KINDS = (*ARTICLE_KINDS, *NAMING_KINDS)
DOCUMENT_FORMATS = ("text", "html", "json", "jsonl", "warc")
ENTITY_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "WEAPON",
)
QUOTE_TYPES = ("full", "partial", "indirect")
QUOTE_METHODS = (
    "cue_subject",        # speaker is the grammatical subject of the speech cue
    "cue_adjacent",       # speaker is a name right beside the cue ("…," said Jane Doe)
    "according_to",       # "according to X"
    "pronoun",            # cue subject is a pronoun, resolved to the last fitting person
    "nominal",            # cue subject is a role noun ("the minister"), resolved to a person
    "continuation",       # a cue-less quote paragraph following an attributed quote
    "unnamed",            # the cue's subject is an unnamed source ("analysts"): described, no entity
    "unattributed",       # a speaking cue but no findable speaker: speaker stays null
)
RUN_STATUSES = ("running", "published", "nothing_to_do", "validation_failed", "failed", "rolled_back")
INPUT_OUTCOMES = ("published", "duplicate", "rejected")
VALIDATION_SEVERITIES = ("critical", "warning")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    doc: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    #: Columns whose combination identifies a row.
    key: tuple[str, ...]
    #: (column, referenced table, referenced column): every non-null value must exist there.
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    #: True for tables whose rows carry char_start/char_end/text into documents.raw_text.
    is_span: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})

    def arrow_schema(self) -> pa.Schema:
        return pl.DataFrame(schema=self.polars_schema()).to_arrow().schema

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema())

    def frame(self, rows: list[dict]) -> pl.DataFrame:
        """Rows (dicts) as a DataFrame with exactly this table's columns, order and types."""
        return pl.DataFrame(rows, schema=self.polars_schema(), orient="row") if rows else self.empty()


def _c(name, dtype, doc, *, nullable=True, allowed=None) -> Column:
    return Column(name, dtype, doc, nullable, allowed)


_S, _I, _F, _B, _TS = pl.String, pl.Int64, pl.Float64, pl.Boolean, pl.Datetime("us", "UTC")
_SPAN = (
    _c("char_start", _I, "Start offset (Python str index) into documents.raw_text.", nullable=False),
    _c("char_end", _I, "End offset (exclusive) into documents.raw_text.", nullable=False),
    _c("text", _S, "raw_text[char_start:char_end], verbatim.", nullable=False),
)

DOCUMENTS = Table(
    "documents",
    "One row per distinct input content. doc_id hashes the decoded text, so the same article under "
    "two file names (or two encodings) is one document.",
    (
        _c("doc_id", _S, "Content hash of the decoded text (sha256, 16 hex digits).", nullable=False),
        _c("source_path", _S, "Path of the first input file that carried this content.", nullable=False),
        _c("format", _S, "Input format the content was read as.", nullable=False, allowed=DOCUMENT_FORMATS),
        _c("encoding", _S, "Character encoding the bytes were decoded with.", nullable=False),
        _c("title", _S, "Article title (from the page's metadata or the title block)."),
        _c("source_name", _S, "Outlet or site name, when the input says."),
        _c("url", _S, "Canonical URL, when the input says."),
        _c("published_at", _TS, "Publication time (UTC), when the input says."),
        _c("author", _S, "Byline, when the input says."),
        _c("language", _S, "ISO 639-1 language code; only English text goes through the English model."),
        _c("story_id", _S, "Cluster of documents reporting the same event (across outlets and runs)."),
        _c("near_duplicate_of", _S, "doc_id of an earlier document this one nearly copies (syndication)."),
        _c("raw_text", _S, "The decoded input text; every span offset indexes into this string.",
           nullable=False),
        _c("n_chars", _I, "len(raw_text).", nullable=False),
        _c("content_sha256", _S, "sha256 of the input file's bytes.", nullable=False),
        _c("ingested_at", _TS, "When this run read the file (UTC).", nullable=False),
        _c("run_id", _S, "The run that published this row.", nullable=False),
    ),
    key=("doc_id",),
    foreign_keys=(("run_id", "runs", "run_id"),),
)

BLOCKS = Table(
    "blocks",
    "Every paragraph of every document (a non-blank line, or the lines of a hard-wrapped or "
    "sentence-per-line paragraph), typed. Nothing is dropped: boilerplate, captions, credits and "
    "comments stay here with the reason they were typed so.",
    (
        _c("doc_id", _S, "Document this block belongs to.", nullable=False),
        _c("block_id", _S, "doc_id + position; unique across the warehouse.", nullable=False),
        _c("position", _I, "0-based order of the block in its document.", nullable=False),
        _c("kind", _S, "What the block is.", nullable=False, allowed=BLOCK_KINDS),
        _c("reason", _S, "The rule or feature that decided the kind.", nullable=False),
        *_SPAN,
    ),
    key=("block_id",),
    foreign_keys=(("doc_id", "documents", "doc_id"),),
    is_span=True,
)

SENTENCES = Table(
    "sentences",
    "Sentences of the article blocks (title, subtitle, body) and of datelines, bylines, tables and photo captions, from the spaCy parse.",
    (
        _c("doc_id", _S, "Document this sentence belongs to.", nullable=False),
        _c("sentence_id", _S, "block_id + index; unique across the warehouse.", nullable=False),
        _c("block_id", _S, "Block containing the sentence.", nullable=False),
        *_SPAN,
    ),
    key=("sentence_id",),
    foreign_keys=(("doc_id", "documents", "doc_id"), ("block_id", "blocks", "block_id")),
    is_span=True,
)

ENTITY_MENTIONS = Table(
    "entity_mentions",
    "Named-entity mentions in article text, datelines, bylines, tables and captions, each linked to an entity.",
    (
        _c("doc_id", _S, "Document of the mention.", nullable=False),
        _c("mention_id", _S, "sentence-scoped id; unique across the warehouse.", nullable=False),
        _c("sentence_id", _S, "Sentence containing the mention.", nullable=False),
        *_SPAN,
        _c("label", _S, "Entity type.", nullable=False, allowed=ENTITY_LABELS),
        _c("entity_id", _S, "The real-world entity this mention refers to."),
        _c("document_name", _S, "The name the document gives this mention's entity (its most used full "
           "form there: 'Jane Doe' for a later 'Doe'); resolution groups documents' entities by label "
           "and this name."),
    ),
    key=("mention_id",),
    foreign_keys=(
        ("doc_id", "documents", "doc_id"),
        ("sentence_id", "sentences", "sentence_id"),
        ("entity_id", "entities", "entity_id"),
    ),
    is_span=True,
)

ENTITIES = Table(
    "entities",
    "One row per real-world entity across all documents.",
    (
        _c("entity_id", _S, "Id derived from the entity's label and name key (a merge with another "
           "entity moves every mention to one id).", nullable=False),
        _c("name", _S, "The entity's most used clean full name.", nullable=False),
        _c("label", _S, "Entity type.", nullable=False, allowed=ENTITY_LABELS),
        _c("aliases", pl.List(pl.String), "Other surface forms that were linked to this entity."),
        _c("merge_reasons", pl.List(pl.String), "Why names were merged into this entity ('alias: evidence')."),
        _c("n_documents", _I, "Documents mentioning the entity.", nullable=False),
        _c("n_mentions", _I, "Mentions of the entity.", nullable=False),
    ),
    key=("entity_id",),
)

QUOTES = Table(
    "quotes",
    "Attributed statements in article text and who made them: direct quotations (the span is the words "
    "strictly inside the quotation marks) and reported speech (the span is the reported clause, one row "
    "per piece when the cue interrupts it). The rows of one statement share an attribution_id: a mixed "
    "quote is its reported content plus its quoted fragments (partial).",
    (
        _c("doc_id", _S, "Document of the quote.", nullable=False),
        _c("quote_id", _S, "doc-scoped id; unique across the warehouse.", nullable=False),
        _c("sentence_id", _S, "Sentence where the quote starts."),
        *_SPAN,
        _c("quote_type", _S, "full: quoted sentence(s); partial: a quoted fragment inside a clause or reported "
           "speech; indirect: reported speech (the clause a speech or cognition verb reports, no quotation marks).",
           nullable=False, allowed=QUOTE_TYPES),
        _c("attribution_id", _S, "One attributed statement: its rows (reported pieces and the quoted fragments "
           "inside them) share it; unique across the warehouse.", nullable=False),
        _c("speaker", _S, "Speaker's fullest name in the article (null when no speaker was found)."),
        _c("speaker_entity_id", _S, "Entity of the speaker, when the speaker is a named entity."),
        _c("cue", _S, "The speech or cognition cue (said, told, according to, believes …), if any."),
        _c("method", _S, "How the speaker was found.", nullable=False, allowed=QUOTE_METHODS),
        _c("confidence", _F, "Attribution confidence in [0, 1].", nullable=False),
        _c("statement_id", _S, "Groups quotes that report the same statement across documents."),
    ),
    key=("quote_id",),
    foreign_keys=(
        ("doc_id", "documents", "doc_id"),
        ("sentence_id", "sentences", "sentence_id"),
        ("speaker_entity_id", "entities", "entity_id"),
    ),
    is_span=True,
)

INPUT_FILES = Table(
    "input_files",
    "Every input file every run saw, and what became of it: published, duplicate or rejected.",
    (
        _c("run_id", _S, "The run that saw the file.", nullable=False),
        _c("source_path", _S, "Path as discovered.", nullable=False),
        _c("size_bytes", _I, "File size when read (null when it could not be read)."),
        _c("content_sha256", _S, "sha256 of the bytes (null when they could not be read)."),
        _c("doc_id", _S, "Document the file became or duplicates."),
        _c("outcome", _S, "What happened to the file.", nullable=False, allowed=INPUT_OUTCOMES),
        _c("detail", _S, "Why (duplicate of which file, or the rejection reason)."),
    ),
    key=("run_id", "source_path"),
)

REJECTIONS = Table(
    "rejections",
    "Inputs that could not be turned into documents, with the reason.",
    (
        _c("source_path", _S, "Path of the rejected input.", nullable=False),
        _c("reason", _S, "Short machine-readable reason (empty, binary, too_large, unreadable, ...).",
           nullable=False),
        _c("detail", _S, "Human-readable detail."),
        _c("run_id", _S, "The run that rejected it.", nullable=False),
    ),
    key=("run_id", "source_path"),
)

RUNS = Table(
    "runs",
    "One row per pipeline run: lineage, counts and outcome.",
    (
        _c("run_id", _S, "Our run id.", nullable=False),
        _c("flow_run_id", _S, "Prefect flow-run id."),
        _c("started_at", _TS, "Start (UTC).", nullable=False),
        _c("finished_at", _TS, "End (UTC)."),
        _c("status", _S, "Outcome of the run.", nullable=False, allowed=RUN_STATUSES),
        _c("counts", _S, "JSON object of counts (documents new/duplicate/rejected, rows per table)."),
        _c("validation", _S, "JSON summary of the validation outcome."),
        _c("package_version", _S, "newsflow version.", nullable=False),
        _c("model_name", _S, "spaCy model package.", nullable=False),
        _c("model_version", _S, "spaCy model version.", nullable=False),
    ),
    key=("run_id",),
)

VALIDATION_RESULTS = Table(
    "validation_results",
    "Every expectation evaluated on every run's staged batch.",
    (
        _c("run_id", _S, "Run whose batch was validated.", nullable=False),
        _c("table_name", _S, "Validated table.", nullable=False),
        _c("expectation", _S, "Expectation type and its column(s).", nullable=False),
        _c("severity", _S, "critical blocks publishing; warning is recorded.", nullable=False,
           allowed=VALIDATION_SEVERITIES),
        _c("success", _B, "Whether the expectation held.", nullable=False),
        _c("unexpected_count", _I, "Offending rows (when the expectation counts rows)."),
        _c("sample", _S, "A few offending values, JSON."),
    ),
    key=("run_id", "table_name", "expectation"),
)

#: Tables produced from documents by the transforms, in foreign-key order.
DOCUMENT_TABLES = (DOCUMENTS, BLOCKS, SENTENCES, ENTITY_MENTIONS, QUOTES)
#: Every warehouse table.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (*DOCUMENT_TABLES, ENTITIES, INPUT_FILES, REJECTIONS, RUNS, VALIDATION_RESULTS)
}


def sql_type(dtype: pl.DataType) -> str:
    """The SQL (DuckDB) type of a column type."""
    if isinstance(dtype, pl.List):
        return f"{sql_type(dtype.inner)}[]"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    names = {pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN"}
    for polars_type, name in names.items():
        if dtype == polars_type:
            return name
    raise TypeError(f"no SQL type for {dtype}")


def conform(table: Table, df: pl.DataFrame) -> pl.DataFrame:
    """Select and cast `df` to exactly the table's columns; a missing column is an error."""
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        raise ValueError(f"{table.name}: missing columns {missing}")
    return df.select([pl.col(c.name).cast(c.dtype) for c in table.columns])


def markdown_reference() -> str:
    """The table reference in docs/tables.md (`python -m transforms.schema`)."""
    lines = []
    for t in TABLES.values():
        lines += [f"### `{t.name}`", "", t.doc, "", "| column | type | meaning |", "|---|---|---|"]
        for c in t.columns:
            allowed = f" One of: {', '.join(c.allowed)}." if c.allowed else ""
            required = "" if c.nullable else " Not null."
            lines.append(f"| `{c.name}` | {sql_type(c.dtype)} | {c.doc}{required}{allowed} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_reference())
