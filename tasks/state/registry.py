"""Every state a run keeps in `_state/`, with its rebuilder: add a line to register one."""

from __future__ import annotations

from tasks.dedup.index import COPIES
from tasks.extract.aliases import ALIASES
from tasks.ingest.seen import INPUT_FILES, SEEN
from tasks.lake import Lake
from tasks.state import State
from tasks.story_desk import state as desk


def _stories(lake: Lake, tag: str) -> None:
    from tasks.cluster.state import rebuild  # scikit-learn: imported when needed

    rebuild(lake)


# Stories keep a version in their folder name (`v2`) and a READY.json of their own, and
# rebuild themselves when it is missing; registered here so that `wiredesk rebuild-state`
# and `check --repair` reach them too. Their schemas stay with them (the module is slow to
# import), so `check` reads their files' footers without a schema.
STATES: list[State] = [SEEN, INPUT_FILES, COPIES, State("stories", 2, _stories), ALIASES,
                       State("desk", desk.VERSION, desk.rebuild, {"desk": desk.SCHEMA})]


def schemas() -> dict[str, object]:
    """Folder below `_state/` -> the schema of its Parquet files (for `wiredesk check`)."""
    return {folder: schema for state in STATES for folder, schema in state.schemas.items()}
