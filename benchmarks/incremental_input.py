"""What a run reads from the lake, stage by stage: one `news-etl` run, in this process, with
every byte and file read below the lake counted (its own staging aside).

    python -m benchmarks.incremental_input --input DROP --lake LAKE [--processes 1]

prints one JSON object: seconds per stage (the run record's), bytes and files read from the
lake per stage (`start` is the run's own checks and state before ingest; pyarrow is made to
read local files through fsspec, as it reads an object store, so that they are counted),
the run's record
counts, and the peak RSS of this process in MiB (the flow's; extraction workers are apart),
also as it stood when each stage ended (the peak up to and including that stage).
Works on any checkout with the flow's `_Clock` (it is how stages are told apart), so the same
command measures the code before and after a change (PYTHONPATH picks the checkout).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from fsspec.implementations.local import LocalFileOpener

_STAGE = ["start"]
BYTES: Counter[str] = Counter()
FILES: dict[str, set[str]] = {}
PEAK: dict[str, int] = {}  # the process's peak RSS when each stage ended (MiB)


def _peak_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _counting(lake: str) -> None:
    """Count what is read below `lake` through fsspec's local files. pyarrow swaps fsspec's
    local file system for its own native one, which Python cannot see: here it is made to go
    through fsspec like any other (an object store's) file system."""
    import pyarrow.dataset
    import pyarrow.fs
    import pyarrow.parquet.core
    from fsspec.implementations.local import LocalFileSystem

    staging = str(Path(lake, "_state", "staging"))
    real_ensure = pyarrow.fs._ensure_filesystem

    def ensure(filesystem: object, *args: object, **kwargs: object) -> object:
        if isinstance(filesystem, LocalFileSystem):
            return pyarrow.fs.PyFileSystem(pyarrow.fs.FSSpecHandler(filesystem))
        return real_ensure(filesystem, *args, **kwargs)

    for module in (pyarrow.fs, pyarrow.parquet.core, pyarrow.dataset):
        module._ensure_filesystem = ensure

    def counted(real):  # noqa: ANN001, ANN202 - wraps LocalFileOpener.read
        def read(self: LocalFileOpener, *args: object, **kwargs: object) -> object:
            data = real(self, *args, **kwargs)
            path = str(self.path)
            if path.startswith(lake) and not path.startswith(staging):
                BYTES[_STAGE[0]] += data if isinstance(data, int) else len(data)
                FILES.setdefault(_STAGE[0], set()).add(path)
            return data
        return read

    LocalFileOpener.read = counted(LocalFileOpener.read)


def measure(drop: str, lake: str, processes: int) -> dict:
    import flows.news_etl as news

    real_clock = news._Clock.__call__

    @contextmanager
    def staged(self: object, stage: str):  # noqa: ANN202 - a context manager
        _STAGE[0] = stage
        with real_clock(self, stage):
            yield
        _STAGE[0] = "between stages"
        PEAK.setdefault(stage, _peak_mib())

    news._Clock.__call__ = staged
    _counting(str(Path(lake).resolve()))
    summary = news.news_etl(news.RunParameters(input=drop, lake=str(Path(lake).resolve()),
                                               processes=processes))
    return {"seconds": summary.seconds, "records": summary.records,
            "unchanged_files": getattr(summary, "unchanged_files", None),
            "bytes_read": dict(BYTES), "files_read": {k: len(v) for k, v in FILES.items()},
            "peak_mib_after": PEAK, "peak_mib": _peak_mib()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    json.dump(measure(args.input, args.lake, args.processes), sys.stdout)
    print()


if __name__ == "__main__":
    main()
