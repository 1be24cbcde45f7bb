"""The input file log and the seen content hashes: what ingest skips and marks, and what a
published run adds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.ingest import ingest_task, records_table
from tasks.ingest.record import Record
from tasks.ingest.seen import (
    FILES_TABLE,
    SEEN,
    SEEN_TABLE,
    file_versions,
    files_done,
    new_hashes,
)
from tasks.lake import Lake
from tasks.schemas import conform
from tasks.state import rebuild


def _ingest(drop: Path, lake: Path) -> tuple[object, list[dict]]:
    staging = str(lake / "_state" / "staging" / "r")
    out = ingest_task.fn(str(drop), str(lake), staging, 2**20, 100)
    rows = [r for p in out.batches for r in pq.read_table(p).to_pylist()]
    return out, rows


def _publish_read(lake: Path, out, rows: list[dict], run_id: str = "r1") -> None:
    """What publish_task adds to the state for this ingest, its records all published."""
    log = records_table([Record(r["source_uri"], r["content_sha256"], r["bytes"],
                                r["status"] or "published") for r in rows])
    read = pa.concat_tables([pq.read_table(p) for p in out.files])
    state = SEEN_TABLE.split(new_hashes(log)) | FILES_TABLE.split(files_done(read, log))
    Lake(str(lake)).publish(run_id, "2024-08-20", {}, state, {"run_id": run_id})


def _drop(tmp_path: Path) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.txt").write_text("The harbour reopened on Monday after a week of storms.")
    (drop / "b.jsonl").write_text("".join(json.dumps({"text": f"Line {i} of the wire."}) + "\n"
                                          for i in range(3)))
    return drop


def test_unchanged_files_are_skipped_unread_and_changed_ones_read(tmp_path: Path) -> None:
    drop, lake = _drop(tmp_path), tmp_path / "lake"
    out, rows = _ingest(drop, lake)
    assert (out.unchanged, len(rows)) == (0, 4) and len(out.files) == 1
    _publish_read(lake, out, rows)
    again, rows = _ingest(drop, lake)
    assert (again.unchanged, rows, again.files) == (2, [], [])
    stamp = (drop / "a.txt").stat()
    os.utime(drop / "a.txt", (stamp.st_atime, stamp.st_mtime + 5))  # touched, same bytes
    with (drop / "b.jsonl").open("a") as fh:
        fh.write(json.dumps({"text": "A new line."}) + "\n")
    changed, rows = _ingest(drop, lake)
    assert changed.unchanged == 0
    assert [r["status"] for r in rows] == ["already_seen"] * 4 + [None]


def test_a_file_with_a_record_to_read_again_is_not_logged(tmp_path: Path) -> None:
    uris = ["/in/a.txt", "/in/b.jsonl", "/in/c#1.txt", "/in/d.jsonl"]
    read = file_versions({"uri": u, "size": 1, "mtime": 1.0} for u in uris)
    log = conform("ingest_log", [
        {"source_uri": "/in/a.txt", "content_sha256": "1", "bytes": 1, "status": "published"},
        {"source_uri": "/in/b.jsonl#2", "content_sha256": "2", "bytes": 1, "status": "failed"},
        {"source_uri": "/in/c#1.txt", "content_sha256": "3", "bytes": 1, "status": "rejected"},
        {"source_uri": "/in/d.jsonl#1", "content_sha256": "4", "bytes": 1,
         "status": "already_seen"}], run_id="r1")
    assert files_done(read, log)["uri"].to_pylist() == ["/in/a.txt", "/in/d.jsonl"]


def test_a_run_that_does_not_publish_leaves_its_files_to_be_read_again(tmp_path: Path) -> None:
    drop, lake = _drop(tmp_path), tmp_path / "lake"
    _ingest(drop, lake)  # staged, never published (blocked, or the process died)
    again, rows = _ingest(drop, lake)
    assert (again.unchanged, len(rows)) == (0, 4)


def test_seen_hashes_are_rebuilt_from_the_ledger_without_retried_records(
        tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    log = conform("ingest_log", [
        {"source_uri": f"f{i}", "content_sha256": h, "bytes": 1, "status": status}
        for i, (h, status) in enumerate([("a" * 64, "published"), ("b" * 64, "rejected"),
                                         ("c" * 64, "duplicate"), ("d" * 64, "failed"),
                                         ("a" * 64, "already_seen")])], run_id="r1")
    lake.publish("r1", "2024-08-20", {"ingest_log": log}, {}, {"run_id": "r1"})
    rebuild(lake, [SEEN], "t1")
    found = SEEN_TABLE.lookup(lake, ["a" * 64, "b" * 64, "c" * 64, "d" * 64])
    assert sorted(found["content_sha256"].to_pylist()) == ["a" * 64, "c" * 64]


def test_a_publish_cut_short_logs_its_files_when_rolled_forward_not_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drop, lake = _drop(tmp_path), tmp_path / "lake"
    out, rows = _ingest(drop, lake)
    fs = Lake(str(lake)).fs  # fsspec's one local file system: Lake(...) shares it
    real_mv, renamed = fs.mv, []

    def power_cut(src: str, dst: str, **kw: object) -> None:
        if "/_state/" in dst and "journal" not in dst and dst.endswith(".parquet"):
            renamed.append(dst)
            if len(renamed) == 2:  # the journal is written: the publish is committed
                raise OSError("power cut")
        real_mv(src, dst, **kw)

    monkeypatch.setattr(fs, "mv", power_cut)
    with pytest.raises(OSError, match="power cut"):
        _publish_read(lake, out, rows)
    monkeypatch.setattr(fs, "mv", real_mv)
    assert Lake(str(lake)).recover() == ["r1"]
    again, rows = _ingest(drop, lake)
    assert (again.unchanged, rows) == (2, [])


def test_a_publish_cut_before_its_journal_leaves_the_files_to_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drop, lake = _drop(tmp_path), tmp_path / "lake"
    out, rows = _ingest(drop, lake)
    fs = Lake(str(lake)).fs
    real_put = Lake._put_json

    def dies(self: Lake, obj: object, path: str) -> None:
        if "journal" in path:
            raise OSError("killed before the journal")
        real_put(self, obj, path)

    monkeypatch.setattr(Lake, "_put_json", dies)
    with pytest.raises(OSError, match="before the journal"):
        _publish_read(lake, out, rows)
    monkeypatch.undo()
    assert Lake(str(lake)).recover() == [] and fs.exists(str(lake))
    again, rows = _ingest(drop, lake)
    assert (again.unchanged, len(rows)) == (0, 4)
