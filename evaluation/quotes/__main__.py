"""`python -m evaluation.quotes [root] [split] [docbin-cache]`: the PolNeAR scores, printed."""

from __future__ import annotations

import sys

from evaluation.quotes import DEFAULT_ROOT, report, score_polnear

if __name__ == "__main__":
    args = sys.argv[1:]
    print(report(score_polnear(args[0] if args else DEFAULT_ROOT,
                               args[1] if len(args) > 1 else "dev",
                               args[2] if len(args) > 2 else None)))
