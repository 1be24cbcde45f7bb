"""The real corpora (in ../shared/datasets) and their conversions into an input `wiredesk run`
reads: used in place when the pipeline reads the format as is, converted into a work folder
otherwise."""

from __future__ import annotations

import gzip
import itertools
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: benchmarks/corpora/ is in it
DATASETS = ROOT.parent / "shared" / "datasets"
WORK = Path("/tmp/wiredesk-corpora")


@dataclass(frozen=True)
class Corpus:
    name: str
    source: str  # relative to the datasets folder
    kind: str  # files | jsonl | conll | html-gz
    note: str


CORPORA = [  # small first; the 10k run last
    Corpus("allsides-txt-300", "allsides/txt-sample-300", "files", ".txt as is"),
    Corpus("conll-dev", "conll2003/conllpp_dev.txt", "conll", "one .txt per -DOCSTART- doc"),
    Corpus("conll-train", "conll2003/conllpp_train.txt", "conll",
           "one .txt per -DOCSTART- doc"),
    Corpus("polnear-dev", "polnear/data/dev/text", "files", ".txt as is"),
    Corpus("polnear-train", "polnear/data/train/text", "files", ".txt as is"),
    Corpus("ecbplus-dev", "ecbplus/ecbplus-dev.jsonl", "jsonl", ".jsonl as is"),
    Corpus("bbc", "bbc", "files", ".txt as is"),
    Corpus("article-extraction", "article_extraction/html", "html-gz",
           ".html.gz decompressed to .html"),
    Corpus("allsides-10k", "allsides/allsides-dev-10k.jsonl.gz", "jsonl", ".jsonl.gz as is"),
]
BY_NAME = {c.name: c for c in CORPORA}


def _files(folder: Path) -> list[Path]:
    """Files below `folder` in the order the pipeline reads them (sorted full paths)."""
    return sorted((p for p in folder.rglob("*") if p.is_file()), key=str)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _nonblank(lines: Iterable[bytes]) -> Iterator[bytes]:
    return (line for line in lines if line.strip())


def conll_documents(lines: Iterable[str]) -> Iterator[str]:
    """CoNLL-2003 (`token POS chunk NER` a line, blank line between sentences, `-DOCSTART-`
    between documents) as document texts: tokens joined with spaces, one sentence a line."""
    doc: list[str] = []
    sentence: list[str] = []
    for line in lines:
        fields = line.split()
        if fields and fields[0] == "-DOCSTART-":
            if sentence:
                doc.append(" ".join(sentence))
            if doc:
                yield "\n".join(doc) + "\n"
            doc, sentence = [], []
        elif not fields:
            if sentence:
                doc.append(" ".join(sentence))
            sentence = []
        else:
            sentence.append(fields[0])
    if sentence:
        doc.append(" ".join(sentence))
    if doc:
        yield "\n".join(doc) + "\n"


def prepare(corpus: Corpus, datasets: Path, work: Path, limit: int | None) -> tuple[Path, int]:
    """The input folder or file to run on, and how many records it holds.

    Formats the pipeline reads are used in place (no limit) or as a copy of their first
    `limit` records; the others are converted into `work`."""
    source = datasets / corpus.source
    if not source.exists():
        raise FileNotFoundError(f"{source} not found")
    out = work / "input"
    if corpus.kind == "files":
        files = _files(source)
        if limit is None:
            return source, len(files)
        _fresh(out)
        for path in files[:limit]:
            target = out / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return out, min(limit, len(files))
    if corpus.kind == "jsonl":
        gz = source.name.endswith(".gz")
        opener: Callable = gzip.open if gz else open
        if limit is None:
            with opener(source, "rb") as fh:
                return source, sum(1 for _ in _nonblank(fh))
        _fresh(out)
        with opener(source, "rb") as src, opener(out / source.name, "wb") as dst:
            lines = list(itertools.islice(_nonblank(src), limit))
            dst.writelines(line if line.endswith(b"\n") else line + b"\n" for line in lines)
        return out / source.name, len(lines)
    if corpus.kind == "conll":
        _fresh(out)
        with open(source, encoding="utf-8") as fh:
            docs = itertools.islice(conll_documents(fh), limit)
            n = 0
            for n, text in enumerate(docs, start=1):
                (out / f"{source.stem}-{n:04d}.txt").write_text(text, encoding="utf-8")
        return out, n
    if corpus.kind == "html-gz":
        _fresh(out)
        pages = [p for p in _files(source) if p.name.endswith(".html.gz")][:limit]
        for path in pages:
            (out / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
        return out, len(pages)
    raise ValueError(f"unknown corpus kind {corpus.kind!r}")
