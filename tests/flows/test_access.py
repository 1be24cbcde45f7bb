"""Input and lake roots: a worker started with them refuses every other path."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.access import INPUT_ROOTS, LAKE_ROOTS, PathNotAllowed, check_paths
from flows.cli import app


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "raw").mkdir()
    (tmp_path / "lakes").mkdir()
    monkeypatch.setenv(INPUT_ROOTS, f"{tmp_path / 'raw'}, s3://news/landing")
    monkeypatch.setenv(LAKE_ROOTS, str(tmp_path / "lakes"))
    return tmp_path


def test_paths_under_their_roots_pass(roots: Path) -> None:
    check_paths(str(roots / "raw"), str(roots / "lakes" / "daily"))
    check_paths(str(roots / "raw" / "2026" / "12"), f"file://{roots / 'lakes' / 'a'}")
    check_paths("s3://news/landing/today/", str(roots / "lakes" / "a"))


@pytest.mark.parametrize("input, lake", [
    ("/etc", "lakes/a"),                                  # another folder
    ("{root}/raw/../../etc", "{root}/lakes/a"),            # climbing out with ..
    ("{root}/raw2", "{root}/lakes/a"),                     # a sibling sharing the prefix
    ("{root}/raw", "{root}/raw/lake"),                     # a lake under an input root
    ("{root}/link", "{root}/lakes/a"),                     # a link pointing out
    ("s3://news/landing-other", "{root}/lakes/a"),         # a bucket prefix's sibling
    ("s3://news/landing/../secret", "{root}/lakes/a"),     # .. in an object key
    ("gs://news/landing", "{root}/lakes/a"),               # another protocol
])
def test_paths_elsewhere_are_refused(roots: Path, input: str, lake: str) -> None:
    (roots / "link").symlink_to("/etc")
    with pytest.raises(PathNotAllowed, match="outside the folders this worker may use"):
        check_paths(input.format(root=roots), lake.format(root=roots))


def test_no_roots_means_any_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(INPUT_ROOTS, raising=False)
    monkeypatch.delenv(LAKE_ROOTS, raising=False)
    check_paths("/etc", "/tmp/anywhere")


def test_the_command_line_refuses_before_reading(roots: Path) -> None:
    lake = roots / "elsewhere"
    result = CliRunner().invoke(app, ["run", "--input", "/etc", "--lake", str(lake)])
    assert result.exit_code == 2
    assert "input '/etc' is outside the folders this worker may use" in result.output
    assert not lake.exists()  # nothing created either
