"""The `wiredesk` command line: runs the `news-etl` flow and prints the run summary."""

from __future__ import annotations

import os
import sys
from typing import Annotated

# Prefect's ephemeral server gets 20 s to start by default; a busy small machine needs more.
# Set before Prefect is imported, and only where the user has not chosen a value.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import typer  # noqa: E402

from flows.cli_measure import benchmark, evaluate  # noqa: E402
from flows.cli_options import DEFAULTS as _DEFAULTS  # noqa: E402
from flows.cli_options import option as _option  # noqa: E402
from flows.news_etl import RunParameters  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="wiredesk: raw news text in, validated Parquet tables out.")
app.add_typer(benchmark, name="bench")
app.add_typer(evaluate, name="eval")


@app.command()
def run(
    input: Annotated[str, _option("input")] = _DEFAULTS.input,
    lake: Annotated[str, _option("lake")] = _DEFAULTS.lake,
    batch_size: Annotated[int, _option("batch_size", min=1)] = _DEFAULTS.batch_size,
    max_record_bytes: Annotated[int, _option("max_record_bytes", min=1)
                                ] = _DEFAULTS.max_record_bytes,
    model: Annotated[str, _option("model")] = _DEFAULTS.model,
    processes: Annotated[int, _option("processes", min=0)] = _DEFAULTS.processes,
    article_timeout: Annotated[float, _option("article_timeout", min=0.001)
                               ] = _DEFAULTS.article_timeout,
    max_held_share: Annotated[float, _option("max_held_share", min=0.0, max=1.0)
                              ] = _DEFAULTS.max_held_share,
    lock_wait: Annotated[float, _option("lock_wait", min=0.0)] = _DEFAULTS.lock_wait,
    dask_address: Annotated[str, _option("dask_address")] = _DEFAULTS.dask_address,
) -> None:
    """Run the news-etl flow once: exit 0 published (or nothing new), 1 the publish was
    blocked (a table-level expectation failed, or too many articles were held back), 2 bad
    arguments, unreachable input/lake or a lake another run is still writing after
    --lock-wait seconds, 3 the run failed
    (an error no article can be blamed for; nothing published)."""
    from flows.access import check_paths
    from flows.news_etl import ValidationBlocked, news_etl
    from tasks.ingest import InputError, list_inputs
    from tasks.lake import Lake, LakeError

    params = RunParameters(input=input, lake=lake, batch_size=batch_size,
                           max_record_bytes=max_record_bytes, model=model, processes=processes,
                           article_timeout=article_timeout, max_held_share=max_held_share,
                           lock_wait=lock_wait, dask_address=dask_address)
    try:  # fail fast, before Prefect starts, on what the user can fix
        check_paths(params.input, params.lake)
        list_inputs(params.input)
        target = Lake(params.lake)
        target.fs.makedirs(target.root, exist_ok=True)
    except (InputError, LakeError, OSError) as exc:  # OSError: PathNotAllowed too
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        summary = news_etl(params)
    except ValidationBlocked as exc:
        _print_summary(exc.summary.lines())
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except (InputError, LakeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:  # a fault of the run as a whole: say what, in one line
        typer.echo(f"error: the run failed, nothing was published: {type(exc).__name__}: "
                   f"{' '.join(str(exc).split())[:500]} (the Prefect logs have the traceback; "
                   f"the next run starts clean)", err=True)
        raise typer.Exit(3) from None
    _print_summary(summary.lines())


def _print_summary(lines: list[str]) -> None:
    sys.stdout.flush()
    typer.echo("\n".join(["", "── wiredesk run summary ──", *lines]))


@app.command()
def check(
    lake: Annotated[str, _option("lake")] = _DEFAULTS.lake,
    repair: Annotated[bool, typer.Option(
        "--repair", help="move corrupt files aside under _quarantine/_corrupt/, finish "
        "interrupted publishes, let a dead run's lock go (takes the lake's lock)")] = False,
    deep: Annotated[bool, typer.Option(
        "--deep", help="read every row group, not only each file's footer")] = False,
) -> None:
    """Verify a lake: every published file readable with its declared schema, snapshots
    present, journals and run records parseable, no lock left by a dead run. One line per
    problem; exit 0 healthy, 2 problems found (after --repair: problems left)."""
    from tasks.check import check as check_lake
    from tasks.check import repair as repair_lake
    from tasks.lake import Lake, LakeError
    from tasks.lake.generations import current
    from tasks.lake.lock import abandoned

    try:
        target = Lake(lake)
        if not target.fs.exists(target.root):
            raise LakeError(f"no lake at {lake!r}")
        if repair:
            for line in repair_lake(target, deep):
                typer.echo(f"repaired: {line}")
        problems = check_lake(target, deep)
        holder = current(target)
    except LakeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if holder and not holder.get("released") and not abandoned(holder):
        typer.echo(f"note: run {holder.get('run_id')} is writing the lake (since "
                   f"{holder.get('since')}); what it has not yet published is not checked")
    for problem in problems:
        typer.echo(f"problem: {problem}")
    typer.echo(f"{target.url}: {len(problems)} problem{'s' * (len(problems) != 1)}"
               if problems else f"{target.url}: healthy")
    raise typer.Exit(2 if problems else 0)


@app.command()
def compact(
    lake: Annotated[str, _option("lake")] = _DEFAULTS.lake,
    min_age_days: Annotated[int, typer.Option(
        min=0, help="compact partitions whose day (UTC) is at least this many days old; 0 "
        "also compacts today's")] = 1,
    lock_wait: Annotated[float, _option("lock_wait", min=0.0)] = _DEFAULTS.lock_wait,
) -> None:
    """Run the lake-maintenance flow once: rewrite each closed partition's small files as
    few, atomically for readers. Exit 0 done (or nothing to compact), 2 unreachable or
    damaged lake or a run still writing it after --lock-wait seconds, 3 the compaction
    failed (every partition is left whole, old or new)."""
    from flows.maintenance import MaintenanceParameters, lake_maintenance
    from tasks.lake import Lake, LakeError

    try:
        target = Lake(lake)
        if not target.fs.exists(target.root):
            raise LakeError(f"no lake at {lake!r}")
        summary = lake_maintenance(MaintenanceParameters(
            lake=lake, min_age_days=min_age_days, lock_wait=lock_wait))
    except LakeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:
        typer.echo(f"error: the compaction failed: {type(exc).__name__}: "
                   f"{' '.join(str(exc).split())[:500]} (each partition is whole, old or new; "
                   "the next compaction sweeps what this one left)", err=True)
        raise typer.Exit(3) from None
    typer.echo("\n".join(["", "── wiredesk compaction summary ──", *summary.lines()]))


@app.command("rebuild-state")
def rebuild_state(
    lake: Annotated[str, _option("lake")] = _DEFAULTS.lake,
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="rebuild only this state (repeatable); default: every state")] = None,
) -> None:
    """Rebuild the lake's `_state/` (seen content hashes, the input file log, the
    near-duplicate index, ...) from the published tables, holding the lake's lock. A run
    does this itself for a state that is missing or written by an older version. Exit 0
    rebuilt, 2 no lake, an unknown state, a damaged lake or one another run is writing."""
    import datetime as dt

    from tasks.lake import Lake, LakeError
    from tasks.state import rebuild
    from tasks.state.registry import STATES

    unknown = set(only or ()) - {state.name for state in STATES}
    try:
        target = Lake(lake)
        if not target.fs.exists(target.root):
            raise LakeError(f"no lake at {lake!r}")
        if unknown:
            raise LakeError(f"unknown state {', '.join(sorted(unknown))}; states: "
                            f"{', '.join(state.name for state in STATES)}")
        tag = f"rebuild-state-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
        with target.lock(tag):
            target.recover()
            took = rebuild(target, [s for s in STATES if not only or s.name in only], tag)
    except LakeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for name, seconds in took.items():
        typer.echo(f"rebuilt {name} in {seconds:.1f} s")


if __name__ == "__main__":  # `python -m flows.cli` as well as the `wiredesk` script
    app()
