"""Copy detection measured: a perturbation benchmark, BBC's natural duplicates, and speed.

Run: python -m evaluation.copies [allsides.jsonl.gz] [bbc folder]. Nothing is copied from the
datasets: the benchmark is generated at evaluation time from allsides-dev-10k with a fixed
seed, and every text goes the real path (tasks.clean.clean_record, then CopyDesk in input
order through tasks.dedup.dedup_batches).

Benchmark: N originals; one copy of each, the kinds taken in turn (KINDS); untouched other
articles as negatives, preferring those published the same day as an original (other
outlets' stories on the same events, the hard case). Order: originals, then copies and
negatives shuffled together. A copy is caught when it is an exact `duplicate` of its original
or published with `duplicate_of` naming it (or the article its original copies; for a
concatenation, either source). Any other verdict that calls an article a copy is a false
positive. Per-kind precision charges every false positive on originals and negatives to
each kind, so it is a lower bound.

The package: `benchmark` (the records built), `scoring` (the real dedup step run and its
verdicts scored), `bbc` (BBC's natural duplicates), `templated` (dedup's worst case), `speed`,
`report`, `command` (`main`, also run by `python -m evaluation.copies`).
"""

from __future__ import annotations

from evaluation.copies.bbc import BBC, BBC_LABELS, BBC_SAMPLE, score_bbc
from evaluation.copies.benchmark import (
    ALLSIDES,
    CURLY,
    FOOTERS,
    HEADERS,
    KINDS,
    SEED,
    STRAIGHT,
    build_benchmark,
    load_allsides,
    perturb,
)
from evaluation.copies.command import main
from evaluation.copies.report import report
from evaluation.copies.scoring import NATURAL_COPIES, NOW, run_desk, score, score_perturbations
from evaluation.copies.speed import score_speed
from evaluation.copies.templated import SLOTS, TEMPLATES, dedup_rows, templated_bodies

__all__ = ["ALLSIDES", "BBC", "BBC_LABELS", "BBC_SAMPLE", "CURLY", "FOOTERS", "HEADERS", "KINDS",
           "NATURAL_COPIES", "NOW", "SEED", "SLOTS", "STRAIGHT", "TEMPLATES", "build_benchmark",
           "dedup_rows", "load_allsides", "main", "perturb", "report", "run_desk", "score",
           "score_bbc", "score_perturbations", "score_speed", "templated_bodies"]
