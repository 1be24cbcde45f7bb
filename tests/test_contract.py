"""What CONTRACT.md promises analysts, checked on a real run over the sample input."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.news_etl import RunParameters, news_etl
from tasks.schemas import OFFSET_TABLES, PARTITIONED, TABLES, reader_schema, reference_markdown

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("contract-lake")
    news_etl(RunParameters(input=str(ROOT / "data" / "raw"), lake=str(lake), processes=1))
    return lake


def _files(lake: Path, table: str) -> list[Path]:
    return sorted((lake / table).rglob("*.parquet"))


@pytest.mark.parametrize("table", list(TABLES))
def test_every_file_has_the_declared_schema(lake: Path, table: str) -> None:
    files = _files(lake, table)
    assert files, f"{table}: nothing published"
    for path in files:
        schema = pq.read_schema(path)
        assert schema.remove_metadata().equals(TABLES[table].remove_metadata()), path
        for field in TABLES[table]:
            assert schema.field(field.name).metadata == field.metadata  # descriptions kept


@pytest.mark.parametrize("table", PARTITIONED)
def test_duckdb_reads_partitions_with_ingest_date(lake: Path, table: str) -> None:
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{lake}/{table}/**/*.parquet', "
                     "hive_partitioning = true)")
    assert rel.columns == reader_schema(table).names
    assert str(rel.types[-1]) == "DATE"


def test_offsets_point_into_the_body(lake: Path) -> None:
    bodies = dict(duckdb.sql(f"SELECT article_id, body FROM read_parquet("
                             f"'{lake}/articles/**/*.parquet')").fetchall())
    for table in OFFSET_TABLES:
        rows = pa.concat_tables(pq.read_table(p) for p in _files(lake, table)).to_pylist()
        assert rows, table
        for row in rows:
            assert bodies[row["article_id"]][row["start"]:row["end"]] == row["text"], row


def test_story_desk_tables_read_in_duckdb_with_offsets_into_each_body(lake: Path) -> None:
    bodies = dict(duckdb.sql(f"SELECT article_id, body FROM read_parquet("
                             f"'{lake}/articles/**/*.parquet')").fetchall())
    for table, items in (("story_facts", "figures"), ("story_quotes", "quotes")):
        rel = duckdb.sql(f"SELECT * FROM read_parquet('{lake}/{table}/{table}.parquet')")
        assert rel.columns == TABLES[table].names
        spans = duckdb.sql(f"SELECT i.article_id, i.start, i.end, i.text FROM read_parquet("
                           f"'{lake}/{table}/{table}.parquet'), unnest({items}) AS t(i)"
                           ).fetchall()
        assert spans, table
        for article_id, start, end, text in spans:
            assert bodies[article_id][start:end] == text, (table, article_id, text)
    # The seeds' figures outlets disagree on, as the README's death-toll query finds them.
    disputed = duckdb.sql(f"SELECT kind, agreement, value_min, value_max FROM read_parquet("
                          f"'{lake}/story_facts/story_facts.parquet') WHERE agreement <> "
                          "'agree' ORDER BY kind").fetchall()
    assert disputed == [("KIDNAP", "values_differ", 250, 251),
                        ("KILL", "qualifier_differs", 1200, 1200)]
    netanyahu = duckdb.sql(f"SELECT article_count FROM read_parquet('{lake}/story_quotes/"
                           "story_quotes.parquet') WHERE speaker_entity_id = "
                           "'person/benjamin-netanyahu'").fetchall()
    assert netanyahu == [(2,)]


def test_ingest_log_accounts_for_every_record(lake: Path) -> None:
    log = duckdb.sql(f"SELECT status, article_id FROM read_parquet("
                     f"'{lake}/ingest_log/**/*.parquet')").fetchall()
    assert len(log) == len(list((ROOT / "data" / "raw").iterdir()))
    articles = {r[0] for r in duckdb.sql(f"SELECT article_id FROM read_parquet("
                                         f"'{lake}/articles/**/*.parquet')").fetchall()}
    assert {a for s, a in log if s == "published"} == articles


def test_pandas_reads_the_lake(lake: Path) -> None:
    import pandas as pd

    quotes = pd.read_parquet(lake / "quotes")
    assert {"quote_id", "speaker", "ingest_date"} <= set(quotes.columns)


def test_readme_table_reference_is_generated_from_the_schemas() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- table-reference -->\n")[1].split("<!-- /table-reference -->")[0]
    assert section.strip() == reference_markdown().strip()


def test_readme_options_table_lists_every_run_parameter_with_its_default() -> None:
    # The flow's parameters are the command line's options (same names, same defaults).
    readme = (ROOT / "README.md").read_text()
    rows = {name: "" if value == "(empty)" else value for name, value in re.findall(
        r"^\| `--([a-z-]+)` \| `?([^|`]+?)`? \|", readme, re.MULTILINE)}
    defaults = RunParameters().model_dump()
    assert set(rows) == {name.replace("_", "-") for name in defaults}
    for name, value in defaults.items():
        assert float(rows[name.replace("_", "-")]) == value if isinstance(value, float) else \
            rows[name.replace("_", "-")] == str(value), name
