"""Publish: staged tables into the lake atomically, or into quarantine when validation blocks.

Also keeps the run record (`_runs/<run_id>.json`) and the summary shown on the terminal (and
in the Prefect artifacts, `report.py`), so what a run read, wrote and validated is stated in
one place.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import Counter
from dataclasses import asdict, dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.dedup import MINHASH_SCHEMA
from tasks.dedup.index import BANDS_TABLE, SIGNATURES, state_rows
from tasks.ingest.seen import FILES_TABLE, SEEN_TABLE, files_done, new_hashes
from tasks.lake import Lake, store
from tasks.schemas import INGEST_STATUSES, SCHEMA_VERSION, TABLES
from tasks.state.store import compact_written

HELD = ("failed", "quarantined")  # statuses of records held back from a run
SHOWN_HELD = 10  # held records named in the summary lines (all are in the run record)


@dataclass
class RunSummary:
    run_id: str
    input: str
    lake: str
    started_at: str
    outcome: str = "running"  # published | nothing new | blocked
    records: dict[str, int] = field(default_factory=dict)
    unchanged_files: int = 0  # input files skipped unread: unchanged since a run read them
    near_duplicates: int = 0
    other_language: int = 0  # published without extraction: a language the model does not read
    held: list[dict] = field(default_factory=list)  # each failed or quarantined record
    rows: dict[str, int] = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    stories: list[dict] = field(default_factory=list)  # created or changed by this run
    schema_version: str = SCHEMA_VERSION
    finished_at: str | None = None

    @property
    def records_read(self) -> int:
        return sum(self.records.values())

    def tally(self, tables: dict[str, pa.Table]) -> None:
        log = tables["ingest_log"]
        statuses = Counter(log["status"].to_pylist())
        self.records = {s: statuses.get(s, 0) for s in INGEST_STATUSES}
        self.held = [{k: row[k] for k in ("status", "source_uri", "article_id", "reason")}
                     for row in log.filter(pc.is_in(log["status"], pa.array(HELD))).to_pylist()]
        articles = tables["articles"]
        self.near_duplicates = articles.num_rows - articles["duplicate_of"].null_count
        self.rows = {name: table.num_rows for name, table in tables.items()}

    def lines(self) -> list[str]:
        r = self.records
        lines = [
            f"run {self.run_id}: {self.outcome}",
            f"records read {self.records_read}: published {r.get('published', 0)} "
            f"(near-duplicates {self.near_duplicates}), duplicates {r.get('duplicate', 0)}, "
            f"rejected {r.get('rejected', 0)}, already seen {r.get('already_seen', 0)}, "
            f"failed {r.get('failed', 0)}, quarantined {r.get('quarantined', 0)}"
            + (f"; {self.unchanged_files} unchanged input files skipped"
               if self.unchanged_files else ""),
        ]
        if self.other_language:
            lines.append(f"not extracted (language the model does not read): "
                         f"{self.other_language}")
        lines += [f"{h['status']}: {h['source_uri']}: {h['reason']}"
                  for h in self.held[:SHOWN_HELD]]
        if len(self.held) > SHOWN_HELD:
            lines.append(f"... and {len(self.held) - SHOWN_HELD} more held back "
                         f"(listed in _runs/{self.run_id}.json)")
        return [*lines,
                "rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()),
                self.validation.get("message", "validation not run"),
                f"lake: {self.lake}"]

    def to_dict(self) -> dict:
        return {**asdict(self), "records_read": self.records_read}


def too_many_held(log: pa.Table, retried: set[str], max_share: float) -> str | None:
    """Why the run must be blocked for holding back too many articles, or None.

    Counts failed and quarantined records against the records the run tried to publish
    (all but rejected and already seen). Records whose bytes an earlier run already held
    back do not count: a known bad article retried by every scheduled run must not block
    them all. One article never blocks a run."""
    rows = log.select(["content_sha256", "status"]).to_pylist()
    tried = [r for r in rows if r["status"] not in ("rejected", "already_seen")]
    new = [r for r in tried if r["status"] in HELD and r["content_sha256"] not in retried]
    if len(new) > 1 and len(new) > max_share * len(tried):
        return (f"{len(new)} of {len(tried)} articles were held back (failed or quarantined "
                f"for the first time), more than the allowed {max_share:.0%}: a systemic "
                f"fault, not a bad article")
    return None


def earlier_held(lake: Lake) -> set[str]:
    """Content hashes of records earlier runs held back (failed or quarantined)."""
    log = lake.read("ingest_log", ["content_sha256", "status"])
    if log is None:
        return set()
    return set(log.filter(pc.is_in(log["status"], pa.array(HELD)))["content_sha256"]
               .to_pylist())


@task(name="share", cache_policy=NO_CACHE)
def share_task(lake_url: str, staging_url: str, ingest_log: list[str],
               max_share: float) -> str | None:
    """too_many_held for the run's staged ingest_log, against the lake's earlier runs."""
    log = read_staged(ingest_log, Lake(staging_url).fs, TABLES["ingest_log"])
    if too_many_held(log, set(), max_share) is None:
        return None  # earlier runs' holds can only lower the count: the ledger is not read
    return too_many_held(log, earlier_held(Lake(lake_url)), max_share)


def staged_schema(name: str) -> pa.Schema:
    return MINHASH_SCHEMA if name == "minhash" else TABLES[name]


def read_staged(paths: list[str], fs: AbstractFileSystem, schema: pa.Schema) -> pa.Table:
    if store.in_place(fs) and len(paths) > 1:  # an object store: all GETs at once, not a
        blobs = fs.cat(list(paths))  # few ranged requests per file one after another
        parts = [pq.read_table(pa.BufferReader(blobs[fs._strip_protocol(p)])) for p in paths]
    else:
        parts = [pq.read_table(p, filesystem=fs) for p in paths]
    return pa.concat_tables(parts).cast(schema) if parts else schema.empty_table()


def load_tables(staging_url: str, staged: dict[str, list[str]]) -> dict[str, pa.Table]:
    """The run's staged tables, by name (those it has), each as one table."""
    fs = Lake(staging_url).fs
    return {name: read_staged(staged[name], fs, schema) for name, schema in TABLES.items()
            if name in staged}


@task(name="quarantine", cache_policy=NO_CACHE)
def quarantine_task(lake_url: str, staging_url: str, taken: dict[str, list[str]],
                    held: dict[str, str], summary: RunSummary) -> None:
    """Keep the rows of the articles held back by row-level expectations, with a report
    naming each article and the expectations it failed, for inspection."""
    lake, tables = Lake(lake_url), load_tables(staging_url, taken)
    for name, table in tables.items():
        if table.num_rows:
            lake.write_parquet(table, lake.path("_quarantine", summary.run_id, f"{name}.parquet"))
    lake.write_json({"run_id": summary.run_id, "outcome": "articles quarantined",
                     "articles": [{"article_id": aid, "reason": why} for aid, why in held.items()],
                     "validation": summary.validation},
                    lake.path("_quarantine", summary.run_id, "report.json"))


@task(name="block", cache_policy=NO_CACHE)
def block_task(lake_url: str, staging_url: str, staged: dict[str, list[str]],
               summary: RunSummary) -> RunSummary:
    """Keep what a blocked run would have published (its quarantined articles too), with its
    report, for inspection; publish nothing but the run record."""
    lake, tables = Lake(lake_url), load_tables(staging_url, staged)
    summary.tally(tables)
    summary.outcome = "blocked"
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat()
    for name, table in tables.items():
        lake.write_parquet(table, lake.path("_quarantine", summary.run_id, f"{name}.parquet"))
    lake.write_json(summary.to_dict(), lake.path("_quarantine", summary.run_id, "report.json"))
    lake.write_json(summary.to_dict(), lake.path("_runs", f"{summary.run_id}.json"))
    return summary


def staged_state(staging_url: str, paths: list[str]) -> dict[str, pa.Table]:
    """State a stage staged as `state/<key>/part.parquet` (appended to the `_state/<key>/`
    folder) or `state/<key>.parquet` (replacing that file), by key."""
    staging = Lake(staging_url)
    out = {}
    for path in paths:
        key = posixpath.relpath(path, staging.path("state"))
        out[posixpath.dirname(key) if posixpath.basename(key) == "part.parquet" else key] = (
            pq.read_table(path, filesystem=staging.fs))
    return out


# No task retries: a full disk or a broken lake does not heal in five seconds, and object
# stores are retried by their fsspec drivers (s3fs) request by request.
@task(name="publish", cache_policy=NO_CACHE)
def publish_task(lake_url: str, staging_url: str, staged: dict[str, list[str]],
                 summary: RunSummary) -> RunSummary:
    """Append the run's partitions, replace the story snapshots, save state and the record."""
    tables = load_tables(staging_url, staged)
    summary.tally(tables)
    summary.outcome = ("published" if tables["articles"].num_rows
                       else "nothing published" if summary.held else "nothing new")
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat()
    fs, lake, log = Lake(staging_url).fs, Lake(lake_url), tables["ingest_log"]
    # What later runs need, in the same journaled publish as the tables: the input's seen
    # hashes and file log, the copy index, the stories' features and the entity aliases.
    from tasks.extract.aliases import INDEX as ALIAS_INDEX  # spaCy's package: imported late
    from tasks.extract.aliases import state as alias_state

    state = (state_rows(read_staged(staged["minhash"], fs, MINHASH_SCHEMA))
             | SEEN_TABLE.split(new_hashes(log))
             | FILES_TABLE.split(files_done(read_staged(staged.get("input_files", []), fs,
                                                        FILES_TABLE.schema), log))
             | staged_state(staging_url, staged.get("state", []))
             | (alias_state(tables["entities"]) if "entities" in tables else {}))
    summary.files = lake.publish(summary.run_id, summary.started_at[:10], tables, state,
                                 summary.to_dict())
    compact_written(lake, (SIGNATURES, BANDS_TABLE, SEEN_TABLE, FILES_TABLE, ALIAS_INDEX),
                    state, summary.run_id)
    return summary
