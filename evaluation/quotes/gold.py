"""PolNeAR's gold: the brat attribution files, the articles of a split, and the hand-annotated
referents of pronoun Sources."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from evaluation import splits

DEFAULT_ROOT = "../shared/datasets/polnear/data"  # from a checkout
MARK = re.compile(r'["“”„«»]')
# package data, so that `wiredesk eval` runs from an installed wheel too
REFERENTS = files("evaluation").joinpath("gold", "polnear_referents.jsonl")
Span = tuple[int, int]
Person = tuple[int, int, str, str]  # start, end, entity_id, text of a PERSON mention


def read_ann(path: Path) -> list[dict]:
    """Gold Content spans (fragments, text) with their Source fragments, from one brat file."""
    spans: dict[str, tuple[str, list[Span], str]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            kind, _, ranges = fields[1].partition(" ")
            frags = [tuple(map(int, r.split())) for r in ranges.split(";")]
            spans[fields[0]] = (kind, frags, fields[2] if len(fields) > 2 else "")
        elif line.startswith("E") and len(fields) >= 2:
            events.append(dict(arg.split(":") for arg in fields[1].split()))
    source_of = {}
    for args in events:
        for role, tid in args.items():
            if role.startswith("Content") and "Source" in args:
                source_of[tid] = spans[args["Source"]][1]
    return [{"frags": frags, "text": text, "source": source_of.get(tid),
             "direct": bool(MARK.search(text))}
            for tid, (kind, frags, text) in spans.items() if kind == "Content"]


def load_split(root: str, split: str) -> list[tuple[str, str, list[dict]]]:
    """(name, raw text, gold contents) per article, first annotator by file name; `split` is
    a folder ("train", "dev") or a part of one ("train:fit", "train:validation", see
    evaluation.splits)."""
    folder, part = splits.parse(split)
    base = Path(root) / folder
    anns: dict[str, Path] = {}
    for path in sorted((base / "attributions").glob("*.ann")):
        anns.setdefault(path.stem.rsplit("_", 1)[0], path)
    out = []
    for path in sorted((base / "text").glob("*.txt")):
        if not splits.keeps(part, path.stem):
            continue
        gold = read_ann(anns[path.stem]) if path.stem in anns else []
        out.append((path.stem, path.read_text(encoding="utf-8"), gold))
    return out


def load_referents(split: str, path: Traversable = REFERENTS) -> dict[tuple[str, int, int], dict]:
    """Hand-annotated pronoun referents of one split, by (article, raw start, raw end)."""
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    folder = splits.parse(split)[0]
    return {(r["article"], r["start"], r["end"]): r for r in rows if r["split"] == folder}
