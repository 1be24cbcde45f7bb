"""Every published table's Arrow schema: the one place writing, validation, docs and tests use.

Partitioned tables are stored without `ingest_date` in the file: it is the hive partition
(`ingest_date=YYYY-MM-DD/`) and readers (DuckDB, pandas, Spark) add it back as a column.
Snapshot tables (stories, story_members, story_facts, story_quotes) carry it as an ordinary
column.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "2"  # 2: articles.source_name_source

FACT_KINDS = ["KILL", "WOUND", "KIDNAP", "ARREST", "DISPLACE", "RELEASE", "OTHER"]
QUALIFIERS = ["exact", "about", "more_than", "at_least", "nearly", "over", "up_to"]
ENTITY_LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW",
                 "WORK_OF_ART"]
GRANULARITIES = ["day", "week", "month", "year", "decade", "span", "unknown"]
# Where an article's publication date and outlet were found, most trusted first: the record's
# metadata (or the HTML page's), a `date ...` header line, the URL (a /2016/10/12/ path; the
# domain for the outlet), the file name of a one-article file (`<outlet>_<date>_<slug>.txt`),
# the text (a dateline: "August 18, 2024 -", "WASHINGTON, Oct. 12, 2016 (Reuters) -"), or none.
DATE_SOURCES = ["metadata", "header", "url", "file_name", "text", "none"]
OUTLET_SOURCES = ["metadata", "url", "file_name", "text", "none"]
INGEST_STATUSES = ["published", "duplicate", "rejected", "already_seen", "failed",
                   "quarantined"]
QUOTE_KINDS = ["direct", "unmarked"]


def _or(values: list[str]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1]


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": doc})


def _s(name: str, doc: str, nullable: bool = True) -> pa.Field:
    return _f(name, pa.string(), doc, nullable)


def _i32(name: str, doc: str) -> pa.Field:
    return _f(name, pa.int32(), doc, nullable=False)


_RUN = _s("run_id", "id of the run that wrote the row", nullable=False)
_START = _i32("start", "offset of the first character in articles.body")
_END = _i32("end", "offset after the last character in articles.body")
_TEXT = _s("text", "the words as written: articles.body[start:end]", nullable=False)
_ARTICLE = _s("article_id", "the article (articles.article_id)", nullable=False)
_INGEST_DATE = _f("ingest_date", pa.date32(), "day of the run that wrote the row (partition)",
                  nullable=False)
_STR_LIST = pa.list_(pa.string())
AGREEMENTS = ["agree", "qualifier_differs", "values_differ"]
# One article's figure or quote inside a story desk row; start/end are offsets into that
# article's articles.body, and body[start:end] == text.
_STORY_FIGURE = pa.struct([
    pa.field("fact_id", pa.string(), False), pa.field("article_id", pa.string(), False),
    pa.field("source_name", pa.string()), pa.field("value", pa.int64(), False),
    pa.field("qualifier", pa.string(), False), pa.field("object", pa.string()),
    pa.field("attribution", pa.string()), pa.field("text", pa.string(), False),
    pa.field("start", pa.int32(), False), pa.field("end", pa.int32(), False)])
_STORY_QUOTE = pa.struct([
    pa.field("quote_id", pa.string(), False), pa.field("article_id", pa.string(), False),
    pa.field("source_name", pa.string()), pa.field("speaker", pa.string()),
    pa.field("text", pa.string(), False), pa.field("start", pa.int32(), False),
    pa.field("end", pa.int32(), False), pa.field("cue", pa.string()),
    pa.field("kind", pa.string(), False)])

TABLES: dict[str, pa.Schema] = {
    "articles": pa.schema([
        _s("article_id", "first 16 hex digits of sha256 of the normalized body", False),
        _s("source_uri", "where the first copy was read (#N: record N of a JSONL file)", False),
        _s("source_id", "the record's own id from its metadata"),
        _s("source_name", "outlet, when known"),
        _s("source_name_source", f"where source_name was found: {_or(OUTLET_SOURCES)}", False),
        _s("url", "canonical URL, when known"),
        _s("title", "headline"),
        _s("byline", "authors as written"),
        _f("published_date", pa.date32(), "publication date"),
        _s("published_date_source", f"where published_date was found: {_or(DATE_SOURCES)}",
           False),
        _s("language", "ISO 639-1 code, or und when it cannot be told", False),
        _s("body", "cleaned article text, paragraphs separated by a blank line", False),
        _f("word_count", pa.int32(), "words in body", False),
        _s("duplicate_of", "article_id of the earlier article this one nearly copies"),
        _f("duplicate_similarity", pa.float64(), "estimated similarity to duplicate_of"),
        _f("ingested_at", pa.timestamp("us", tz="UTC"), "when the run read it", False),
        _RUN,
    ]),
    "entities": pa.schema([
        _ARTICLE,
        _s("entity_id", "stable key of the real-world entity across the lake", False),
        _s("name", "canonical name", False),
        _s("label", "entity type (spaCy label set)", False),
        _f("aliases", _STR_LIST, "surface forms used in this article", False),
        _f("roles", _STR_LIST, "titles given to it in this article", False),
        _f("mention_count", pa.int32(), "mentions in this article", False),
        _RUN,
    ]),
    "mentions": pa.schema([
        _ARTICLE,
        _s("entity_id", "the entity mentioned (entities.entity_id)", False),
        _TEXT, _START, _END,
        _i32("sentence_index", "0-based sentence number in the body"),
        _RUN,
    ]),
    "quotes": pa.schema([
        _s("quote_id", "<article_id>:<start>", False),
        _ARTICLE,
        _s("text", "the quoted words, without quote marks", False),
        _START, _END,
        _s("speaker", "speaker as written"),
        _s("speaker_entity_id", "the speaker's entity_id, when resolved"),
        _s("cue", "reporting verb"),
        _s("kind", "direct (in quote marks) or unmarked (first-person speech without)", False),
        _RUN,
    ]),
    "facts": pa.schema([
        _s("fact_id", "<article_id>:<start>", False),
        _ARTICLE,
        _s("kind", "KILL, WOUND, KIDNAP, ARREST, DISPLACE, RELEASE or OTHER", False),
        _f("value", pa.int64(), "the count", False),
        _s("qualifier", "exact, about, more_than, at_least, nearly, over or up_to", False),
        _s("object", "the counted noun phrase"),
        _s("attribution", "who the figure is attributed to"),
        _TEXT, _START, _END,
        _RUN,
    ]),
    "dates": pa.schema([
        _ARTICLE, _TEXT, _START, _END,
        _f("resolved_date", pa.date32(), "calendar date, when it can be resolved"),
        _s("granularity", "day, week, month, year, decade, span (of years) or unknown", False),
        _RUN,
    ]),
    "ingest_log": pa.schema([
        _s("source_uri", "file path or URL (#N: record N of a JSONL file)", False),
        _s("source_id", "the record's own id from its metadata"),
        _s("content_sha256", "sha256 of the record's bytes as read", False),
        _f("bytes", pa.int64(), "size of the record as read", False),
        _s("status",
           "published, duplicate, rejected, already_seen, failed or quarantined", False),
        _s("reason", "why rejected, failed or quarantined, or which kind of duplicate; then, "
           "`; `-separated, what cleaning repaired or cut (`date '…' dropped: after the run's "
           "day`, `3 link cards cut`)"),
        _s("article_id", "the article it became or duplicates"),
        _RUN,
    ]),
    "stories": pa.schema([
        _s("story_id", "stable id of the same-event cluster", False),
        _s("title", "representative headline"),
        _f("article_count", pa.int32(), "articles in the story", False),
        _f("source_count", pa.int32(), "distinct outlets", False),
        _f("first_published", pa.date32(), "earliest published_date"),
        _f("last_published", pa.date32(), "latest published_date"),
        _f("top_entities", _STR_LIST, "most mentioned entity_ids", False),
        _s("run_id", "id of the run that last changed the story", nullable=False),
        _f("ingest_date", pa.date32(), "day the story was first published", nullable=False),
    ]),
    "story_members": pa.schema([
        _s("story_id", "the story (stories.story_id)", False),
        _ARTICLE,
        _s("run_id", "id of the run that put the article in this story", nullable=False),
        _f("ingest_date", pa.date32(), "day the article joined this story", nullable=False),
    ]),
    # The story desk (tasks/story_desk): each outlet's account of a story side by side.
    "story_facts": pa.schema([
        _s("story_fact_id", "<story_id>:<12 hex digits>, stable while the figures stay", False),
        _s("story_id", "the story (stories.story_id)", False),
        _s("kind", "the figures' fact kind (facts.kind)", False),
        _s("counted", "what is counted: a head noun, with the groups it is of: people "
           "(israeli)", False),
        _f("value_min", pa.int64(), "smallest value given", False),
        _f("value_max", pa.int64(), "largest value given", False),
        _f("article_count", pa.int32(), "articles giving the figure (two or more)", False),
        _f("source_count", pa.int32(), "distinct outlets giving it; an article of unknown "
           "outlet counts as one", False),
        _s("agreement", f"{_or(AGREEMENTS)}: same value and qualifier (over = more_than), "
           "same value only, or different values", False),
        _f("figures", pa.list_(_STORY_FIGURE), "each figure as its article gives it (a facts "
           "row with the outlet), in article and offset order", False),
        _s("run_id", "id of the run that last changed the row", nullable=False),
        _f("ingest_date", pa.date32(), "day the row was first drawn", nullable=False),
    ]),
    "story_quotes": pa.schema([
        _s("story_id", "the story (stories.story_id)", False),
        _s("speaker_entity_id", "the speaker's entity_id; null: an unresolved speaker, a row "
           "per article"),
        _s("speaker", "the entity's name, or the speaker as written when unresolved", False),
        _f("article_count", pa.int32(), "articles quoting the speaker", False),
        _f("source_count", pa.int32(), "distinct outlets quoting the speaker; an article of "
           "unknown outlet counts as one", False),
        _f("sources", _STR_LIST, "the known outlets quoting the speaker", False),
        _f("quotes", pa.list_(_STORY_QUOTE), "each quote (a quotes row with the outlet), in "
           "article and offset order", False),
        _s("run_id", "id of the run that last changed the row", nullable=False),
        _f("ingest_date", pa.date32(), "day the row was first drawn", nullable=False),
    ]),
}

# ingest_log rows as the stages stage them (clean, dedup): publish adds the run's id.
STAGED_LOG = pa.schema([f for f in TABLES["ingest_log"] if f.name != "run_id"])

# Columns added after a table was first published, with the schema version that added them:
# files written before lack them (readers see nulls; `wiredesk check` accepts their absence).
ADDED_COLUMNS: dict[str, dict[str, str]] = {"articles": {"source_name_source": "2"}}

PARTITIONED = ["articles", "entities", "mentions", "quotes", "facts", "dates", "ingest_log"]
SNAPSHOTS = ["stories", "story_members", "story_facts", "story_quotes"]

# Closed vocabularies, checked by the validation suites and the contract tests.
VOCABULARIES: dict[tuple[str, str], list[str]] = {
    ("articles", "published_date_source"): DATE_SOURCES,
    ("articles", "source_name_source"): OUTLET_SOURCES,
    ("entities", "label"): ENTITY_LABELS,
    ("quotes", "kind"): QUOTE_KINDS,
    ("facts", "kind"): FACT_KINDS,
    ("facts", "qualifier"): QUALIFIERS,
    ("dates", "granularity"): GRANULARITIES,
    ("ingest_log", "status"): INGEST_STATUSES,
    ("story_facts", "kind"): FACT_KINDS,
    ("story_facts", "agreement"): AGREEMENTS,
}

# Tables whose rows carry start/end offsets into articles.body.
OFFSET_TABLES = ["mentions", "quotes", "facts", "dates"]
# Tables whose every row belongs to one article: a bad row holds back its article.
ARTICLE_TABLES = ["articles", "entities", *OFFSET_TABLES]


def reader_schema(table: str) -> pa.Schema:
    """The schema an analyst sees: partitioned tables gain `ingest_date` from the path."""
    schema = TABLES[table]
    return schema.append(_INGEST_DATE) if table in PARTITIONED else schema


def with_metadata(table: str) -> pa.Schema:
    """The file schema plus table-level metadata stored in every Parquet file we write."""
    return TABLES[table].with_metadata({"wiredesk.table": table,
                                        "wiredesk.schema_version": SCHEMA_VERSION})


def empty(table: str) -> pa.Table:
    return TABLES[table].empty_table()


def conform(table: str, rows: list[dict] | pa.Table, **fill: object) -> pa.Table:
    """Rows (dicts or a table) as exactly the declared schema, column order included.

    `fill` sets a column on every row (e.g. `run_id=...`), so stages need not carry it.
    """
    schema = TABLES[table]
    if isinstance(rows, pa.Table):
        for name, value in fill.items():
            column = pa.array([value] * rows.num_rows, schema.field(name).type)
            rows = (rows.set_column(rows.schema.get_field_index(name), name, column)
                    if name in rows.column_names else rows.append_column(name, column))
        return rows.select(schema.names).cast(schema)
    return pa.Table.from_pylist([{**row, **fill} for row in rows], schema=schema)


def reference_markdown() -> str:
    """The README's table reference, generated from the schemas (a test keeps them in step)."""
    out = []
    for table in TABLES:
        layout = "appended per run, partitioned by ingest_date" if table in PARTITIONED else \
            "a snapshot, rewritten whole by each run that publishes"
        out += [f"#### {table}", "", f"_{layout}_", "", "| column | type | null | meaning |",
                "|---|---|---|---|"]
        out += [f"| {f.name} | {f.type} | {'yes' if f.nullable else 'no'} | "
                f"{f.metadata[b'description'].decode()} |" for f in reader_schema(table)]
        out.append("")
    return "\n".join(out)
