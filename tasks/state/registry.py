"""Every state a run keeps in `_state/`, with its rebuilder: add a line to register one."""

from __future__ import annotations

from tasks.dedup.index import COPIES
from tasks.ingest.seen import INPUT_FILES, SEEN
from tasks.state import State

STATES: list[State] = [SEEN, INPUT_FILES, COPIES]


def schemas() -> dict[str, object]:
    """Folder below `_state/` -> the schema of its Parquet files (for `wiredesk check`)."""
    return {folder: schema for state in STATES for folder, schema in state.schemas.items()}
