"""Shared fixtures: the sample input, and Prefect kept local and quiet for tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from servers import s3_bucket, s3_env  # noqa: F401 - SeaweedFS S3 on loopback, for any test

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"
DATASETS = ROOT.parent / "shared" / "datasets"

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
