"""HTML boilerplate removal on the article-extraction benchmark (Zyte's pages + gold bodies).

Scored as upstream's evaluate.py does: per page, counts of 4-word shingles (tokens are
`\\w+` runs) give TP/FP/FN, normalised so that every page weighs the same; precision and
recall are averaged over pages and F1 is taken of the two averages. wiredesk's body (ingest
through trafilatura with metadata, then clean) is compared with plain
`trafilatura.extract` on the same pages.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

DEFAULT_ROOT = "../shared/datasets/article_extraction"  # from a checkout
_TOKEN = re.compile(r"\w+")


def shingle_counts(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Normalised TP, FP, FN of one page's shingles."""
    def shingles(text: str) -> Counter:
        tokens = _TOKEN.findall(text or "")
        return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                       if tokens[i:i + n])

    gold, got = shingles(true), shingles(pred)
    tp = sum((gold & got).values())
    fp, fn = sum((got - gold).values()), sum((gold - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def summary(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Means over pages (a page with nothing to find and nothing found scores 1)."""
    precision = statistics.mean(1.0 if fp == fn == 0 else tp / (tp + fp)
                                for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(1.0 if fp == fn == 0 else tp / (tp + fn)
                             for tp, fp, fn in counts if tp + fn > 0)
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall)}


def wiredesk_body(raw: bytes) -> str:
    """The body the pipeline would publish for this page (empty if it rejects the page)."""
    from tasks.clean import clean_record
    from tasks.ingest import Record, Rejected, from_page

    try:
        record = from_page(Record("page.html", "", len(raw)), raw)
        return clean_record(vars(record), dt.datetime.now(dt.UTC))["body"]
    except (Rejected, ValueError):
        return ""


def score_pages(root: str = DEFAULT_ROOT) -> dict:
    import trafilatura

    gold = json.loads((Path(root) / "ground-truth.json").read_text(encoding="utf-8"))
    ours, plain = [], []
    for page_id, truth in sorted(gold.items()):
        raw = gzip.decompress((Path(root) / "html" / f"{page_id}.html.gz").read_bytes())
        ours.append(shingle_counts(truth["articleBody"], wiredesk_body(raw)))
        plain.append(shingle_counts(truth["articleBody"], trafilatura.extract(raw) or ""))
    return {"pages": len(gold), "wiredesk": summary(ours), "trafilatura": summary(plain)}


def report(result: dict) -> str:
    lines = [f"article extraction: {result['pages']} pages, 4-gram shingle P/R/F1 "
             "(means over pages)", f"{'':22}{'precision':>10}{'recall':>8}{'F1':>7}"]
    for name in ("wiredesk", "trafilatura"):
        m = result[name]
        label = "wiredesk (ingest+clean)" if name == "wiredesk" else "trafilatura.extract"
        lines.append(f"{label:<22}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(score_pages(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_ROOT)))
