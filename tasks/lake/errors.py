"""What can go wrong with a lake, as exceptions the command line turns into exit 2."""

from __future__ import annotations


class LakeError(RuntimeError):
    """The lake cannot be reached or written."""


class LakeBusy(LakeError):
    """Another run is writing the lake. `holder`: that run's lock record, when read."""

    def __init__(self, message: str, holder: dict | None = None):
        super().__init__(message)
        self.holder = holder or {}


class LakeCorrupt(LakeError):
    """A file of the lake cannot be read, or is not what it should be. The message is one
    line: the path, what is wrong, and what to do."""


class LakeFull(LakeError):
    """The lake's storage has no room left (or the quota is spent)."""


def repair_hint(url: str) -> str:
    return f"run `wiredesk check --repair --lake {url}` to move it aside"
