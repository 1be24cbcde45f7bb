"""The extractor registry: every table an extractor fills has a schema and a suite, and
every suite is of a declared table (forgetting a suite fails here, not in a run)."""

from __future__ import annotations

import json
from importlib.resources import files

from tasks.extract import EXTRACTED, Extraction
from tasks.extract.registry import EXTRACTORS
from tasks.schemas import ARTICLE_TABLES, TABLES


def _suites() -> dict[str, str]:
    """Suite file stem -> the suite's own name."""
    return {p.name.removesuffix(".json"): json.loads(p.read_text())["name"]
            for p in files("expectations").iterdir() if p.name.endswith(".json")}


def test_every_registered_table_has_a_schema_and_a_suite():
    suites = _suites()
    for table in EXTRACTED:
        assert table in TABLES, f"{table}: no schema in tasks/schemas.py"
        assert table in suites, f"{table}: no suite expectations/{table}.json"
        # rows of one article each: a bad row holds back its article alone
        assert table in ARTICLE_TABLES


def test_every_suite_is_of_a_declared_table():
    for stem, name in _suites().items():
        assert stem == name and name in TABLES, f"expectations/{stem}.json: no such table"


def test_each_table_filled_by_one_extractor_in_order():
    assert len(set(EXTRACTED)) == len(EXTRACTED) == len(EXTRACTORS)
    assert EXTRACTED == ("entities", "mentions", "quotes", "facts", "dates")
    assert list(Extraction().rows) == list(EXTRACTED)
