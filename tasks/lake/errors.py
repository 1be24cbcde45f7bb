"""What can go wrong with a lake, as exceptions the command line turns into exit 2."""

from __future__ import annotations

import pyarrow as pa


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


def unreadable(exc: BaseException) -> str | None:
    """What is wrong with a Parquet file that raised exc while read, or None when exc comes
    from the storage (a missing file, a network error: worth a retry, not a repair)."""
    if isinstance(exc, pa.ArrowException) or (type(exc) is OSError and exc.errno is None):
        if "magic bytes not found" in str(exc):  # Arrow's own errors: the footer, the pages
            return "no Parquet footer: cut short, or not Parquet"
        return line(exc)
    return None


def line(exc: BaseException) -> str:
    """An exception as one line of at most 200 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"
