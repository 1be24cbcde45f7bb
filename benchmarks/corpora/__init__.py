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

The package: `inputs` (the corpora and their conversions), `process` (the command line run, its
memory sampled), `lake` (the outcome read back, the contract checked), `reasons` (crashes and
reasons grouped), `outcome` (one corpus: its Result and the bars), `report` (Markdown),
`command` (`main`, run by `python -m benchmarks.corpora`).
"""

from __future__ import annotations

from benchmarks.corpora.command import main
from benchmarks.corpora.inputs import (
    BY_NAME,
    CORPORA,
    DATASETS,
    ROOT,
    WORK,
    Corpus,
    conll_documents,
    prepare,
)
from benchmarks.corpora.lake import UNIQUE_KEYS, contract_problems, languages, read_run
from benchmarks.corpora.outcome import MAX_FAILED, MAX_QUARANTINED, Result, evaluate, run_corpus
from benchmarks.corpora.process import (
    SAMPLE_SECONDS,
    Run,
    run_cli,
    run_env,
    tree_rss,
    wiredesk_command,
)
from benchmarks.corpora.reasons import crash_summary, failure_key, group
from benchmarks.corpora.report import markdown

__all__ = ["BY_NAME", "CORPORA", "DATASETS", "MAX_FAILED", "MAX_QUARANTINED", "ROOT",
           "SAMPLE_SECONDS", "UNIQUE_KEYS", "WORK", "Corpus", "Result", "Run", "conll_documents",
           "contract_problems", "crash_summary", "evaluate", "failure_key", "group", "languages",
           "main", "markdown", "prepare", "read_run", "run_cli", "run_corpus", "run_env",
           "tree_rss", "wiredesk_command"]
