"""Every real corpus through the real flow: `python -m benchmarks.corpora`.

For each corpus in ../shared/datasets, the input is prepared (read in place when the pipeline
reads the format as is; converted into a work folder otherwise), the real command line
`wiredesk run --input <input> --lake <fresh lake>` runs in a subprocess, and the outcome is
read back from the lake: the run record `_runs/<run_id>.json` and the run's `ingest_log`
rows (from `_quarantine/<run_id>/` when validation blocked the publish). Per corpus:
records read, published, duplicate, rejected, failed (reasons grouped), quarantined
(expectations grouped), exit status, wall time, peak memory, and the checks:

- exit 0;
- every record accounted for: ingest_log rows of the run = records the harness wrote =
  records read in the run record = the sum over its statuses;
- the published lake keeps the contract: every file has its table's schema (and DuckDB reads
  `tasks.schemas.reader_schema`'s columns), ids are unique, every offset row satisfies
  `body[start:end] == text`, published ingest_log rows name exactly the run's articles;
- failed <= 0.1% and quarantined <= 0.5% of the records read.

Peak memory: the run's process tree (the CLI, Prefect's ephemeral server, the extraction's
forked workers) is sampled from /proc every half second (psutil is not a dependency); "peak
MiB" is the largest single process: the larger of the sampled peak and the kernel's
high-water mark from wait4(), which covers the CLI and every descendant it reaped. "tree MiB"
is the sampled peak of the whole tree's summed RSS (shared pages counted in each process).

The datasets are evaluation-only: converted inputs and lakes go to `--work` (default
/tmp/wiredesk-corpora), never into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import json
import os
import re
import shutil
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
WORK = Path("/tmp/wiredesk-corpora")
MAX_FAILED = 0.001  # share of records read
MAX_QUARANTINED = 0.005
SAMPLE_SECONDS = 0.5
# Unique keys per table (columns), checked on what a run published.
UNIQUE_KEYS = {
    "articles": ["article_id"],
    "entities": ["article_id", "entity_id"],
    "quotes": ["quote_id"],
    "facts": ["fact_id"],
    "stories": ["story_id"],
    "story_members": ["story_id", "article_id"],
}


# ---- corpora and their conversions ---------------------------------------------------------

@dataclass(frozen=True)
class Corpus:
    name: str
    source: str  # relative to the datasets folder
    kind: str  # files | jsonl | conll | html-gz
    note: str


CORPORA = [  # small first; the 10k run last
    Corpus("allsides-txt-300", "allsides/txt-sample-300", "files", ".txt as is"),
    Corpus("conll-dev", "conll2003/conllpp_dev.txt", "conll", "one .txt per -DOCSTART- doc"),
    Corpus("conll-train", "conll2003/conllpp_train.txt", "conll",
           "one .txt per -DOCSTART- doc"),
    Corpus("polnear-dev", "polnear/data/dev/text", "files", ".txt as is"),
    Corpus("polnear-train", "polnear/data/train/text", "files", ".txt as is"),
    Corpus("ecbplus-dev", "ecbplus/ecbplus-dev.jsonl", "jsonl", ".jsonl as is"),
    Corpus("bbc", "bbc", "files", ".txt as is"),
    Corpus("article-extraction", "article_extraction/html", "html-gz",
           ".html.gz decompressed to .html"),
    Corpus("allsides-10k", "allsides/allsides-dev-10k.jsonl.gz", "jsonl", ".jsonl.gz as is"),
]
BY_NAME = {c.name: c for c in CORPORA}


def _files(folder: Path) -> list[Path]:
    """Files below `folder` in the order the pipeline reads them (sorted full paths)."""
    return sorted((p for p in folder.rglob("*") if p.is_file()), key=str)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _nonblank(lines: Iterable[bytes]) -> Iterator[bytes]:
    return (line for line in lines if line.strip())


def conll_documents(lines: Iterable[str]) -> Iterator[str]:
    """CoNLL-2003 (`token POS chunk NER` a line, blank line between sentences, `-DOCSTART-`
    between documents) as document texts: tokens joined with spaces, one sentence a line."""
    doc: list[str] = []
    sentence: list[str] = []
    for line in lines:
        fields = line.split()
        if fields and fields[0] == "-DOCSTART-":
            if sentence:
                doc.append(" ".join(sentence))
            if doc:
                yield "\n".join(doc) + "\n"
            doc, sentence = [], []
        elif not fields:
            if sentence:
                doc.append(" ".join(sentence))
            sentence = []
        else:
            sentence.append(fields[0])
    if sentence:
        doc.append(" ".join(sentence))
    if doc:
        yield "\n".join(doc) + "\n"


def prepare(corpus: Corpus, datasets: Path, work: Path, limit: int | None) -> tuple[Path, int]:
    """The input folder or file to run on, and how many records it holds.

    Formats the pipeline reads are used in place (no limit) or as a copy of their first
    `limit` records; the others are converted into `work`."""
    source = datasets / corpus.source
    if not source.exists():
        raise FileNotFoundError(f"{source} not found")
    out = work / "input"
    if corpus.kind == "files":
        files = _files(source)
        if limit is None:
            return source, len(files)
        _fresh(out)
        for path in files[:limit]:
            target = out / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return out, min(limit, len(files))
    if corpus.kind == "jsonl":
        gz = source.name.endswith(".gz")
        opener: Callable = gzip.open if gz else open
        if limit is None:
            with opener(source, "rb") as fh:
                return source, sum(1 for _ in _nonblank(fh))
        _fresh(out)
        with opener(source, "rb") as src, opener(out / source.name, "wb") as dst:
            lines = list(itertools.islice(_nonblank(src), limit))
            dst.writelines(line if line.endswith(b"\n") else line + b"\n" for line in lines)
        return out / source.name, len(lines)
    if corpus.kind == "conll":
        _fresh(out)
        with open(source, encoding="utf-8") as fh:
            docs = itertools.islice(conll_documents(fh), limit)
            n = 0
            for n, text in enumerate(docs, start=1):
                (out / f"{source.stem}-{n:04d}.txt").write_text(text, encoding="utf-8")
        return out, n
    if corpus.kind == "html-gz":
        _fresh(out)
        pages = [p for p in _files(source) if p.name.endswith(".html.gz")][:limit]
        for path in pages:
            (out / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
        return out, len(pages)
    raise ValueError(f"unknown corpus kind {corpus.kind!r}")


# ---- running the command line, with its process tree's memory ------------------------------

def _proc_table() -> list[tuple[int, int, int, int]]:
    """(pid, ppid, session, rss bytes) of every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    rows = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat.rsplit(b")", 1)[1].split()  # after "pid (comm)": state ppid pgrp session
        rows.append((int(entry.name), int(rest[1]), int(rest[3]), int(rest[21]) * page))
    return rows


def tree_rss(root: int) -> tuple[int, int, int]:
    """(largest process RSS, summed RSS, process count) of `root` and its descendants (by
    parent, and by session for those orphaned by a parent that exited)."""
    rows = _proc_table()
    children = defaultdict(list)
    for pid, ppid, _, _ in rows:
        children[ppid].append(pid)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo += children.get(pid, [])
    rss = [r for pid, _, session, r in rows if pid in tree or session == root]
    return max(rss, default=0), sum(rss), len(rss)


@dataclass
class Run:
    exit: int | None  # None: killed at the time limit
    seconds: float
    peak_mib: float  # largest single process
    tree_mib: float  # whole tree, summed
    maxrss_mib: float  # wait4: the CLI and its reaped descendants, largest
    stdout: str
    stderr: str
    leftover: int = 0  # processes of the run still alive after it exited


def wiredesk_command() -> list[str]:
    script = Path(sys.executable).parent / "wiredesk"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from flows.cli import app; sys.exit(app())"]


def run_cli(args: list[str], env: dict[str, str], log_dir: Path, timeout: float) -> Run:
    """Run `wiredesk <args>` in its own session; sample its tree's memory until it exits."""
    import subprocess

    out_path, err_path = log_dir / "run.stdout", log_dir / "run.stderr"
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([*wiredesk_command(), *args], stdout=out, stderr=err, env=env,
                                start_new_session=True)
    peak = tree = 0
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        largest, total, _ = tree_rss(proc.pid)
        peak, tree = max(peak, largest), max(tree, total)
        if not killed and time.perf_counter() - start > timeout:
            os.killpg(proc.pid, signal.SIGTERM)
            killed = True
            deadline = time.perf_counter() + 20
        elif killed and time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    leftover = _stop_leftovers(proc.pid)
    mib = 2**20
    return Run(None if killed else proc.returncode, seconds,
               max(peak, usage.ru_maxrss * 1024) / mib, tree / mib, usage.ru_maxrss / 1024,
               out_path.read_text(errors="replace"), err_path.read_text(errors="replace"),
               leftover)


def _stop_leftovers(session: int) -> int:
    """Processes of the run's session still alive after it exited: counted, given 15 s, then
    ended (they are this harness's own descendants)."""
    def alive() -> list[int]:
        return [pid for pid, _, s, _ in _proc_table() if s == session and pid != os.getpid()]

    found = len(alive())
    deadline = time.perf_counter() + 15
    while alive() and time.perf_counter() < deadline:
        time.sleep(1)
    if alive():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(session, signal.SIGKILL)
    return found


def run_env(work: Path) -> dict[str, str]:
    """The environment of a run: this checkout's code first; Prefect ephemeral in a home of
    its own under `work` (unless the caller set PREFECT_HOME / PREFECT_API_URL)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("PREFECT_HOME", str(work / "prefect-home"))
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


# ---- reading the outcome back ---------------------------------------------------------------

_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Blocked|Busy|"
                       r"Warning|Failure))(?::\s?(.*))?$")
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
_TASK_FAILED = re.compile(r"Task run '([\w.-]+?)(?:-[0-9a-f]{3})?' - Finished in state "
                          r"Failed")


def crash_summary(stderr: str, stdout: str = "", root: Path = ROOT) -> dict:
    """What stopped a run that left no run record: the exception (type, message), the
    innermost frame in the project's code, and the Prefect task that failed."""
    text = "\n".join([stdout, stderr])
    lines = text.splitlines()
    exc_at = max((i for i, line in enumerate(lines) if _EXC_LINE.match(line.strip())),
                 default=None)
    exception = message = frame = None
    if exc_at is not None:
        match = _EXC_LINE.match(lines[exc_at].strip())
        exception, message = match.group(1), (match.group(2) or "")[:300]
        for line in reversed(lines[:exc_at]):
            if (m := _FRAME.match(line)) and str(root) in m.group(1) \
                    and "/.venv/" not in m.group(1):
                frame = f"{os.path.relpath(m.group(1), root)}:{m.group(2)} {m.group(3)}"
                break
    tasks = sorted(set(_TASK_FAILED.findall(text)))
    errors = [line[len("error: "):] for line in lines if line.startswith("error: ")]
    return {"exception": exception, "message": message, "frame": frame, "tasks": tasks,
            "error": errors[-1][:500] if errors else None}


def _normal(reason: str | None) -> str:
    return re.sub(r"\d+", "N", reason or "(no reason)")[:200]


def failure_key(reason: str | None) -> str:
    """`<stage>: <ExceptionType>: <message>` grouped by stage and exception type."""
    parts = (reason or "(no reason)").split(": ")
    return ": ".join(parts[:2]) if len(parts) > 2 else _normal(reason)


def group(reasons: Iterable[str | None], key: Callable[[str | None], str] = _normal,
          examples: int = 2) -> list[dict]:
    """Reasons grouped by `key`, most frequent first, with a few distinct examples each."""
    counts: Counter = Counter()
    seen: dict[str, list[str]] = defaultdict(list)
    for reason in reasons:
        k = key(reason)
        counts[k] += 1
        if len(seen[k]) < examples and (reason or "") not in seen[k]:
            seen[k].append((reason or "")[:300])
    return [{"reason": k, "count": n, "examples": seen[k]} for k, n in counts.most_common()]


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


# ---- one corpus ----------------------------------------------------------------------------

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


# ---- report ----------------------------------------------------------------------------------

def _n(result: Result, status: str) -> str:
    return str(result.statuses.get(status, 0)) if result.statuses else "–"


def markdown(results: list[Result]) -> str:
    head = ["corpus", "records", "exit", "outcome", "read", "published", "duplicate",
            "rejected", "failed", "quarantined", "accounted", "contract", "bars", "wall s",
            "peak MiB", "tree MiB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        published = _n(r, "published")
        if r.outcome == "blocked" and r.statuses:
            published = f"0 (blocked; {published} held)"
        cells = [
            r.corpus, str(r.records_written if r.records_written is not None else "–"),
            str(r.exit if r.exit is not None else "–"), r.outcome,
            str(sum(r.statuses.values()) if r.statuses else "–"), published,
            _n(r, "duplicate"), _n(r, "rejected"), _n(r, "failed"), _n(r, "quarantined"),
            "yes" if r.statuses and not r.accounting else "no",
            "–" if r.log_source != "lake" and not r.contract else
            ("no" if r.contract else "ok"),
            "met" if r.statuses and not r.bars else "; ".join(r.bars) or "–",
            f"{r.seconds:.0f}" if r.seconds is not None else "–",
            f"{r.peak_mib:,.0f}" if r.peak_mib is not None else "–",
            f"{r.tree_mib:,.0f}" if r.tree_mib is not None else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        details = []
        if r.crash:
            c = r.crash
            what = ": ".join(filter(None, [c.get("exception"), c.get("message")]))
            label = "publish blocked" if r.outcome == "blocked" else "run stopped"
            details.append(f"- {label}: {what or c.get('error') or 'no exception found'}"
                           + (f" at {c['frame']}" if c.get("frame") else "")
                           + (f" (failed task: {', '.join(c['tasks'])})" if c.get("tasks")
                              else ""))
        for b in r.blocked:
            details.append(f"- blocked by {b['expectation']}: {b['observed']}")
        for title, groups in (("failed", r.failed), ("quarantined", r.quarantined),
                              ("rejected", r.rejected)):
            for g in groups:
                details.append(f"- {title} {g['count']}: {g['reason']}"
                               + (f" (e.g. {g['examples'][0]})" if g["examples"]
                                  and g["examples"][0] != g["reason"] else ""))
        if set(r.languages) - {"en"}:
            details.append("- languages: " + ", ".join(f"{k} {v}" for k, v in r.languages.items()))
        details += [f"- accounting: {a}" for a in r.accounting]
        details += [f"- contract: {p}" for p in r.contract]
        if r.leftover_processes:
            details.append(f"- {r.leftover_processes} processes of the run still alive after "
                           "it exited (ended by the harness)")
        if details:
            lines += [f"**{r.corpus}** ({r.note})", "", *details, ""]
    return "\n".join(lines)


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


if __name__ == "__main__":
    sys.exit(main())
