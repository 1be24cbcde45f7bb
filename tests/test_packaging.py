"""What ships: the wheel carries the data files the code reads (lexicons, gold sets, suites),
so an installed `wiredesk` (and `wiredesk eval`) works without a checkout; and modules start
without what they do not need (the command line without the evaluation tooling, the
validation stage without Great Expectations)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
DATA = ["tasks", "evaluation", "expectations"]  # every data file the code reads, anywhere in them
SUFFIXES = (".tsv", ".txt", ".jsonl", ".json", ".md")
PACKAGES = ["flows", "tasks", "evaluation", "expectations", "benchmarks"]


def _not_shipped(folder: str, names: list[str]) -> set[str]:
    skipped = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                      ".*_cache")(folder, names)
    # the sample input and a local lake, and the tests
    return skipped | ({"data", "tests"} if Path(folder) == ROOT else set())


def test_the_wheel_carries_every_data_file(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=_not_shipped)
    # the build backend is the environment's own setuptools: no network
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(source)], check=True)
    wheel, = (tmp_path / "dist").glob("wiredesk-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = {path.relative_to(ROOT).as_posix() for folder in DATA
              for path in (ROOT / folder).rglob("*")
              if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts}
    assert {"evaluation/gold/facts.jsonl", "evaluation/gold/polnear_referents.jsonl",
            "tasks/extract/lexicons/speech_verbs.tsv", "expectations/quotes.json",
            "tasks/junk_lines.txt", "tasks/outlets.tsv",
            "tasks/extract/quotes/speaker_model.json"} <= wanted
    assert wanted <= shipped, sorted(wanted - shipped)
    code = {path.relative_to(ROOT).as_posix() for package in PACKAGES
            for path in (ROOT / package).rglob("*.py")}
    assert code <= shipped, sorted(code - shipped)


@pytest.mark.parametrize("module,not_loaded", [
    ("flows.cli", "evaluation"),  # the production command line, without the scorers
    # a run with nothing new checks its ledger without Great Expectations (2-3 s to import)
    ("tasks.validate", "great_expectations"),
])
def test_a_module_starts_without_what_it_does_not_need(module: str, not_loaded: str) -> None:
    code = (f"import sys, {module}; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] == {not_loaded!r}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
