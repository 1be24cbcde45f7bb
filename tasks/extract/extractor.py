"""What an extractor is: the table it fills and a function from a parsed article to the rows
(every column of the table's schema but run_id). tasks/extract/registry.py lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from spacy.tokens import Doc


@dataclass
class ParsedArticle:
    """One article with its parse, as every extractor sees it."""

    doc: Doc
    article: dict
    known: dict[str, str]       # the lake's aliases -> entity ids (linking.known_aliases)
    names: dict[str, str]       # entities.lake_names(known)
    shared: dict[str, Any] = field(default_factory=dict)  # what one extractor works out
    # for others, once an article (the entities the quotes' speakers are resolved against)

    @property
    def article_id(self) -> str:
        return self.article["article_id"]

    @property
    def body(self) -> str:
        return self.article["body"]

    @property
    def published_date(self) -> date | None:
        return self.article.get("published_date")


@dataclass(frozen=True)
class Extractor:
    """A table and the function that fills it, one article at a time."""

    table: str
    rows: Callable[[ParsedArticle], list[dict]]
