"""`wiredesk eval copies` and `python -m evaluation.copies [allsides.jsonl.gz] [bbc folder]`:
the benchmark, BBC and speed, each printed as it is done."""

from __future__ import annotations

from evaluation.copies.bbc import BBC, score_bbc
from evaluation.copies.benchmark import ALLSIDES
from evaluation.copies.report import report
from evaluation.copies.scoring import score_perturbations
from evaluation.copies.speed import score_speed


def main(argv: list[str]) -> None:
    corpus, bbc_root = (argv + [ALLSIDES, BBC][len(argv):])[:2]
    bench = score_perturbations(corpus)
    print(report(bench), flush=True)
    print(report(bbc=score_bbc(bbc_root)), flush=True)
    print(report(speed=score_speed(corpus, templated=(10_000, 100_000))))
