"""Reading a run's outcome back from its lake: the run record, its ingest_log rows (published,
or held in quarantine), languages, and what the published lake breaks of the contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

# Unique keys per table (columns), checked on what a run published.
UNIQUE_KEYS = {
    "articles": ["article_id"],
    "entities": ["article_id", "entity_id"],
    "quotes": ["quote_id"],
    "facts": ["fact_id"],
    "stories": ["story_id"],
    "story_members": ["story_id", "article_id"],
}


def _sql(con, query: str, params: list | None = None) -> list[tuple]:
    return con.execute(query, params or []).fetchall()


def _glob(lake: Path, table: str) -> str:
    return f"{lake}/{table}/**/*.parquet"


def read_run(lake: Path, stdout: str = "") -> tuple[dict | None, list[dict], str | None]:
    """The run record, the run's ingest_log rows (source_uri, status, reason, article_id),
    and where those rows were read from ("lake" or "quarantine")."""
    import duckdb

    records = sorted((lake / "_runs").glob("*.json"))
    ids = re.findall(r"^run (\S+): ", stdout, flags=re.M)
    path = next((p for p in records if ids and p.stem == ids[-1]), records[-1] if records else None)
    record = json.loads(path.read_text()) if path else None
    run_id = record.get("run_id") if record else (ids[-1] if ids else None)
    if not run_id:
        return record, [], None
    con = duckdb.connect()
    columns = "source_uri, status, reason, article_id"
    held = lake / "_quarantine" / run_id / "ingest_log.parquet"
    if list((lake / "ingest_log").rglob("*.parquet")):
        rows = _sql(con, f"SELECT {columns} FROM read_parquet(?, hive_partitioning = true) "
                    "WHERE run_id = ?", [_glob(lake, "ingest_log"), run_id])
        if rows:
            return record, [dict(zip(columns.split(", "), r, strict=True)) for r in rows], "lake"
    if held.exists():
        rows = _sql(con, f"SELECT {columns} FROM read_parquet(?)", [str(held)])
        return record, [dict(zip(columns.split(", "), r, strict=True)) for r in rows], \
            "quarantine"
    return record, [], None


def languages(lake: Path, run_id: str | None, where: str | None) -> dict[str, int]:
    """Articles per detected language (those published, or held back by a blocked run)."""
    import duckdb

    if where == "lake" and list((lake / "articles").rglob("*.parquet")):
        query, params = ("SELECT language, count(*) FROM read_parquet(?) WHERE run_id = ? "
                         "GROUP BY 1 ORDER BY 2 DESC, 1", [_glob(lake, "articles"), run_id])
    elif where == "quarantine" and run_id and \
            (held := lake / "_quarantine" / run_id / "articles.parquet").exists():
        query, params = ("SELECT language, count(*) FROM read_parquet(?) GROUP BY 1 "
                         "ORDER BY 2 DESC, 1", [str(held)])
    else:
        return {}
    return dict(_sql(duckdb.connect(), query, params))


def contract_problems(lake: Path, run_id: str | None, log: list[dict]) -> list[str]:
    """What the published lake breaks of the contract (empty: nothing). Tables with no rows
    write no file; a table is checked when it has files."""
    import duckdb
    import pyarrow.parquet as pq

    from tasks.schemas import OFFSET_TABLES, PARTITIONED, TABLES, reader_schema

    problems: list[str] = []
    con = duckdb.connect()
    present = {t for t in TABLES if list((lake / t).rglob("*.parquet"))}
    for table in sorted(present):
        for path in sorted((lake / table).rglob("*.parquet")):
            schema = pq.read_schema(path)
            if not schema.remove_metadata().equals(TABLES[table].remove_metadata()):
                problems.append(f"schema: {path.relative_to(lake)} differs from {table}'s")
                break
        hive = "true" if table in PARTITIONED else "false"
        names = [d[0] for d in con.execute(
            f"SELECT * FROM read_parquet(?, hive_partitioning = {hive}) LIMIT 0",
            [_glob(lake, table)]).description]
        if names != reader_schema(table).names:
            problems.append(f"schema: DuckDB reads {table} as {names}")
    for table, key in UNIQUE_KEYS.items():
        if table not in present:
            continue
        cols = ", ".join(f'"{c}"' for c in key)
        (dups,) = _sql(con, f"SELECT count(*) FROM (SELECT {cols} FROM read_parquet(?) "
                       f"GROUP BY {cols} HAVING count(*) > 1)", [_glob(lake, table)])[0]
        if dups:
            problems.append(f"unique: {dups} {table} keys ({', '.join(key)}) appear twice or more")
    if "articles" in present:
        bodies = dict(_sql(con, "SELECT article_id, body FROM read_parquet(?)",
                           [_glob(lake, "articles")]))
        for table in OFFSET_TABLES:
            if table not in present:
                continue
            bad = orphans = 0
            example = None
            cur = con.execute('SELECT article_id, "start", "end", text FROM read_parquet(?)',
                              [_glob(lake, table)])
            while chunk := cur.fetchmany(50_000):
                for article_id, start, end, text in chunk:
                    body = bodies.get(article_id)
                    if body is None:
                        orphans += 1
                    elif body[start:end] != text:
                        bad += 1
                        example = example or f"{article_id}[{start}:{end}]"
            if bad:
                problems.append(f"offsets: {bad} {table} rows with body[start:end] != text "
                                f"(e.g. {example})")
            if orphans:
                problems.append(f"offsets: {orphans} {table} rows name no published article")
        if run_id:
            logged = {r["article_id"] for r in log if r["status"] == "published"}
            run_articles = {a for (a,) in _sql(con, "SELECT article_id FROM read_parquet(?) "
                                               "WHERE run_id = ?",
                                               [_glob(lake, "articles"), run_id])}
            if logged != run_articles:
                problems.append(f"ingest_log: {len(logged - run_articles)} published ids with "
                                f"no article, {len(run_articles - logged)} articles with no "
                                "published record")
    elif any(r["status"] == "published" for r in log):
        problems.append("articles: records logged published, but no articles file")
    return problems
