"""`python -m evaluation.copies [allsides.jsonl.gz] [bbc folder]`: see evaluation.copies.command."""

from __future__ import annotations

import sys

from evaluation.copies.command import main

if __name__ == "__main__":
    main(sys.argv[1:])
