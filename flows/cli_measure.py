"""The `wiredesk bench` and `wiredesk eval` commands: speed and quality, measured. Each
imports its benchmark or scorer when it runs, so the command line starts without them."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli_options import DEFAULTS, option

benchmark = typer.Typer(help="Benchmarks: throughput (no subcommand), incremental runs.")


@benchmark.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    corpus: Annotated[str, typer.Option(help="JSONL(.gz) corpus")] = "",
    articles: Annotated[int, typer.Option(min=1, help="first N articles")] = 2000,
    processes: Annotated[int, option("processes", min=0)] = DEFAULTS.processes,
    batch_size: Annotated[int, option("batch_size", min=1)] = DEFAULTS.batch_size,
) -> None:
    """Words/s and peak memory of the pipeline against bare spaCy on the same texts."""
    if ctx.invoked_subcommand is not None:
        return
    from benchmarks.throughput import DEFAULT_CORPUS, table
    from benchmarks.throughput import bench as run_bench

    typer.echo(table(run_bench(corpus or DEFAULT_CORPUS, articles, processes, batch_size)))



@benchmark.command("incremental")
def bench_incremental(
    corpus: Annotated[str, typer.Option(help="JSONL(.gz) corpus")] = "",
    sizes: Annotated[str, typer.Option(help="lake sizes, comma-separated")] = "1000,10000",
    code: Annotated[str, typer.Option(help="checkout whose `wiredesk run` is measured "
                                           "(default: this one)")] = "",
    cache: Annotated[str, typer.Option(help="where built lakes are kept")] = "",
    processes: Annotated[int, option("processes", min=0)] = 1,
    json_out: Annotated[str, typer.Option("--json", help="also write the figures here")] = "",
) -> None:
    """A run of the corpus's 1% newest articles into lakes of each size: per stage time,
    files and bytes read from the lake, peak memory."""
    import json
    from pathlib import Path

    from benchmarks.incremental import DEFAULT_CORPUS, ROOT, measure, table

    result = measure(corpus or DEFAULT_CORPUS, tuple(int(s) for s in sizes.split(",")),
                     Path(code) if code else ROOT, Path(cache) if cache else None, processes)
    if json_out:
        Path(json_out).write_text(json.dumps(result, indent=2))
    typer.echo(table(result))


evaluate = typer.Typer(help="Quality on gold data (datasets in the formats of ../shared/datasets).")


@evaluate.command("stories")
def eval_stories(
    path: Annotated[str, typer.Option(help="ECB+ JSONL (doc_id, topic, cluster, text)")] = "",
    augment: Annotated[bool, typer.Option(
        help="also score a 4x set: each document four times, a quarter of its sentences "
             "dropped (large stories)")] = False,
    scale: Annotated[str, typer.Option(
        help="also time clustering the first 1,000 and 10,000 articles of this JSONL(.gz) "
             "corpus, e.g. allsides-dev-10k (NER runs on them first: ~30 min on 2 cores)")] = "",
) -> None:
    """Same-story clustering on ECB+: B-cubed, pairwise F1, ARI, merged topics, against a
    TF-IDF + average-linkage baseline at its best threshold."""
    from evaluation.stories import DEFAULT_PATH, report, report_scale, score_ecbplus, score_scale

    typer.echo(report(score_ecbplus(path or DEFAULT_PATH, augment)))
    if scale:
        typer.echo(report_scale(score_scale(scale)))


@evaluate.command("entities")
def eval_entities(
    path: Annotated[str, typer.Option(help="CoNLL-2003 file (token POS chunk NER)")] = "",
) -> None:
    """Entity mentions on CoNLL-2003 (PER, ORG, LOC): wiredesk against bare spaCy."""
    from evaluation.entities import DEFAULT_PATH, report, score_conll

    typer.echo(report(score_conll(path or DEFAULT_PATH)))


@evaluate.command("entity-ids")
def eval_entity_ids(
    corpus: Annotated[str, typer.Option(help="allsides JSONL(.gz) the gold set points into")
                      ] = "",
    split: Annotated[list[str] | None, typer.Option(
        help="score only this split (train, dev, test, all; repeatable); default: all four")
    ] = None,
) -> None:
    """Lake-wide entity ids against the cross-article identity gold (B-cubed): the 76
    articles through two real runs into a fresh lake (~2 min)."""
    from evaluation.entity_ids import DEFAULT_PATH, SPLITS, report, score

    typer.echo(report(score(corpus or DEFAULT_PATH, tuple(split or SPLITS))))


@evaluate.command("facts-dates")
def eval_facts_dates(
    corpus: Annotated[str, typer.Option(help="allsides JSONL(.gz) the gold set points into")
                      ] = "",
    errors: Annotated[bool, typer.Option(help="list every disagreement")] = False,
    split: Annotated[list[str] | None, typer.Option(
        help="score only this split (dev, test, test2; repeatable); default: all")] = None,
) -> None:
    """Facts and dates against the hand-annotated gold set in evaluation/gold/."""
    from evaluation.facts_dates import DEFAULT_PATH, report

    report(corpus or DEFAULT_PATH, show_errors=errors, splits=split or ())


@evaluate.command("pages")
def eval_pages(
    root: Annotated[str, typer.Option(help="folder with ground-truth.json and html/")] = "",
) -> None:
    """HTML boilerplate removal: wiredesk's body against plain trafilatura, shingle P/R/F1."""
    from evaluation.pages import DEFAULT_ROOT, report, score_pages

    typer.echo(report(score_pages(root or DEFAULT_ROOT)))


@evaluate.command("quotes")
def eval_quotes(
    root: Annotated[str, typer.Option(help="PolNeAR data folder (<split>/text, attributions)")
                    ] = "",
    split: Annotated[str, typer.Option(help="train or dev")] = "dev",
) -> None:
    """Direct quotes and speakers on PolNeAR, with a regex and a nearest-person baseline."""
    from evaluation.quotes import DEFAULT_ROOT, report, score_polnear

    typer.echo(report(score_polnear(root or DEFAULT_ROOT, split)))


@evaluate.command("copies")
def eval_copies(
    corpus: Annotated[str, typer.Option(help="allsides JSONL(.gz) to perturb")] = "",
    bbc: Annotated[str, typer.Option(help="BBC folder (<category>/<NNN>.txt)")] = "",
) -> None:
    """Near-duplicates: the perturbation benchmark, BBC's natural copies, and speed."""
    from evaluation.copies import ALLSIDES, BBC, main

    main([corpus or ALLSIDES, bbc or BBC])


@evaluate.command("story-facts")
def eval_story_facts(
    corpus: Annotated[str, typer.Option(help="allsides JSONL(.gz) the gold set points into")
                      ] = "",
    split: Annotated[list[str] | None, typer.Option(
        help="score only this split (train, dev, test or test2; repeatable); default: all"
    )] = None,
    errors: Annotated[bool, typer.Option(help="list every pair the code and gold disagree on")
                      ] = False,
) -> None:
    """The story desk's same-fact grouping against 73 hand-labelled allsides stories:
    pairwise precision and recall, and the gold figures the extractor missed."""
    from evaluation.facts_dates import DEFAULT_PATH
    from evaluation.story_facts import report

    report(corpus or DEFAULT_PATH, split or (), show_errors=errors)
