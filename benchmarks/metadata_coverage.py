"""Share of articles with an outlet and with a publication date, per corpus, before and after.

`python -m benchmarks.metadata_coverage [--before CHECKOUT]` reads every corpus of
../shared/datasets the way `benchmarks.corpora` prepares it (in place, or converted into
`--work`), runs ingest and clean over its records (no extraction: the metadata is settled
there), and counts the cleaned articles with a `source_name` and with a `published_date`,
and where each came from. With `--before`, the same count runs in a subprocess on another
checkout's code (e.g. a `git worktree` of main) and the table shows both.

The datasets are evaluation-only: converted inputs go to `--work`, never into the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

WORK = Path("/tmp/wiredesk-metadata-coverage")
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # fixed: the same plausibility window each time


def measure(datasets: Path, work: Path, only: list[str] | None = None) -> dict[str, dict]:
    """Per corpus: articles cleaned, with an outlet, with a date, and the origins of each."""
    from benchmarks.corpora import CORPORA, prepare
    from tasks.clean import clean_record
    from tasks.ingest import list_inputs, read_records

    out: dict[str, dict] = {}
    for corpus in CORPORA:
        if only and corpus.name not in only:
            continue
        folder = work / corpus.name
        folder.mkdir(parents=True, exist_ok=True)
        source, _ = prepare(corpus, datasets, folder, None)
        fs, paths = list_inputs(str(source))
        counts: Counter = Counter()
        date_from: Counter = Counter()
        outlet_from: Counter = Counter()
        for record in read_records(fs, paths, set()):
            if record.status is not None:
                continue
            try:
                article = clean_record(asdict(record), NOW)
            except ValueError:  # nothing left of the article: not counted on either side
                continue
            counts["articles"] += 1
            counts["outlet"] += article["source_name"] is not None
            counts["date"] += article["published_date"] is not None
            date_from[article["published_date_source"]] += 1
            outlet_from[article.get("source_name_source",  # absent before the column existed
                                    "?" if article["source_name"] else "none")] += 1
        out[corpus.name] = {**counts, "date_from": dict(date_from),
                            "outlet_from": dict(outlet_from)}
        print(f"[coverage] {corpus.name}: {dict(counts)}", file=sys.stderr, flush=True)
    return out


def _share(row: dict, key: str) -> str:
    n = row.get("articles", 0)
    return f"{row.get(key, 0) / n:.1%} ({row.get(key, 0)})" if n else "–"


def _origins(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
                     if k != "none")


def markdown(after: dict[str, dict], before: dict[str, dict] | None) -> str:
    head = ["corpus", "articles", "outlet before", "outlet after", "date before", "date after",
            "outlet from (after)", "date from (after)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in after.items():
        old = (before or {}).get(name, {})
        lines.append("| " + " | ".join([
            name, str(row.get("articles", 0)), _share(old, "outlet"), _share(row, "outlet"),
            _share(old, "date"), _share(row, "date"), _origins(row["outlet_from"]) or "–",
            _origins(row["date_from"]) or "–"]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(prog="python -m benchmarks.metadata_coverage",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=root.parent / "shared" / "datasets")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout whose code gives the 'before' column")
    parser.add_argument("--only", action="append", default=None, metavar="CORPUS")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON only")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    if work == root or root in work.parents:
        parser.error("--work must be outside the repository (the datasets are evaluation-only)")
    before = None
    if args.before is not None:
        command = [sys.executable, str(Path(__file__).resolve()), "--json",
                   "--datasets", str(args.datasets), "--work", str(work / "before")]
        command += [f"--only={name}" for name in args.only or []]
        env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
        before = json.loads(subprocess.run(command, env=env, check=True, capture_output=True,
                                           text=True).stdout)
    after = measure(args.datasets.resolve(), work / "after", args.only)
    if args.json:
        print(json.dumps(after))
    else:
        print(markdown(after, before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
