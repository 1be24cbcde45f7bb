"""The lock's generation files under `_state/lock/`: listing and reading them, and creating
the next one exclusively on a local disk or an object store (the protocol: lock.py)."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import posixpath
import re
import time
import uuid
from typing import TYPE_CHECKING

from fsspec.implementations.local import LocalFileSystem

if TYPE_CHECKING:
    from tasks.lake import Lake

LOCK_DIR = ("_state", "lock")
_GENERATION = re.compile(r"^(\d{10})\.json$")


def generations(lake: Lake) -> list[int]:
    try:
        names = [posixpath.basename(p) for p in lake.fs.ls(lake.path(*LOCK_DIR), detail=False)]
    except FileNotFoundError:
        return []
    return sorted(int(m[1]) for n in names if (m := _GENERATION.match(n)))


def generation_path(lake: Lake, generation: int) -> str:
    return lake.path(*LOCK_DIR, f"{generation:010d}.json")


def current(lake: Lake) -> dict | None:
    """The highest generation's holder (with `generation` and `path`), or None."""
    top = max(generations(lake), default=0)
    return read_generation(lake, top) if top else None


def read_generation(lake: Lake, generation: int) -> dict:
    """A generation's holder, with its path. An unreadable one (a creator killed between
    create and write, or a damaged file) has `unreadable` and `modified` instead."""
    path = generation_path(lake, generation)
    for attempt in range(5):
        try:
            with lake.fs.open(path, "rb") as fh:
                holder = json.loads(fh.read())
            if isinstance(holder, dict):
                return holder | {"generation": generation, "path": path}
            problem = "not a JSON object"
        except FileNotFoundError:
            return {"generation": generation, "path": path, "unreadable": "missing"}
        except (ValueError, UnicodeDecodeError) as exc:
            problem = f"not valid JSON ({exc})"
        time.sleep(0.05 * 2**attempt)  # a create racing with us: its bytes are on the way
    try:
        modified = lake.fs.modified(path)
        modified = modified if modified.tzinfo else modified.replace(tzinfo=dt.UTC)
    except (NotImplementedError, OSError, AttributeError):
        modified = None
    return {"generation": generation, "path": path, "unreadable": problem,
            "modified": modified.isoformat(timespec="seconds") if modified else None}


def create_exclusive(fs: object, path: str, data: bytes) -> None:
    """Create path with data, or raise FileExistsError. On a local disk the bytes are
    written aside and hard-linked in, so no reader ever sees an empty lock."""
    if isinstance(fs, LocalFileSystem):
        head, name = posixpath.split(path)
        tmp = posixpath.join(head, f".{name}.{uuid.uuid4().hex[:8]}.tmp")  # swept if left
        with open(tmp, "wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, path)
            return
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise  # FileExistsError among them
        finally:
            os.unlink(tmp)
    try:  # an object store: a PUT with If-None-Match: * (and no hard links on some disks)
        with fs.open(path, "xb") as fh:
            fh.write(data)
    except OSError as exc:
        if not isinstance(exc, FileExistsError) and precondition_failed(exc):
            raise FileExistsError(errno.EEXIST, f"{path} exists") from exc
        raise


def precondition_failed(exc: BaseException) -> bool:
    """Whether an object store refused a conditional PUT because the key exists. s3fs
    says FileExistsError only when the error names its condition, as AWS does; SeaweedFS
    and others answer a bare 412 PreconditionFailed (an OSError EINVAL)."""
    cause = exc.__cause__ or exc.__context__
    error = getattr(cause, "response", None) or {}
    code = str(error.get("Error", {}).get("Code", ""))
    status = error.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("PreconditionFailed", "412") or status == 412
