"""Which input and lake paths a run may use. Anyone who reaches the Prefect server can start
a run with any `input` and `lake`; a worker started with WIREDESK_INPUT_ROOTS and
WIREDESK_LAKE_ROOTS in its environment refuses every other path before reading anything.
The roots come from the worker's environment, not from the deployment or the run, because
those are the run requester's to change (the work pool's template, flows/work_pool.json,
stops runs from overriding the environment)."""

from __future__ import annotations

import os
import posixpath

from fsspec.core import split_protocol

INPUT_ROOTS = "WIREDESK_INPUT_ROOTS"
LAKE_ROOTS = "WIREDESK_LAKE_ROOTS"


class PathNotAllowed(PermissionError):
    """A run asked for an input or lake outside the roots this worker was started with."""


def check_paths(input: str, lake: str) -> None:
    """Raise PathNotAllowed unless `input` and `lake` lie under their configured roots
    (no roots configured: any path, as on a user's own machine)."""
    for what, url, variable in (("input", input, INPUT_ROOTS), ("lake", lake, LAKE_ROOTS)):
        roots = [root for root in os.environ.get(variable, "").split(",") if root.strip()]
        if roots and not any(_within(url, root.strip()) for root in roots):
            raise PathNotAllowed(
                f"{what} {url!r} is outside the folders this worker may use "
                f"({variable}={','.join(roots)}); nothing was read")


def _within(url: str, root: str) -> bool:
    """`url` is `root` or below it, after resolving `..`, symbolic links (local paths) and
    the protocol (s3://bucket/prefix only matches s3://bucket/prefix/...)."""
    url_protocol, url_path = _where(url)
    root_protocol, root_path = _where(root)
    if url_protocol != root_protocol:
        return False
    if url_protocol == "file":
        return os.path.commonpath([url_path, root_path]) == root_path
    return url_path == root_path or url_path.startswith(root_path.rstrip("/") + "/")


def _where(url: str) -> tuple[str, str]:
    protocol, path = split_protocol(url)
    if protocol in (None, "file", "local"):
        return "file", os.path.realpath(os.path.expanduser(path))
    # Object stores have no links; a `..` segment must not climb out of the root.
    return protocol, posixpath.normpath("/" + path.lstrip("/"))
