"""The offset check: every extracted row's `articles.body[start:end]` is its `text`.

Great Expectations cannot join tables, so each offset table's frame gets a derived column,
OFFSET_COLUMN, computed here against the articles validated in the same call; its suite
expects it to be True (and `requires` articles: without them the expectation is skipped).
"""

from __future__ import annotations

import pyarrow as pa

# Added to every offset table's frame: articles.body[start:end] == text, None if not checkable.
OFFSET_COLUMN = "offset_matches"


def article_bodies(articles: pa.Table) -> dict[str, str]:
    """article_id -> body of the articles in a call (none if the columns are missing)."""
    if not {"article_id", "body"} <= set(articles.column_names):
        return {}
    return dict(zip(articles.column("article_id").to_pylist(),
                    articles.column("body").to_pylist(), strict=True))


def offsets_match(table: pa.Table, bodies: dict[str, str] | None) -> list[bool | None]:
    """body[start:end] == text per row; False for an unknown article or out-of-range offsets."""
    if bodies is None:  # articles not in this call: the expectation is skipped
        return [None] * table.num_rows
    columns = [table.column(c).to_pylist() if c in table.column_names else [None] * table.num_rows
               for c in ("article_id", "start", "end", "text")]
    matches = []
    for article_id, start, end, text in zip(*columns, strict=True):
        body = bodies.get(article_id)
        matches.append(None not in (body, start, end, text)
                       and 0 <= start <= end <= len(body) and body[start:end] == text)
    return matches
