"""Shared fixtures: the sample input, and Prefect kept local and quiet for tests."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from servers import s3_bucket, s3_env  # noqa: F401 - SeaweedFS S3 on loopback, for any test

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"
DATASETS = ROOT.parent / "shared" / "datasets"
_VALUES = {pa.string(): "x", pa.int32(): 1, pa.int64(): 1, pa.float64(): 0.5,
           pa.date32(): dt.date(2024, 8, 20), pa.timestamp("us", tz="UTC"):
           dt.datetime(2024, 8, 20, tzinfo=dt.UTC), pa.list_(pa.string()): ["x"],
           pa.list_(pa.uint32()): [1, 2]}


def glob_now(root: Path, pattern: str) -> list[Path]:
    """root.glob(pattern) while another process adds and removes folders below root: Python
    3.11's glob fails when a folder it is walking goes, so look again."""
    for _ in range(100):
        try:
            return list(root.glob(pattern))
        except FileNotFoundError:
            continue
    raise FileNotFoundError(f"{root}/{pattern} kept changing while it was listed")


def sample_value(type_: pa.DataType) -> object:
    """A value of a table column's type, for rows built by tests; a list of structs (the
    story desk's figures) holds one."""
    if pa.types.is_list(type_) and pa.types.is_struct(type_.value_type):
        return [{f.name: sample_value(f.type) for f in type_.value_type}]
    return _VALUES[type_]

# Prefect reads its settings at import: point it at a throwaway home before any test imports it.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="wiredesk-prefect-"))
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The ephemeral server gets 20 s to start by default; a busy 2-core machine can need more.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
