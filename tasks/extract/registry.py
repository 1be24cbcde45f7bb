"""The extractors, in the order they run on each parsed article; each fills one table.

To add a table: a module that declares `EXTRACTORS` (extractor.Extractor: the table and its
function), a line here, the table's schema in tasks/schemas.py and its suite in
expectations/<table>.json (tests/test_registry.py fails without it)."""

from __future__ import annotations

from tasks.extract import dates, entities, facts, quotes
from tasks.extract.extractor import Extractor

EXTRACTORS: tuple[Extractor, ...] = (
    *entities.EXTRACTORS,   # entities, mentions (the quotes' speakers are resolved on them)
    *quotes.EXTRACTORS,
    *facts.EXTRACTORS,
    *dates.EXTRACTORS,
)
EXTRACTED = tuple(extractor.table for extractor in EXTRACTORS)  # the tables the stage fills
