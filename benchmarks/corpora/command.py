"""`python -m benchmarks.corpora`: the options, each chosen corpus run in turn, the JSON and
Markdown reports written."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.corpora.inputs import BY_NAME, CORPORA, DATASETS, ROOT, WORK
from benchmarks.corpora.outcome import Result, run_corpus
from benchmarks.corpora.report import markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpora",
        description="Run `wiredesk run` over every real corpus and check the outcome.")
    parser.add_argument("--only", action="append", choices=list(BY_NAME), metavar="NAME",
                        help=f"run only this corpus (repeatable): {', '.join(BY_NAME)}")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="converted inputs, lakes and logs (outside the repository)")
    parser.add_argument("--limit", type=int, default=None, help="first N records per corpus")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--out", type=Path, default=None,
                        help="JSON report (default: <work>/corpora-report.json)")
    parser.add_argument("--timeout", type=float, default=4 * 3600,
                        help="seconds per corpus before the run is stopped")
    parser.add_argument("--run-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `wiredesk run` (repeatable), "
                             "e.g. --run-arg=--processes=1")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    if work == ROOT or ROOT in work.parents:
        parser.error("--work must be outside the repository (the datasets are evaluation-only)")
    work.mkdir(parents=True, exist_ok=True)
    out = args.out or work / "corpora-report.json"
    chosen = [BY_NAME[n] for n in args.only] if args.only else CORPORA
    results: list[Result] = []
    for corpus in chosen:
        print(f"[corpora] {corpus.name} ...", file=sys.stderr, flush=True)
        result = run_corpus(corpus, args.datasets.resolve(), work, args.limit, args.run_arg,
                            args.timeout)
        results.append(result)
        print(f"[corpora] {corpus.name}: {result.outcome}, exit {result.exit}, "
              f"{result.seconds} s", file=sys.stderr, flush=True)
        out.write_text(json.dumps({"limit": args.limit, "results": [r.__dict__ for r in results]},
                                  indent=2, default=str))
    report = markdown(results)
    (out.with_suffix(".md")).write_text(report + "\n")
    print(report)
    return 0 if all(r.statuses and not r.bars for r in results) else 1
