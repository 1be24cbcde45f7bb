"""`python -m benchmarks.corpora [--only NAME] ...`: see benchmarks.corpora.command."""

from __future__ import annotations

import sys

from benchmarks.corpora.command import main

if __name__ == "__main__":
    sys.exit(main())
