"""The perturbation benchmark built: allsides originals, one copy of each made the way another
scraper or outlet might deliver it (KINDS), and untouched articles as negatives."""

from __future__ import annotations

import gzip
import json
import random
import re

ALLSIDES = "../shared/datasets/allsides/allsides-dev-10k.jsonl.gz"  # from a checkout
SEED = 20240818
KINDS = ["boilerplate", "whitespace_quotes", "word_edits", "cut_last_third",
         "paragraphs_reordered", "concatenated"]
# Scraped page furniture: some lines clean_record drops (JUNK_LINES), most it keeps.
HEADERS = ["Advertisement", "Skip to content", "Breaking News Alerts: sign up to get the "
           "biggest stories as they happen", "Home | World | Politics | Business | Opinion",
           "Listen to this article (4 min)", "Photo: Getty Images", "Updated 2 hours ago",
           "This story has been shared 1,204 times.", "Support our journalism today."]
FOOTERS = ["Share this article", "Related", "Read more: What we know so far",
           "Copyright 2020 The Associated Press. All rights reserved. This material may not "
           "be published, broadcast, rewritten or redistributed.",
           "Sign up for our newsletter", "Get the latest headlines delivered to your inbox "
           "every morning.", "Reporting by staff; editing by the news desk.",
           "Follow us on Twitter and Facebook for more updates.", "Comments",
           "This article originally appeared on a partner site.", "Leave a reply"]
CURLY = str.maketrans({'"': "\u201c", "'": "\u2019"})
STRAIGHT = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def load_allsides(path: str) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def perturb(kind: str, text: str, partner: str, rng: random.Random, vocab: list[str]) -> str:
    """A copy of `text` as another scraper or outlet might deliver it."""
    paras = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if kind == "boilerplate":
        head = rng.sample(HEADERS, rng.randint(2, 4))
        foot = rng.sample(FOOTERS, rng.randint(2, 5))
        return "\n\n".join(head + paras + foot)
    if kind == "whitespace_quotes":
        table = CURLY if rng.random() < 0.5 else STRAIGHT
        out = [re.sub(r" ", lambda _: rng.choice([" ", "  ", "\t", "\u00a0 "]), p.translate(table))
               for p in paras]
        return "\r\n" + "\r\n\r\n\r\n".join(p + " " * rng.randint(0, 3) for p in out) + "\r\n"
    if kind == "word_edits":
        rate = rng.uniform(0.02, 0.05)
        return "\n\n".join(" ".join(_edit(p.split(), rate, rng, vocab)) for p in paras)
    if kind == "cut_last_third":
        keep, out = len(text.split()) * 2 // 3, []
        for p in paras:
            words = p.split()[:keep]
            keep -= len(words)
            if words:
                out.append(" ".join(words))
        return "\n\n".join(out)
    if kind == "paragraphs_reordered":
        if len(paras) < 3:  # one long paragraph: reorder its sentences in four blocks
            sents = re.split(r"(?<=[.!?])\s+", " ".join(paras))
            paras = [" ".join(sents[i::4]) for i in range(4) if sents[i::4]]
        order = list(range(len(paras)))
        while order == sorted(order) and len(order) > 1:
            rng.shuffle(order)
        return "\n\n".join(paras[i] for i in order)
    if kind == "concatenated":
        return text.strip() + "\n\n" + partner.strip()
    raise ValueError(kind)


def _edit(words: list[str], rate: float, rng: random.Random, vocab: list[str]) -> list[str]:
    out = []
    for word in words:
        if rng.random() >= rate:
            out.append(word)
        elif (r := rng.random()) < 0.5:
            out.append(rng.choice(vocab))  # substituted
        elif r < 0.75:
            out += [word, rng.choice(vocab)]  # a word inserted; else deleted
    return out


def build_benchmark(rows: list[dict], n: int, n_negatives: int, seed: int = SEED) -> list[dict]:
    """Records in input order, each with `role` (original/copy/negative), `kind` and the
    indexes of its `sources` (originals)."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    originals, rest = order[:n], order[n:]
    days = {rows[i]["date"] for i in originals}
    rest.sort(key=lambda i: rows[i]["date"] not in days)  # stable: same-day ones first
    negatives = rest[:n_negatives]
    vocab = sorted({w for i in originals[:200] for w in rows[i]["text"].split()})
    records = [_record(rows[i], "original", None, [i]) for i in originals]
    tail = [_record(rows[i], "negative", None, []) for i in negatives]
    for k, i in enumerate(originals):
        kind, partner = KINDS[k % len(KINDS)], originals[(k + 1) % n]
        text = perturb(kind, rows[i]["text"], rows[partner]["text"], rng, vocab)
        sources = [i, partner] if kind == "concatenated" else [i]
        tail.append({**_record(rows[i], "copy", kind, sources), "text": text,
                     "source_name": f"copy ({kind})"})
    rng.shuffle(tail)
    return _number(records + tail)


def _number(records: list[dict]) -> list[dict]:
    return [{**r, "source_uri": f"bench#{j}"} for j, r in enumerate(records)]


def _record(row: dict, role: str, kind: str | None, sources: list[int]) -> dict:
    return {"role": role, "kind": kind, "sources": sources, "row": row["id"],
            "format": "text", "text": row["text"], "title": row["title"],
            "published": row["date"], "authors": row["authors"], "source_name": row["source"],
            "source_id": row["id"]}
