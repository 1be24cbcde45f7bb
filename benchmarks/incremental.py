"""Incremental benchmark: what a run of new articles costs as the lake grows.

From a corpus (allsides-dev-10k), the 1% newest dated articles are the run's new articles;
the lakes are the N articles before them (for each size: the newest N dated ones, then
undated ones if the dated run out), so that every lake holds the weeks the new articles
reach, thinly or densely, as a lake that grows by days would. Articles are cut to their first
paragraphs, so spaCy's share stays small. Each lake is built once (a `wiredesk run`) and
cached; every measurement copies it and runs the new articles into the copy in a process of
its own (`incremental_probe.py`: per stage the files and bytes it reads from the lake, the
time of the lake-reading steps, and the peak memory of the run and its workers). `code`
points the runs at another checkout (e.g. an export of an older commit) to measure before and
after with the same lakes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = "../shared/datasets/allsides/allsides-dev-10k.jsonl.gz"
DEFAULT_SIZES = (1000, 10000)
NEW_SHARE = 0.01
PARAGRAPHS = 3  # first paragraphs kept of each article
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = HERE / "incremental_probe.py"
# Before a lake's copy is measured its state is rebuilt by the measured code, so the run
# finds it as a steady run would: the registry's states (tasks.state.registry), or for an
# older version these rebuilders (module:function taking a lake URL).
REBUILDERS = ("tasks.cluster.state:rebuild", "tasks.extract.aliases:rebuild")
# The lake-reading steps the bar holds to 1.5x (run summary stages and probe-timed steps).
LAKE_READING = ("seen hashes", "dedup", "cluster", "alias loading")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wiredesk" / "bench-incremental"


def _short(article: dict) -> dict:
    paragraphs = [p for p in (article.get("text") or "").split("\n\n") if p.strip()]
    return {**article, "text": "\n\n".join(paragraphs[:PARAGRAPHS])}


def split(corpus: str, sizes: tuple[int, ...]) -> tuple[list[dict], dict[int, list[dict]]]:
    """(the new articles, {size: the lake's articles})."""
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        rows = [_short(json.loads(line)) for line in fh if line.strip()]
    dated = sorted((r for r in rows if r.get("date")), key=lambda r: (r["date"], r["id"]))
    undated = sorted((r for r in rows if not r.get("date")), key=lambda r: r["id"])
    count = max(1, round(len(rows) * NEW_SHARE))
    new, older = dated[-count:], dated[:-count][::-1] + undated  # newest first
    return new, {size: older[:size] for size in sizes}


def _env(code: Path, home: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code), "PREFECT_HOME": home, "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
            # a busy machine starts Prefect's ephemeral server slowly: wait, do not fail
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
            "PREFECT_API_REQUEST_TIMEOUT": "600"}


def _drop(articles: list[dict], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(a) + "\n" for a in articles)
    return folder


def _run(code: Path, out: Path, drop: Path, lake: Path, home: str, processes: int) -> dict:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(PROBE), str(out), "run", "--input", str(drop), "--lake", str(lake),
         "--processes", str(processes)], env=_env(code, home), capture_output=True, text=True,
        check=False)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"wiredesk run exited {done.returncode}: {done.stderr[-3000:]}")
    probe = json.loads(out.read_text(encoding="utf-8"))
    record = max((json.loads(p.read_text(encoding="utf-8")) for p in (lake / "_runs").glob(
        "*.json")), key=lambda r: r["started_at"])
    return {**probe, "wall_seconds": wall, "stages": record.get("seconds", {})}


def lake_for(corpus: str, size: int, articles: list[dict], code: Path, cache: Path,
             processes: int) -> Path:
    """The cached lake of `size` articles, built by `code` on first use."""
    key = hashlib.sha256(f"{Path(corpus).resolve()}|{size}|{PARAGRAPHS}".encode()).hexdigest()
    folder = cache / f"lake-{size}-{key[:10]}"
    if not (folder / "built.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="wiredesk-bench-") as tmp:
            _run(code, Path(tmp) / "probe.json", _drop(articles, Path(tmp) / "drop"),
                 folder / "lake", tmp, processes)
        (folder / "built.json").write_text(json.dumps({"articles": len(articles)}))
    return folder / "lake"


# Run in the measured code's process before its run: every state rebuilt (the registry's,
# or for a version without one its REBUILDERS), the seconds of each printed as JSON, then
# the lake's health check with its mark dated past the check's slack: the run reads no
# footers of the rebuilt state (a steady run reads those of its predecessor's files only).
_REBUILD = """
import contextlib, importlib, importlib.util, json, os, sys, time
from tasks.lake import Lake
lake = Lake(sys.argv[1])
def found(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False
took = {}
with lake.lock("bench-rebuild") if hasattr(lake, "lock") else contextlib.nullcontext():
    if found("tasks.state.registry"):
        from tasks.state import rebuild
        from tasks.state.registry import STATES
        lake.recover()
        took = rebuild(lake, STATES, "bench")
    else:
        for spec in sys.argv[2:]:
            module, name = spec.split(":")
            if found(module) and hasattr(m := importlib.import_module(module), name):
                start = time.perf_counter()
                getattr(m, name)(sys.argv[1])
                took[spec] = time.perf_counter() - start
    if found("tasks.check") and hasattr(m := importlib.import_module("tasks.check"),
                                        "assert_healthy"):
        m.assert_healthy(lake)
        if hasattr(m, "CHECKED"):  # the mark moved past the check's slack (a local lake)
            later = time.time() + getattr(m, "SLACK_SECONDS", 0) + 1
            os.utime(lake.path(m.CHECKED), (later, later))
print(json.dumps(took))
"""


def rebuild_state(code: Path, lake: Path, home: str) -> dict[str, float]:
    """Seconds each of the code's states takes to rebuild on the lake (empty: it has none)."""
    # cwd: `-c` puts it first on sys.path, before `code`
    done = subprocess.run([sys.executable, "-c", _REBUILD, str(lake), *REBUILDERS], cwd=home,
                          env=_env(code, home), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(corpus: str = DEFAULT_CORPUS, sizes: tuple[int, ...] = DEFAULT_SIZES,
            code: Path = ROOT, cache: Path | None = None, processes: int = 1) -> dict:
    """Per lake size: the new articles' run into a copy of the cached lake."""
    cache = cache or cache_dir()
    new, lakes = split(corpus, sizes)
    result = {"code": str(code), "new_articles": len(new), "runs": {}}
    for size, articles in lakes.items():
        built = lake_for(corpus, size, articles, ROOT, cache, 0)
        with tempfile.TemporaryDirectory(prefix="wiredesk-bench-") as tmp:
            lake = Path(tmp) / "lake"
            shutil.copytree(built, lake)
            rebuilt = rebuild_state(code, lake, tmp)
            run = _run(code, Path(tmp) / "probe.json", _drop(new, Path(tmp) / "new"), lake,
                       tmp, processes)
        result["runs"][str(len(articles))] = {**run, "state_rebuild_seconds": rebuilt}
    return result


def lake_reading(run: dict) -> dict[str, float]:
    """The lake-reading steps' seconds: dedup and cluster from the run summary, seen hashes
    and alias loading as the probe timed them."""
    return {step: run["stages"].get(step, run["timed"].get(step, 0.0)) for step in LAKE_READING}


def project(result: dict, articles: int) -> dict[str, float]:
    """Each measured figure at a lake of `articles`, on the line through the two smallest
    lakes' figures (a figure that did not grow stays put; one that grew, grows linearly)."""
    (small, a), (large, b) = sorted((int(n), run) for n, run in result["runs"].items())[:2]

    def line(x: float, y: float) -> float:
        return max(x, x + (y - x) * (articles - small) / (large - small))
    figures = {"wall seconds": line(a["wall_seconds"], b["wall_seconds"]),
               "peak MiB": line(a["peak_mib"], b["peak_mib"]),
               "bytes read from the lake": line(*(sum(v["bytes"] for v in r["read"].values())
                                                  for r in (a, b)))}
    for step in LAKE_READING:
        figures[f"{step} s"] = line(lake_reading(a)[step], lake_reading(b)[step])
    for stage in sorted(set(a["read"]) | set(b["read"])):
        figures[f"read by {stage} (bytes)"] = line(
            *(r["read"].get(stage, {}).get("bytes", 0) for r in (a, b)))
    return figures


def _where(run: dict, stage: str, folder: str) -> list[int]:
    """[files, bytes] the run read in a folder of the lake in a stage."""
    return run.get("where", {}).get(stage, {}).get(folder, [0, 0])


def table(result: dict) -> str:
    runs = result["runs"]
    sizes = list(runs)
    lines = [f"{result['new_articles']} new articles into lakes of {', '.join(sizes)} "
             f"(code: {result['code']})",
             f"{'':40}" + "".join(f"{s:>14}" for s in sizes) + f"{'ratio':>8}"]

    def row(label: str, values: list[float], fmt: str = "{:,.2f}") -> None:
        ratio = values[-1] / values[0] if values[0] else float("nan")
        lines.append(f"{label:40}" + "".join(f"{fmt.format(v):>14}" for v in values)
                     + f"{ratio:>8.2f}")

    row("wall seconds", [runs[s]["wall_seconds"] for s in sizes])
    row("peak MiB", [runs[s]["peak_mib"] for s in sizes], "{:,.0f}")
    row("bytes read from the lake", [sum(v["bytes"] for v in runs[s]["read"].values())
                                     for s in sizes], "{:,.0f}")
    row("files read from the lake", [sum(v["files"] for v in runs[s]["read"].values())
                                     for s in sizes], "{:,.0f}")
    row("lake-reading steps seconds", [sum(lake_reading(runs[s]).values()) for s in sizes])
    for step in LAKE_READING:
        row(f"  {step} s", [lake_reading(runs[s])[step] for s in sizes])
    stages = sorted({stage for s in sizes for stage in runs[s]["stages"]})
    for stage in stages:
        row(f"stage {stage} s", [runs[s]["stages"].get(stage, 0.0) for s in sizes])
    for stage in sorted({stage for s in sizes for stage in runs[s]["read"]}):
        row(f"read by {stage} (bytes)", [runs[s]["read"].get(stage, {}).get("bytes", 0)
                                         for s in sizes], "{:,.0f}")
        row(f"read by {stage} (files)", [runs[s]["read"].get(stage, {}).get("files", 0)
                                         for s in sizes], "{:,.0f}")
    lines.append("bytes read by stage and folder (partitions and buckets as *):")
    where = {(stage, folder) for s in sizes for stage, folders in runs[s].get("where", {}).items()
             for folder in folders}
    for stage, folder in sorted(where, key=lambda w: -_where(runs[sizes[-1]], *w)[1]):
        row(f"  {stage}: {folder}"[:40], [_where(runs[s], stage, folder)[1] for s in sizes],
            "{:,.0f}")
    rebuilt = sorted({name for s in sizes for name in runs[s]["state_rebuild_seconds"]})
    for name in rebuilt:
        row(f"rebuild {name} s", [runs[s]["state_rebuild_seconds"].get(name, 0.0)
                                  for s in sizes])
    if len(sizes) > 1:
        lines.append("projected to 10,000,000 articles (linear in the lake size from the two "
                     "smallest lakes):")
        lines += [f"  {name:36}{value:>16,.1f}" for name, value in
                  project(result, 10_000_000).items()]
    return "\n".join(lines)

