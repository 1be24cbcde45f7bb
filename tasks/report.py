"""What a run tells the operator: a log line per stage with its counts, and the Prefect
artifacts (a markdown report and a table of counts) that say what happened without opening
a file: the outcome, what was held back and why, the stories the run created or grew and the
figures their outlets disagree on, each validation warning with its observed value, the data
docs, and the time per stage.

Counts come from the staged files' Parquet footers or one column of them: cheap beside the
stages they count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from tasks.lake import Lake
from tasks.publish import RunSummary
from tasks.schemas import TABLES

ARTIFACT_KEY = "news-etl-summary"
SHOWN_STORIES = 20  # stories listed in the report; the run record has them all


def rows(staging_url: str, paths: Iterable[str]) -> int:
    """Rows in staged Parquet files (from their footers)."""
    fs = Lake(staging_url).fs
    return sum(pq.read_metadata(p, filesystem=fs).num_rows for p in paths)


def values(staging_url: str, paths: Iterable[str], column: str) -> Counter:
    """How often each value of one column occurs in staged Parquet files (None included)."""
    fs = Lake(staging_url).fs
    counts: Counter = Counter()
    for path in paths:
        counts.update(pq.read_table(path, columns=[column], filesystem=fs)[column].to_pylist())
    return counts


def story_changes(lake_url: str, staging_url: str, stories: list[str],
                  run_id: str) -> list[dict]:
    """The stories of the redrawn snapshot that this run created or changed (a row keeps the
    run_id of the run that last changed it), with their size before, largest first. Call it
    before the publish: the lake's snapshot is then the one before this run."""
    if not stories:
        return []
    staged = pq.read_table(stories[0], filesystem=Lake(staging_url).fs,
                           columns=["story_id", "title", "article_count", "source_count",
                                    "run_id"])
    changed = staged.filter(pc.equal(staged["run_id"], run_id)).to_pylist()
    lake = Lake(lake_url)
    before = lake.read("stories", ["story_id", "article_count"]) if changed else None
    counts = dict(zip(before["story_id"].to_pylist(), before["article_count"].to_pylist(),
                      strict=True)) if before is not None else {}
    out = [{"story_id": s["story_id"], "title": s["title"], "articles": s["article_count"],
            "outlets": s["source_count"], "articles_before": counts.get(s["story_id"])}
           for s in changed]
    return sorted(out, key=lambda s: (-s["articles"], s["story_id"]))


def story_line(stories: list[dict], total: int) -> str:
    new = sum(s["articles_before"] is None for s in stories)
    grown = sum(s["articles_before"] is not None and s["articles"] > s["articles_before"]
                for s in stories)
    return (f"cluster: {total} stories over the lake; this run created {new}, grew {grown}, "
            f"changed {len(stories) - new - grown} otherwise")


def published_rows(staging_url: str, staged: dict[str, list[str]]) -> str:
    return ", ".join(f"{name} {rows(staging_url, staged.get(name, []))}"
                     for name in TABLES if name in staged)


# ---- the artifacts ---------------------------------------------------------------------------

def report(summary: RunSummary) -> None:
    """The run summary as Prefect artifacts: markdown for people, a table of counts."""
    create_markdown_artifact(markdown(summary), key=ARTIFACT_KEY,
                             description=f"wiredesk run {summary.run_id}: {summary.outcome}")
    table = [{"what": f"records {s}", "count": n} for s, n in summary.records.items()]
    table += [{"what": f"rows {t}", "count": n} for t, n in summary.rows.items()]
    table += [{"what": f"seconds {stage}", "count": s} for stage, s in summary.seconds.items()]
    create_table_artifact(table, key=f"{ARTIFACT_KEY}-counts",
                          description=f"wiredesk run {summary.run_id}: records, rows, seconds")


def markdown(summary: RunSummary) -> str:
    r, lake = summary.records, Lake(summary.lake)
    out = [f"# wiredesk run {summary.run_id}: {summary.outcome}", "", _headline(summary), "",
           f"Records read {summary.records_read}: "
           + ", ".join(f"{status.replace('_', ' ')} {n}" for status, n in r.items())
           + f"; near-duplicates among the published {summary.near_duplicates}"
           + (f"; not extracted (a language the model does not read) {summary.other_language}"
              if summary.other_language else "") + "."]
    if summary.held:
        out += ["", "## Held back", "", "| status | record | article | reason |",
                "|---|---|---|---|"]
        out += [f"| {h['status']} | {_cell(h['source_uri'])} | {h['article_id'] or ''} | "
                f"{_cell(h['reason'])} |" for h in summary.held]
    if summary.outcome != "blocked":
        out += ["", "## Stories this run created or grew", ""]
        if summary.stories:
            out += ["| story | title | articles | outlets | change |", "|---|---|---|---|---|"]
            out += [f"| {s['story_id']} | {_cell(s['title'])} | {s['articles']} | "
                    f"{s['outlets']} | {_change(s)} |" for s in summary.stories[:SHOWN_STORIES]]
            if len(summary.stories) > SHOWN_STORIES:
                out.append(f"\n... and {len(summary.stories) - SHOWN_STORIES} more (in the "
                           f"run record)")
        else:
            out.append("None.")
        out += _disputes(summary.stories)
    out += ["", "## Validation", "", summary.validation.get("message", "validation not run")]
    noted = [o for o in summary.validation.get("outcomes", [])
             if not o["success"] and not o["skipped"]]
    if noted:
        out += ["", "| severity | expectation | observed |", "|---|---|---|"]
        out += [f"| {o['severity']} | {o['table']}.{o['expectation']}({o['column'] or ''}) | "
                f"{_cell(o['observed'])} |" for o in noted]
    docs = summary.validation.get("docs_index")
    out += ["", f"Data docs: `{docs}`" if docs else
            f"Data docs: not rebuilt by this run (nothing to validate with Great "
            f"Expectations); the latest are at `{lake.uri('_docs', 'index.html')}`"]
    out += ["", "## Time per stage", "", "| stage | seconds |", "|---|---|"]
    out += [f"| {stage} | {seconds:.1f} |" for stage, seconds in summary.seconds.items()]
    if summary.finished_at:
        whole = dt.datetime.fromisoformat(summary.finished_at) - dt.datetime.fromisoformat(
            summary.started_at)
        out.append(f"| whole run | {whole.total_seconds():.1f} |")
    out += ["", f"Lake: `{summary.lake}`; run record: "
                f"`{lake.uri('_runs', summary.run_id + '.json')}`"]
    return "\n".join(out)


def _disputes(stories: list[dict]) -> list[str]:
    """The figures outlets disagree on in the stories the run created or grew (story_facts
    rows other than agree: tasks.story_desk.with_disputes)."""
    found = [(s, d) for s in stories[:SHOWN_STORIES] for d in s.get("disputed", [])]
    if not found:
        return []
    out = ["", "## Figures outlets disagree on", "", "| story | counted | how | figures |",
           "|---|---|---|---|"]
    out += [f"| {_cell(s['title'] or s['story_id'])} | {d['kind']} {_cell(d['counted'])} | "
            f"{d['agreement'].replace('_', ' ')} | {_cell('; '.join(d['figures']))} |"
            for s, d in found]
    return out


def _headline(summary: RunSummary) -> str:
    r, lake = summary.records, Lake(summary.lake)
    held = f"{r.get('failed', 0)} failed, {r.get('quarantined', 0)} quarantined"
    if summary.outcome == "blocked":
        return (f"**Blocked**: nothing was published. {summary.validation.get('message', '')}. "
                f"The batch and its report are in `{lake.uri('_quarantine', summary.run_id)}/`"
                f"; {held}.")
    if summary.outcome == "published":
        return f"**Published** {r.get('published', 0)} articles; {held}."
    if summary.outcome == "nothing new":
        return (f"**Nothing new**: {summary.unchanged_files} unchanged input files skipped, "
                f"{r.get('already_seen', 0)} records already seen, "
                f"{r.get('rejected', 0)} rejected.")
    return f"**{summary.outcome.capitalize()}**: no article published; {held}."


def _change(story: dict) -> str:
    before = story["articles_before"]
    return "new" if before is None else f"{before} → {story['articles']} articles"


def _cell(text: object) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")
