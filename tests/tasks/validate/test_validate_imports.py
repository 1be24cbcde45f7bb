"""Importing the validation stage does not import Great Expectations (2-3 s): a run with
nothing new checks its ledger without it, and the command line starts without it."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e  # a subprocess: a fresh interpreter's modules

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_the_stage_imports_without_great_expectations() -> None:
    code = ("import sys, tasks.validate; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'great_expectations'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
