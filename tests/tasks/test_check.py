"""`wiredesk check`: every way a lake can be damaged is named with its path and its repair;
`--repair` moves what is broken aside, and a run refuses a damaged lake with one line."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import sample_value
from typer.testing import CliRunner

from flows.cli import app
from tasks.check import assert_healthy, check, repair
from tasks.lake import Lake, LakeBusy, LakeCorrupt, LakeFull
from tasks.schemas import ADDED_COLUMNS, PARTITIONED, SNAPSHOTS, TABLES, conform

DAY = "2024-08-20"
def _row(schema: pa.Schema) -> dict:
    return {f.name: sample_value(f.type) for f in schema}


def _publish(lake: Lake, run_id: str) -> None:
    from tasks.dedup import MINHASH_SCHEMA, NUM_PERM
    from tasks.dedup.index import state_rows

    tables = {name: conform(name, [_row(TABLES[name])], run_id=run_id)
              for name in [*PARTITIONED, *SNAPSHOTS]}
    minhash = {**_row(MINHASH_SCHEMA), "article_id": "ab" * 8, "signature": [1] * NUM_PERM}
    state = state_rows(pa.Table.from_pylist([minhash], MINHASH_SCHEMA))
    lake.publish(run_id, DAY, tables, state, {"run_id": run_id})


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    _publish(Lake(str(root)), "r1")
    return root


def _part(root: Path, table: str) -> Path:
    return next((root / table).glob("ingest_date=*/*.parquet"))


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\x00{")


def _dead_pid() -> int:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    return dead.pid


def _stale_lock(root: Path) -> None:
    import socket

    lock = root / "_state" / "lock" / "0000000001.json"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"run_id": "dead-run", "host": socket.gethostname(),
                                "pid": _dead_pid(), "beat": "2024-08-20T00:00:00+00:00"}))


def _half_published(root: Path) -> None:  # a run killed between two renames
    lake = Lake(str(root))
    real_mv = lake.fs.mv

    def dies(src: str, dst: str, **kw: object) -> None:
        if dst.endswith("part-r2-0000.parquet") and "/mentions/" in dst:
            raise OSError("killed")
        real_mv(src, dst, **kw)

    lake.fs.mv = dies
    try:
        with pytest.raises(OSError):
            _publish(lake, "r2")
    finally:
        lake.fs.mv = real_mv


# what is done to the lake -> (the path named, what the problem says, what repair says)
DAMAGES: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    "cut articles": (lambda r: _cut(_part(r, "articles")), "articles/ingest_date=2024-08-20/"
                     "part-r1-0000.parquet", "cannot be read as Parquet (no Parquet footer",
                     "--repair moves it aside (its articles leave the table"),
    "junk parquet": (lambda r: (r / "ingest_log" / "junk.parquet").write_text("<html>"),
                     "ingest_log/junk.parquet", "cannot be read as Parquet",
                     "its records are read again by the next run"),
    "cut mentions": (lambda r: _cut(_part(r, "mentions")), "mentions/ingest_date=2024-08-20/",
                     "cannot be read as Parquet", "--repair moves it aside"),
    "wrong schema": (lambda r: shutil.copy(_part(r, "dates"), _part(r, "quotes").parent /
                                           "part-x.parquet"), "quotes/ingest_date=2024-08-20/"
                     "part-x.parquet", "has not the declared schema of quotes (missing quote_id",
                     "--repair moves it aside"),
    "cut signatures": (lambda r: _cut(next((r / "_state/copies/signatures").glob("*/*.parquet"))),
                       "_state/copies/signatures/b=", "cannot be read as Parquet",
                       "the next run rebuilds that state from the published tables"),
    "garbage journal": (lambda r: _garbage(r / "_state" / "journal" / "r7.json"),
                        "_state/journal/r7.json", "is not a readable publish journal",
                        "the publish it describes is dropped"),
    "garbage run record": (lambda r: (r / "_runs" / "r1.json").write_text("{\"run"),
                           "_runs/r1.json", "is not a readable run record",
                           "the run's tables are untouched"),
    "no stories": (lambda r: (r / "stories" / "stories.parquet").unlink(),
                   "stories/stories.parquet", "missing (the lake has articles)",
                   "redrawn by the next run that publishes"),
    "stale lock": (_stale_lock, "_state/lock/0000000001.json", "lock left by run dead-run, "
                   "which is gone (its process", "the next run takes it over; --repair lets it go"),
    "half published": (_half_published, "_state/journal/r2.json",
                       "the publish of run r2 was cut short (readers see part of it)",
                       "finished by the next run, or now by --repair"),
}


def test_a_healthy_lake_has_no_problem(lake: Path) -> None:
    assert check(Lake(str(lake))) == [] and check(Lake(str(lake)), deep=True) == []
    assert_healthy(Lake(str(lake)))
    result = CliRunner().invoke(app, ["check", "--lake", str(lake)])
    assert result.exit_code == 0 and result.output == f"{lake}: healthy\n"


@pytest.mark.parametrize("damage", DAMAGES)
def test_each_damage_is_named_with_its_path_and_repair(lake: Path, damage: str) -> None:
    do, path, problem, fix = DAMAGES[damage]
    do(lake)
    problems = check(Lake(str(lake)))
    assert len(problems) == 1, problems
    assert problems[0].path.startswith(f"{lake}/{path}")
    assert problem in problems[0].problem and fix in problems[0].repair
    result = CliRunner().invoke(app, ["check", "--lake", str(lake)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"problem: {problems[0]}", f"{lake}: 1 problem"]


def test_repair_moves_damage_aside_and_the_lake_reads_again(lake: Path) -> None:
    before = {p: p.read_bytes() for p in [_part(lake, "articles"), _part(lake, "mentions")]}
    for damage in DAMAGES:
        if damage not in ("stale lock", "garbage journal"):  # journal: the next run finishes r2
            DAMAGES[damage][0](lake)
    _stale_lock(lake)
    cut = {p: p.read_bytes() for p in before}
    result = CliRunner().invoke(app, ["check", "--lake", str(lake), "--repair"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == f"{lake}: healthy"  # r2's publish, finished, redrew the snapshots
    assert "repaired: let go the lock left by run dead-run" in lines[0]
    assert "repaired: finished the interrupted publish of run r2" in lines
    aside = next((lake / "_quarantine" / "_corrupt").iterdir())
    for path, data in cut.items():  # moved, never deleted: byte for byte
        assert not path.exists() and (aside / path.relative_to(lake)).read_bytes() == data
    moved = json.loads((aside / "moved.json").read_text())["files"]
    assert {m["path"] for m in moved} == {
        str(p.relative_to(lake)) for p in before} | {
        "ingest_log/junk.parquet", "quotes/ingest_date=2024-08-20/part-x.parquet",
        "_state/copies/signatures/b=011/part-r1.parquet", "_runs/r1.json"}
    fixed = Lake(str(lake))
    assert fixed.read("articles").num_rows == 1  # r2's; r1's was cut and moved aside
    assert fixed.read("ingest_log") and fixed.read("mentions").num_rows == 1
    assert not list(lake.rglob("*.tmp")) and not list(lake.glob("_state/journal/*"))
    lock = json.loads(max((lake / "_state" / "lock").glob("*.json")).read_text())
    assert lock["run_id"].startswith("check-repair-") and lock["released"]


def test_a_garbage_journal_is_moved_aside_and_the_lake_unstuck(lake: Path) -> None:
    DAMAGES["garbage journal"][0](lake)
    with pytest.raises(LakeCorrupt):
        Lake(str(lake)).recover()  # what every run did first: stuck
    assert repair(Lake(str(lake)))[0].startswith(f"moved {lake}/_state/journal/r7.json aside")
    assert Lake(str(lake)).recover() == [] and check(Lake(str(lake))) == []


def test_deep_reads_every_page(lake: Path) -> None:
    part = _part(lake, "articles")
    data = bytearray(part.read_bytes())
    body = pq.read_metadata(part).row_group(0).column(TABLES["articles"].get_field_index("body"))
    for i in range(body.data_page_offset, body.data_page_offset + 16):
        data[i] ^= 0xFF  # damage inside the file; its footer is intact
    part.write_bytes(bytes(data))
    assert check(Lake(str(lake))) == []
    (problem,) = check(Lake(str(lake)), deep=True)
    assert problem.path == str(part) and "cannot be read as Parquet" in problem.problem
    result = CliRunner().invoke(app, ["check", "--lake", str(lake), "--deep"])
    assert result.exit_code == 2 and str(part) in result.output


def test_repair_waits_for_the_run_writing_the_lake(lake: Path) -> None:
    _cut(_part(lake, "articles"))
    with Lake(str(lake)).lock("busy-run"):
        with pytest.raises(LakeBusy):
            repair(Lake(str(lake)))
        result = CliRunner().invoke(app, ["check", "--lake", str(lake), "--repair"])
        assert result.exit_code == 2 and "being written by run busy-run" in result.output
        assert _part(lake, "articles").exists()
        listed = CliRunner().invoke(app, ["check", "--lake", str(lake)])  # reading is fine
        assert "note: run busy-run is writing the lake" in listed.output


def test_check_of_no_lake_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--lake", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no lake at" in result.output


def test_assert_healthy_is_one_line_naming_the_file_and_the_command(lake: Path) -> None:
    # A cut mentions file is never read by a run: only this check stops a run publishing on
    # top of it (readers of mentions would fail from then on).
    _cut(_part(lake, "mentions"))
    DAMAGES["garbage run record"][0](lake)  # not a publish's concern
    with pytest.raises(LakeCorrupt) as damaged:
        assert_healthy(Lake(str(lake)))
    assert str(damaged.value) == (
        f"{_part(lake, 'mentions')} cannot be read as Parquet (no Parquet footer: cut short, "
        f"or not Parquet); run `wiredesk check --repair --lake {lake}` to move it aside")


@pytest.mark.parametrize("damage", ["cut articles", "cut mentions", "garbage journal"])
def test_a_run_on_a_damaged_lake_is_exit_2_with_one_line(lake: Path, seeds: Path,
                                                         damage: str) -> None:
    do, path, problem, _ = DAMAGES[damage]
    do(lake)
    result = CliRunner().invoke(app, ["run", "--input", str(seeds), "--lake", str(lake),
                                      "--processes", "1"])
    assert result.exit_code == 2, result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith(f"error: {lake}/{path}") and problem in error
    assert "wiredesk check --repair" in error and "Traceback" not in result.output


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 4096)
    with open(filler, "r+b") as fh:  # give back a few pages
        fh.truncate(filler.stat().st_size - leave)
    return filler


def test_a_full_disk_is_a_clear_error_and_the_next_run_recovers(small_disk: Path) -> None:
    root = small_disk / "lake"
    _publish(Lake(str(root)), "r1")
    filler = _fill(small_disk, leave=3 * 4096)  # room for a lock, not for a publish
    lake = Lake(str(root))
    with pytest.raises(LakeFull) as full, lake.lock("r2"):
        _publish(lake, "r2")
    assert str(full.value).startswith(f"{root}/")
    assert "cannot be written: the lake's storage is full (No space left on device)" in str(
        full.value)
    assert "\n" not in str(full.value)
    assert not list(root.rglob("*r2*")) and not list(root.rglob("*.tmp"))  # nothing of r2
    lock = json.loads(max((root / "_state" / "lock").glob("*.json")).read_text())
    assert lock["run_id"] == "r2" and lock["released"]  # let go even on a full disk
    assert check(lake) == []
    filler.unlink()  # a roomier lake
    with lake.lock("r3"):
        lake.recover()
        _publish(lake, "r2")
    assert lake.read("articles").num_rows == 2 and check(lake) == []


def test_a_file_from_before_a_column_was_added_is_healthy_and_reads_it_null(lake: Path) -> None:
    """articles.source_name_source came with schema version 2: older files lack it."""
    path = _part(lake, "articles")
    old = pq.read_table(path)
    for name in ADDED_COLUMNS["articles"]:
        old = old.drop_columns([name])
    pq.write_table(old, path)
    assert check(Lake(str(lake))) == []
    read = Lake(str(lake)).read("articles", ["article_id", "source_name_source"])
    assert read.column_names == ["article_id", "source_name_source"]
    assert read["source_name_source"].to_pylist() == [None]
    assert Lake(str(lake)).read("articles").column_names == TABLES["articles"].names
    # a file that lacks a column not added later is still damaged
    pq.write_table(old.drop_columns(["title"]), path)
    assert "missing title" in check(Lake(str(lake)))[0].problem


def _age(root: Path, seconds: float) -> None:
    for path in root.rglob("*"):
        stamp = path.stat()
        os.utime(path, (stamp.st_atime - seconds, stamp.st_mtime - seconds))


def test_a_run_checks_only_what_was_written_since_the_last_check(
        lake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tasks.check as check_module

    _age(lake, 600)  # r1 was published ten minutes ago
    assert_healthy(Lake(str(lake)))  # no mark yet: every footer, then the mark
    opened: list[str] = []
    real = check_module._parquet_problem
    monkeypatch.setattr(check_module, "_parquet_problem",
                        lambda lk, path, *rest: opened.append(path) or real(lk, path, *rest))
    assert_healthy(Lake(str(lake)))
    assert opened == []  # nothing written since
    _publish(Lake(str(lake)), "r2")
    assert_healthy(Lake(str(lake)))
    written = json.loads((lake / "_runs" / "r2.json").read_text())["files"]
    assert sorted(opened) == sorted(written)  # r2's files (and the snapshots it replaced)
    cut = _part(lake, "mentions")
    _cut(cut)  # a file cut: its time is new, so it is read
    with pytest.raises(LakeCorrupt, match="mentions"):
        assert_healthy(Lake(str(lake)))
    cut.unlink()
    _garbage(lake / "_state" / "journal" / "r9.json")  # journals: every one, every time
    with pytest.raises(LakeCorrupt, match="r9.json"):
        assert_healthy(Lake(str(lake)))
