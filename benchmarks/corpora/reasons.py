"""What stopped a run (from its output), and the ledger's reasons grouped for the report."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from benchmarks.corpora.inputs import ROOT

_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Blocked|Busy|"
                       r"Warning|Failure))(?::\s?(.*))?$")
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
_TASK_FAILED = re.compile(r"Task run '([\w.-]+?)(?:-[0-9a-f]{3})?' - Finished in state "
                          r"Failed")


def crash_summary(stderr: str, stdout: str = "", root: Path = ROOT) -> dict:
    """What stopped a run that left no run record: the exception (type, message), the
    innermost frame in the project's code, and the Prefect task that failed."""
    text = "\n".join([stdout, stderr])
    lines = text.splitlines()
    exc_at = max((i for i, line in enumerate(lines) if _EXC_LINE.match(line.strip())),
                 default=None)
    exception = message = frame = None
    if exc_at is not None:
        match = _EXC_LINE.match(lines[exc_at].strip())
        exception, message = match.group(1), (match.group(2) or "")[:300]
        for line in reversed(lines[:exc_at]):
            if (m := _FRAME.match(line)) and str(root) in m.group(1) \
                    and "/.venv/" not in m.group(1):
                frame = f"{os.path.relpath(m.group(1), root)}:{m.group(2)} {m.group(3)}"
                break
    tasks = sorted(set(_TASK_FAILED.findall(text)))
    errors = [line[len("error: "):] for line in lines if line.startswith("error: ")]
    return {"exception": exception, "message": message, "frame": frame, "tasks": tasks,
            "error": errors[-1][:500] if errors else None}


def _normal(reason: str | None) -> str:
    return re.sub(r"\d+", "N", reason or "(no reason)")[:200]


def failure_key(reason: str | None) -> str:
    """`<stage>: <ExceptionType>: <message>` grouped by stage and exception type."""
    parts = (reason or "(no reason)").split(": ")
    return ": ".join(parts[:2]) if len(parts) > 2 else _normal(reason)


def group(reasons: Iterable[str | None], key: Callable[[str | None], str] = _normal,
          examples: int = 2) -> list[dict]:
    """Reasons grouped by `key`, most frequent first, with a few distinct examples each."""
    counts: Counter = Counter()
    seen: dict[str, list[str]] = defaultdict(list)
    for reason in reasons:
        k = key(reason)
        counts[k] += 1
        if len(seen[k]) < examples and (reason or "") not in seen[k]:
            seen[k].append((reason or "")[:300])
    return [{"reason": k, "count": n, "examples": seen[k]} for k, n in counts.most_common()]
