"""One corpus through the real flow: prepared, run, and its Result filled from the run and its
lake, with the checks (accounting, contract, bars) applied."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.corpora.inputs import Corpus, prepare
from benchmarks.corpora.lake import contract_problems, languages, read_run
from benchmarks.corpora.process import Run, run_cli, run_env
from benchmarks.corpora.reasons import crash_summary, failure_key, group

MAX_FAILED = 0.001  # share of records read
MAX_QUARANTINED = 0.005


@dataclass
class Result:
    corpus: str
    input: str
    note: str
    records_written: int | None = None
    exit: int | None = None
    outcome: str = "not run"  # published | nothing new | blocked | crashed | timeout | ...
    statuses: dict[str, int] = field(default_factory=dict)
    records_read: int | None = None  # run record
    log_source: str | None = None  # where the run's ingest_log rows were read
    rows: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)  # articles per language
    rejected: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    blocked: list[dict] = field(default_factory=list)  # failing error expectations
    crash: dict | None = None
    accounting: list[str] = field(default_factory=list)
    contract: list[str] = field(default_factory=list)
    bars: list[str] = field(default_factory=list)  # bars missed; empty: all met
    seconds: float | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)
    peak_mib: float | None = None
    tree_mib: float | None = None
    maxrss_mib: float | None = None
    leftover_processes: int = 0
    lake: str | None = None
    logs: str | None = None


def evaluate(result: Result, run: Run, lake: Path) -> Result:
    """Fill `result` from the run and its lake; the checks set `accounting`, `contract` and
    `bars`."""
    result.exit, result.seconds = run.exit, round(run.seconds, 1)
    result.peak_mib, result.tree_mib = round(run.peak_mib), round(run.tree_mib)
    result.maxrss_mib, result.leftover_processes = round(run.maxrss_mib), run.leftover
    record, log, result.log_source = read_run(lake, run.stdout)
    if record:
        result.outcome = record.get("outcome", "?")
        result.records_read = record.get("records_read", sum(record.get("records", {}).values()))
        result.rows = record.get("rows", {})
        result.stage_seconds = record.get("seconds", {})
        result.blocked = [
            {"expectation": f"{o['table']}.{o['expectation']}({o.get('column') or ''})",
             "observed": o.get("observed", "")}
            for o in record.get("validation", {}).get("outcomes", [])
            if not o.get("success") and not o.get("skipped") and o.get("severity") == "error"]
    if run.exit is None:
        result.outcome = "timeout"
    elif not record or run.exit not in (0, 1):
        result.outcome = "crashed" if not record else result.outcome
        result.crash = crash_summary(run.stderr, run.stdout)
    elif run.exit == 1:
        result.crash = crash_summary(run.stderr, run.stdout) if result.outcome != "blocked" \
            else {"error": crash_summary(run.stderr, run.stdout)["error"]}
    result.statuses = dict(Counter(r["status"] for r in log))
    by_status = defaultdict(list)
    for r in log:
        by_status[r["status"]].append(r["reason"])
    result.rejected = group(by_status["rejected"])
    result.failed = group(by_status["failed"], failure_key)
    result.quarantined = group(by_status["quarantined"])

    logged = len(log)
    if record:
        if result.records_read != logged:
            result.accounting.append(f"run record reads {result.records_read}, ingest_log "
                                     f"holds {logged} rows")
        counted = {k: v for k, v in record.get("records", {}).items() if v}
        if counted != result.statuses:
            result.accounting.append(f"run record statuses {counted} != ingest_log "
                                     f"{result.statuses}")
    if log and logged != result.records_written:
        result.accounting.append(f"{result.records_written} records written, {logged} logged")
    if not log:
        result.accounting.append("no ingest_log rows for the run")
    result.languages = languages(lake, record.get("run_id") if record else None,
                                 result.log_source)
    result.contract = contract_problems(lake, record.get("run_id") if record else None,
                                        log if result.log_source == "lake" else [])

    if run.exit != 0:
        result.bars.append(f"exit {run.exit if run.exit is not None else 'timeout'}")
    if result.accounting:
        result.bars.append("accounting")
    if result.contract:
        result.bars.append("contract")
    read = logged or 1
    for status, limit in (("failed", MAX_FAILED), ("quarantined", MAX_QUARANTINED)):
        n = result.statuses.get(status, 0)
        if n > limit * read:
            result.bars.append(f"{status} {n / read:.2%} > {limit:.1%}")
    return result


def run_corpus(corpus: Corpus, datasets: Path, work: Path, limit: int | None,
               run_args: list[str], timeout: float) -> Result:
    folder = work / corpus.name
    folder.mkdir(parents=True, exist_ok=True)
    result = Result(corpus.name, str(datasets / corpus.source), corpus.note)
    try:
        source, result.records_written = prepare(corpus, datasets, folder, limit)
    except FileNotFoundError as exc:
        result.outcome = f"missing: {exc}"
        return result
    lake = folder / "lake"
    if lake.exists():
        shutil.rmtree(lake)
    result.input, result.lake, result.logs = str(source), str(lake), str(folder)
    run = run_cli(["run", "--input", str(source), "--lake", str(lake), *run_args],
                  run_env(work), folder, timeout)
    try:
        return evaluate(result, run, lake)
    except Exception as exc:  # a lake the checks cannot read is an outcome, not the end
        result.exit, result.seconds = run.exit, round(run.seconds, 1)
        result.outcome = "unreadable lake"
        result.contract.append(f"reading the lake back: {type(exc).__name__}: {exc}"[:500])
        result.bars.append("contract")
        return result
