"""Copy detection measured: a perturbation benchmark, BBC's natural duplicates, and speed.

Run: python -m evaluation.copies [allsides.jsonl.gz] [bbc folder]. Nothing is copied from the
datasets: the benchmark is generated at evaluation time from allsides-dev-10k with a fixed
seed, and every text goes the real path (tasks.clean.clean_record, then CopyDesk in input
order through tasks.dedup.dedup_batches).

Benchmark: N originals; one copy of each, the kinds taken in turn (KINDS); untouched other
articles as negatives, preferring those published the same day as an original (other
outlets' stories on the same events, the hard case). Order: originals, then copies and
negatives shuffled together. A copy is caught when it is an exact `duplicate` of its original
or published with `duplicate_of` naming it (or the article its original copies; for a
concatenation, either source). Any other verdict that calls an article a copy is a false
positive. Per-kind precision charges every false positive on originals and negatives to
each kind, so it is a lower bound.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import rensa

from tasks.clean import article_id, clean_record
from tasks.dedup import NUM_PERM, CopyDesk, dedup_batches, shingles_of, signatures_of

ALLSIDES = "../shared/datasets/allsides/allsides-dev-10k.jsonl.gz"  # from a checkout
BBC = "../shared/datasets/bbc"
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
NOW = dt.datetime(2024, 8, 18, tzinfo=dt.UTC)
# Pairs of allsides articles that are copies of each other in the corpus itself, found by the
# benchmark and confirmed by reading both: not counted as false positives (reported apart).
NATURAL_COPIES = {frozenset(pair) for pair in [
    ("eJdSZgxqX1TNVOB8", "vR50RTKgeR6NvddE"),  # Politico: same piece, one copy truncated
    ("AxwOee6XBlkypGok", "CyvxypLnQxy8o3aB"),  # USA TODAY pages: ~85% the same page text
    ("d8dEUappTyVDXFE9", "3ZL9uQ5Iu9WqgU2o"),  # USA TODAY pages: ~85% the same page text
    ("NOBNbN7kmbAqFzrY", "SYPeGeWE4H1uV8ts"),  # Guardian / Fox: one wire story, restyled
    ("0GT5ByV4CfaosKER", "bDuQU3qRfhmhbbgk"),  # John Stossel column under two titles
    ("FUJwAYECJVo0L3fK", "Keg3VQZYerWgYpIH"),  # Washington Times story and its update
    # found with seed 7 (held out: settings were chosen on the default seed)
    ("bNFvN0lGy1AbyeM3", "hSvdkWfp380aDTo6"),  # Reuters story, two headlines
    ("Pzf2lTZWz4igWYpt", "i68BRn51niarwoRK"),  # Fox News column filed twice, same text
]}


# ---- the benchmark -----------------------------------------------------------------------

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


def run_desk(records: list[dict]) -> list[dict]:
    """clean_record, then the dedup step as the flow runs it; one verdict row per record."""
    rows = []
    for r in records:
        text = r["text"].encode()
        rows.append({**clean_record(r, NOW), "content_sha256": hashlib.sha256(text).hexdigest(),
                     "bytes": len(text)})
    table = pa.Table.from_pylist(rows)
    published, log = dedup_batches([table], CopyDesk())
    dup_of = dict(zip(published["source_uri"].to_pylist(),
                      published["duplicate_of"].to_pylist(), strict=True))
    return [{"article_id": entry["article_id"], "status": entry["status"],
             "duplicate_of": dup_of.get(entry["source_uri"])} for entry in log]


def score(records: list[dict], verdicts: list[dict]) -> dict:
    ids, row_of = {}, {}  # original's corpus id -> ids that count as "its original"
    for r, v in zip(records, verdicts, strict=True):
        if r["role"] != "copy":
            row_of.setdefault(v["article_id"], r["row"])
        if r["role"] == "original":
            ids[r["sources"][0]] = {v["article_id"], v["duplicate_of"]} - {None}
    caught, total, wrong = Counter(), Counter(), Counter()
    false_pos, natural = [], []
    for r, v in zip(records, verdicts, strict=True):
        flagged = v["status"] == "duplicate" or v["duplicate_of"] is not None
        target = v["article_id"] if v["status"] == "duplicate" else v["duplicate_of"]
        if r["role"] != "copy":
            if flagged:
                pair = frozenset((r["row"], row_of.get(target, target)))
                (natural if pair in NATURAL_COPIES else false_pos).append(" ~ ".join(sorted(pair)))
            continue
        total[r["kind"]] += 1
        expected = set().union(*(ids[s] for s in r["sources"]))
        if flagged and target in expected:
            caught[r["kind"]] += 1
        elif flagged:
            wrong[r["kind"]] += 1
    kinds = {}
    for kind in KINDS:
        tp = caught[kind]
        kinds[kind] = {"copies": total[kind], "caught": tp, "wrong_target": wrong[kind],
                       "recall": _ratio(tp, total[kind]),
                       "precision": _ratio(tp, tp + wrong[kind] + len(false_pos)),
                       "precision_natural_as_errors": _ratio(
                           tp, tp + wrong[kind] + len(false_pos) + len(natural))}
    tp, n, bad = sum(caught.values()), sum(total.values()), sum(wrong.values()) + len(false_pos)
    return {"kinds": kinds, "copies": n, "caught": tp, "recall": _ratio(tp, n),
            "precision": _ratio(tp, tp + bad),
            "precision_natural_as_errors": _ratio(tp, tp + bad + len(natural)),
            "wrong_target": sum(wrong.values()), "false_positives": false_pos,
            "natural_copies": natural, "negatives": sum(r["role"] == "negative" for r in records)}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def score_perturbations(corpus: str = ALLSIDES, n: int = 2000, negatives: int | None = None,
                        seed: int = SEED) -> dict:
    rows = load_allsides(corpus)
    records = build_benchmark(rows, n, 2 * n if negatives is None else negatives, seed)
    started = time.perf_counter()
    result = score(records, run_desk(records))
    return {**result, "originals": n, "seed": seed,
            "seconds": round(time.perf_counter() - started, 1)}


# ---- BBC natural duplicates --------------------------------------------------------------

# A seeded sample of the near pairs found (copy ~ the earlier article it names), each read in
# full and labelled: "copy" when one is the other re-filed or lightly edited.
BBC_LABELS: dict[str, str] = {
    "politics/021 ~ politics/356": "copy",
    "entertainment/079 ~ entertainment/331": "copy",
    "politics/111 ~ politics/293": "copy",  # the story, then readers' comments appended
    "tech/049 ~ tech/340": "copy",
    "entertainment/179 ~ entertainment/216": "copy",
    "business/254 ~ business/447": "copy",
    "tech/045 ~ tech/341": "copy",
    "tech/061 ~ tech/321": "copy",
    "tech/095 ~ tech/311": "copy",
    "sport/425 ~ sport/433": "copy",
    "business/007 ~ business/253": "copy",
    "tech/066 ~ tech/381": "copy",
    "tech/027 ~ tech/315": "copy",
    "tech/012 ~ tech/331": "copy",
    "tech/079 ~ tech/373": "copy",
    "tech/025 ~ tech/317": "copy",
    "politics/077 ~ politics/354": "copy",  # the story re-filed later, updated
    "tech/008 ~ tech/252": "copy",
    "entertainment/102 ~ entertainment/341": "copy",
    "tech/219 ~ tech/224": "copy",
    "politics/059 ~ politics/298": "copy",
    "tech/059 ~ tech/322": "copy",
    "tech/039 ~ tech/334": "copy",
    "politics/043 ~ politics/313": "copy",
    "politics/005 ~ politics/359": "copy",
    "tech/021 ~ tech/328": "copy",
    "tech/048 ~ tech/342": "copy",
    "tech/212 ~ tech/225": "copy",
    "tech/042 ~ tech/339": "copy",
    "business/209 ~ business/229": "copy",  # the story re-filed later, updated
    # read beyond the sample: the two least similar pairs found
    "politics/088 ~ politics/337": "copy",  # updated re-file, one paragraph new
    "politics/327 ~ politics/328": "not copy",  # a follow-up story a week later reusing
    #  its background paragraphs (72% of the shorter one's 3-grams)
}
BBC_SAMPLE = 30


def score_bbc(root: str = BBC) -> dict:
    files = sorted(Path(root).glob("*/*.txt"))
    records, by_bytes = [], {}
    for path in files:
        raw = path.read_bytes()
        name = f"{path.parent.name}/{path.stem}"
        by_bytes.setdefault(hashlib.sha256(raw).hexdigest(), []).append(name)
        records.append({"source_uri": name, "format": "text", "text": raw.decode("utf-8"),
                        "source_id": name})
    verdicts = run_desk(records)
    name_of = {}
    for r, v in zip(records, verdicts, strict=True):
        name_of.setdefault(v["article_id"], r["source_uri"])
    exact = [(r["source_uri"], name_of[v["article_id"]]) for r, v in zip(records, verdicts,
             strict=True) if v["status"] == "duplicate"]
    near = [(r["source_uri"], name_of[v["duplicate_of"]]) for r, v in zip(records, verdicts,
            strict=True) if v["duplicate_of"]]
    identical = [group for group in by_bytes.values() if len(group) > 1]
    found = {frozenset(pair) for pair in exact}
    sample = random.Random(SEED).sample(near, min(BBC_SAMPLE, len(near)))
    labels = [BBC_LABELS.get(_key(pair)) for pair in sample]
    copies = sum(label == "copy" for label in labels)
    labelled = sum(label is not None for label in labels)
    return {"files": len(files), "identical_groups": len(identical),
            "identical_pairs": sum(len(g) * (len(g) - 1) // 2 for g in identical),
            "identical_found": sum(frozenset(g[:2]) in found for g in identical),
            "exact_duplicates": len(exact), "near_pairs": len(near),
            "exact_not_identical": [_key(p) for p in exact if frozenset(p) not in
                                    {frozenset(g[:2]) for g in identical}],
            "sample": [f"{_key(p)} {label or 'unlabelled'}" for p, label in zip(sample, labels,
                                                                                 strict=True)],
            "sample_precision": _ratio(copies, labelled), "near": [_key(p) for p in near]}


def _key(pair: tuple[str, str]) -> str:
    return " ~ ".join(sorted(pair))


# ---- templated text: dedup's worst case ----------------------------------------------------

# Short market briefs made from a few templates, as a feed of generated wire copy delivers
# them: every record shares most of its words with thousands of others, so LSH buckets
# crowd. From least to most fixed text (the third template's fills are all near copies).
TEMPLATES = [
    "Shares of {company} rose {pct}% to ${price} on {weekday} after the {sector} group "
    "reported {quarter} results, analysts at {bank} in {city} said.",
    "Shares of {company} rose {pct}% to ${price} on {weekday}, after the {sector} group "
    "reported {quarter} results above forecasts. Analysts at {bank} said the gain was the "
    "largest in the sector this year. Trading volume in {city} was well above its 30-day "
    "average, and the company did not respond to a request for comment.",
    "The company said on {weekday} that it expects full-year revenue to be in line with "
    "guidance, citing steady demand across its main markets and lower input costs. Chief "
    "executive officers of peers have made similar remarks in recent weeks. {company} shares "
    "closed {pct}% higher at ${price}. The stock has gained this year, outperforming the "
    "broader market, according to data compiled by the exchange. Analysts at {bank} rate it "
    "a buy.",
]
_SYLLABLES = ["ac", "bel", "cor", "dan", "ex", "fin", "gal", "hor", "ion", "jet", "kor", "lum",
              "mar", "nor", "ox", "pra", "quin", "ros", "sol", "tek", "ur", "vor", "wex", "zen"]
SLOTS = {
    "company": [f"{a.title()}{b}{c} {kind}" for a in _SYLLABLES for b in _SYLLABLES
                for c in ("a", "o", "ix") for kind in ("Inc", "Corp", "Group")],
    "pct": [f"{i}.{j}" for i in range(1, 20) for j in range(10)],
    "price": [f"{i}.{j:02d}" for i in range(5, 400, 3) for j in range(0, 100, 7)],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "sector": ["chipmaker", "retail", "banking", "energy", "drugmaker", "airline", "media"],
    "quarter": ["first-quarter", "second-quarter", "third-quarter", "fourth-quarter"],
    "bank": ["Goldman Sachs", "Morgan Stanley", "JPMorgan", "Barclays", "UBS", "Citi"],
    "city": ["New York", "London", "Frankfurt", "Tokyo", "Paris", "Toronto", "Zurich"],
}


def templated_bodies(n: int, seed: int = 1) -> list[str]:
    """`n` short templated records in groups: a group is one template and one fill of its
    slots, and each of its 1-10 records draws `changed` of the slots afresh, the same number
    for the whole group: 0 makes exact copies, 1-2 near copies, 3-4 borderline, all 8 other
    stories (which still share the template's fixed words)."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        template = rng.choice(TEMPLATES)
        base = {slot: rng.choice(values) for slot, values in SLOTS.items()}
        changed = rng.choice([0, 1, 2, 3, 4, len(SLOTS)])
        for _ in range(rng.randint(1, 10)):
            fill = dict(base)
            for slot in rng.sample(sorted(SLOTS), changed):
                fill[slot] = rng.choice(SLOTS[slot])
            out.append(template.format(**fill))
    return out[:n]


def dedup_rows(bodies: list[str], name: str) -> pa.Table:
    """Bodies as cleaned article rows, the input of dedup_batches."""
    return pa.Table.from_pylist([
        {"article_id": article_id(b), "source_uri": f"{name}#{i}", "source_id": None,
         "content_sha256": "", "bytes": 0, "body": b} for i, b in enumerate(bodies)])


# ---- speed -------------------------------------------------------------------------------

def score_speed(corpus: str = ALLSIDES, sizes: tuple[int, ...] = (1000, 10000),
                datasketch_docs: int = 2000, repeats: int = 3,
                templated: tuple[int, ...] = ()) -> dict:
    """Signatures per second (ours from raw bodies; rensa and datasketch on the same shingle
    sets) and wall time of the dedup step (dedup_batches: signatures, LSH, verdicts), on
    allsides and, once each, on `templated` numbers of templated_bodies (the worst case).
    datasketch is only a reference point, installed with the dev extra."""
    try:
        from datasketch import MinHash
    except ImportError:
        MinHash = None

    bodies = [r["text"] for r in load_allsides(corpus)][:max(sizes)]
    out: dict = {"repeats": repeats}
    started = time.perf_counter()
    signatures_of(bodies)
    out["ours_docs_s"] = len(bodies) / (time.perf_counter() - started)
    sets = [shingles_of(b) for b in bodies[:datasketch_docs]]
    started = time.perf_counter()
    rensa.RMinHash.digest_matrix_from_token_sets(sets, NUM_PERM, 1)
    out["rensa_sets_docs_s"] = len(sets) / (time.perf_counter() - started)
    out["datasketch_sets_docs_s"] = None
    if MinHash is not None:
        encoded = [[s.encode() for s in shingles] for shingles in sets]
        started = time.perf_counter()
        for shingles in encoded:
            MinHash(num_perm=NUM_PERM, seed=1).update_batch(shingles)
        out["datasketch_sets_docs_s"] = len(sets) / (time.perf_counter() - started)
    out["words_per_doc"] = sum(len(b.split()) for b in bodies) / len(bodies)
    for n in sizes:
        table = dedup_rows(bodies[:n], "allsides")
        walls, cpus = [], []
        for _ in range(repeats):  # best of a few: the machine is shared
            wall, cpu = time.perf_counter(), time.process_time()
            _, log = dedup_batches([table], CopyDesk())
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out[f"dedup_{n}_s"], out[f"dedup_{n}_cpu_s"] = min(walls), min(cpus)
        out[f"dedup_{n}_flagged"] = sum(e["status"] == "duplicate" for e in log)
    for n in templated:
        table, desk = dedup_rows(templated_bodies(n), "templated"), CopyDesk()
        wall, cpu = time.perf_counter(), time.process_time()
        published, _ = dedup_batches([table], desk)
        out[f"templated_{n}"] = {
            "s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
            "near": published["duplicate_of"].drop_null().length(),
            "saturated": desk.saturated, "unconfirmed": desk.unconfirmed}
    return out


# ---- report ------------------------------------------------------------------------------

def report(bench: dict | None = None, bbc: dict | None = None, speed: dict | None = None) -> str:
    lines = []
    if bench:
        lines += [f"Perturbation benchmark: {bench['originals']} originals, {bench['copies']} "
                  f"copies, {bench['negatives']} negatives (allsides, seed {bench['seed']})",
                  f"{'kind':22} {'copies':>6} {'caught':>6} {'recall':>7} {'precision':>9}"]
        for kind, k in bench["kinds"].items():
            lines.append(f"{kind:22} {k['copies']:6} {k['caught']:6} {k['recall']:7.4f} "
                         f"{k['precision']:9.4f}")
        lines += [f"{'overall':22} {bench['copies']:6} {bench['caught']:6} "
                  f"{bench['recall']:7.4f} {bench['precision']:9.4f}",
                  f"wrong target: {bench['wrong_target']}; false positives: "
                  f"{len(bench['false_positives'])} {bench['false_positives']}",
                  f"natural copies in the corpus (confirmed, not counted): "
                  f"{len(bench['natural_copies'])}; counted as errors, precision would be "
                  f"{bench['precision_natural_as_errors']:.4f}", ""]
    if bbc:
        lines += [f"BBC: {bbc['files']} files; byte-identical groups {bbc['identical_groups']} "
                  f"({bbc['identical_pairs']} pairs), found as exact duplicates "
                  f"{bbc['identical_found']}; exact duplicates {bbc['exact_duplicates']} "
                  f"(beyond byte-identical: {bbc['exact_not_identical']}); near pairs "
                  f"{bbc['near_pairs']}",
                  f"labelled sample precision: {bbc['sample_precision']}",
                  *[f"  {s}" for s in bbc["sample"]], ""]
    if speed:
        lines += [f"Signatures ({speed['words_per_doc']:.0f} words a document): ours "
                  f"{speed['ours_docs_s']:,.0f} docs/s from raw bodies; on the same shingle sets "
                  f"rensa {speed['rensa_sets_docs_s']:,.0f} docs/s, datasketch "
                  + (f"{speed['datasketch_sets_docs_s']:,.0f} docs/s"
                     if speed["datasketch_sets_docs_s"] else "not installed (dev extra)"),
                  *[f"dedup step, {k.split('_')[1]} articles: {v:.2f} s wall, "
                    f"{speed[k.replace('_s', '_cpu_s')]:.2f} s CPU (best of {speed['repeats']})"
                    for k, v in speed.items() if k.startswith("dedup_") and k.endswith("0_s")]]
        if "dedup_1000_s" in speed and "dedup_10000_s" in speed:
            lines.append(f"10,000 / 1,000 cost ratio: "
                         f"{speed['dedup_10000_s'] / speed['dedup_1000_s']:.1f}x wall, "
                         f"{speed['dedup_10000_cpu_s'] / speed['dedup_1000_cpu_s']:.1f}x CPU")
        lines += [f"dedup step, {k.split('_')[1]} templated records: {v['s']:.2f} s wall, "
                  f"{v['cpu_s']:.2f} s CPU (one run); {v['near']} near copies; bucket entries "
                  f"left out {v['saturated']}, candidates unconfirmed {v['unconfirmed']}"
                  for k, v in speed.items() if k.startswith("templated_")]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    corpus, bbc_root = (argv + [ALLSIDES, BBC][len(argv):])[:2]
    bench = score_perturbations(corpus)
    print(report(bench), flush=True)
    print(report(bbc=score_bbc(bbc_root)), flush=True)
    print(report(speed=score_speed(corpus, templated=(10_000, 100_000))))


if __name__ == "__main__":
    main(sys.argv[1:])
