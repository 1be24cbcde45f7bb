"""What later runs need, kept in the lake's `_state/`: read in part, rebuilt when missing.

Each kind of state (seen content hashes, the input file log, near-duplicate signatures and
bands, ...) is a `State`: a folder below `_state/`, a version, and a function that rebuilds
it from the published tables. `registry.STATES` lists them; a state whose version marker
(`_state/<name>/_version.json`) is missing or names another version is rebuilt by the next
run before it reads the lake, or by `wiredesk rebuild-state`. The marker is written last,
so a rebuild cut short is started again.

A run adds to a state only through the lake's publish journal (Lake.publish's `state`), so
a blocked run adds nothing and a publish that dies half-way is rolled forward with it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from tasks.lake import Lake


@dataclass(frozen=True)
class State:
    name: str  # its folder below _state/
    version: int  # raise it when the layout or the meaning of the rows changes
    rebuild: Callable[[Lake, str], None]  # (lake, tag for file names): state from the tables
    schemas: dict[str, pa.Schema] = field(default_factory=dict)  # folder -> its files' schema

    def marker(self, lake: Lake) -> str:
        return lake.path("_state", self.name, "_version.json")

    def current(self, lake: Lake) -> bool:
        try:
            with lake.fs.open(self.marker(lake), "rb") as fh:
                return json.loads(fh.read()).get("version") == self.version
        except (FileNotFoundError, ValueError, AttributeError):
            return False


def stale(lake: Lake, states: Iterable[State]) -> list[State]:
    """The states that are missing or were written by another version."""
    return [s for s in states if not s.current(lake)]


def rebuild(lake: Lake, states: Iterable[State], tag: str) -> dict[str, float]:
    """Rebuild `states` from the published tables; seconds each took. Hold the lake's lock,
    and finish interrupted publishes first (Lake.recover): the tables must be whole."""
    took = {}
    for state in states:
        started = time.perf_counter()
        if lake.fs.exists(state.marker(lake)):
            lake.fs.rm(state.marker(lake))  # a rebuild cut short must not look current
        state.rebuild(lake, tag)
        lake.write_json({"version": state.version,
                         "rebuilt_at": dt.datetime.now(dt.UTC).isoformat()}, state.marker(lake))
        took[state.name] = round(time.perf_counter() - started, 3)
    return took
