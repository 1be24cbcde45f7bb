"""Direct-quote extraction scored on PolNeAR (Newell et al. 2018) through the real pipeline path.

Run: python -m evaluation.quotes [root] [split] [docbin-cache]. Protocol:

- Each `<split>/text/<name>.txt` is cleaned by `tasks.clean.clean_record` (format "text") and
  extracted by `tasks.extract.extract_articles`. Gold offsets index the raw file, so raw and
  body are aligned word by word (difflib on whitespace-separated words; cleaning only drops
  whitespace and whole paragraphs) and each gold span is mapped through that alignment. A gold
  quote with less than half of its words in the body is "lost by cleaning" and left out of P/R.
- One annotator per article: the first `.ann` file by name.
- Gold direct quote: a `Content` span (all its fragments) holding a double quote mark
  (" “ ” „ « »); single quotes are left out, they cannot be told from apostrophes.
- A prediction (kind "direct") and a gold quote match when they overlap by at least half of the
  shorter one. Precision: matched predictions / predictions; recall: matched gold / gold (a gold
  quote split by "he said" into two predictions counts once for recall, both count as right).
- Speaker, on predictions matched to a gold quote that has a `Source` (the most-overlapping
  gold quote): right when (a) speaker_entity_id is the entity of a mention inside the gold
  Source, or (b) the speaker text, at its occurrence nearest the quote, overlaps the Source, or
  (c) the Source is a pronoun (he, she, I, we, they ...) and the speaker names what it refers
  to. PolNeAR has no coreference, so for `dev` the referent is hand-annotated
  (`evaluation/gold/polnear_referents.jsonl`, keyed by article and the Source's raw offsets): the
  speaker text, or the longest PERSON mention of speaker_entity_id, names it when one holds
  the other as whole words ("Clinton" for "Hillary Clinton"), or when both end in the same
  capitalised surname and the speaker's other words are in the referent, initials or titles
  ("Sen. Warren"; not "Hillary Clinton" for "Bill Clinton"); an unnamed referent ("29
  others") needs its head noun in the speaker. Pronoun Sources without an annotation (train)
  fall back to the entity of the nearest earlier named gold Source, else of the nearest PERSON
  mention before the pronoun (the pipeline's own NER; this shares the extractor's recency
  heuristic). Pronoun cases are reported apart.
- Baselines: every double-quoted span in a paragraph (regex), and for speakers the PERSON
  mention nearest to each of our predicted quotes, outside it (either side).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import time
from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import tasks.extract as extract
from evaluation import splits
from tasks.clean import clean_record
from tasks.extract.extractor import Extractor

DEFAULT_ROOT = "../shared/datasets/polnear/data"  # from a checkout
MARK = re.compile(r'["“”„«»]')
PRONOUNS = {"he", "she", "i", "we", "they", "him", "her", "it", "you", "me", "us", "them",
            "who", "which", "that"}
RELATIVE = {"who", "which", "that"}
TITLES = {"mr", "mrs", "ms", "dr", "sen", "senator", "rep", "gov", "governor", "president",
          "former", "secretary", "gen", "general"}
# package data, so that `wiredesk eval` runs from an installed wheel too
REFERENTS = files("evaluation").joinpath("gold", "polnear_referents.jsonl")
Span = tuple[int, int]
Person = tuple[int, int, str, str]  # start, end, entity_id, text of a PERSON mention


# --- gold --------------------------------------------------------------------------------------

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


# --- raw -> body alignment ---------------------------------------------------------------------

class Aligner:
    """Maps raw character offsets to body offsets through identical words."""

    def __init__(self, raw: str, body: str) -> None:
        self.raw_words = [m.span() for m in re.finditer(r"\S+", raw)]
        body_words = [m.span() for m in re.finditer(r"\S+", body)]
        a = [raw[s:e] for s, e in self.raw_words]
        b = [body[s:e] for s, e in body_words]
        self.to_body: dict[int, Span] = {}
        for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                self.to_body[block.a + k] = body_words[block.b + k]
        self.raw_starts = [s for s, _ in self.raw_words]

    def span(self, start: int, end: int) -> tuple[Span | None, float]:
        """Body span of raw [start, end) and the share of its words found in the body."""
        lo = max(0, bisect_right(self.raw_starts, start) - 1)
        hi = bisect_left(self.raw_starts, end)
        words = [i for i in range(lo, hi) if self.raw_words[i][1] > start]
        kept = [i for i in words if i in self.to_body]
        if not kept:
            return None, 0.0
        first, last = kept[0], kept[-1]
        b_start = self.to_body[first][0] + max(0, start - self.raw_words[first][0])
        b_end = self.to_body[last][1] - max(0, self.raw_words[last][1] - end)
        return (b_start, b_end), len(kept) / len(words)

    def spans(self, frags: list[Span]) -> tuple[list[Span], float]:
        mapped = [self.span(s, e) for s, e in frags]
        total = sum(e - s for s, e in frags) or 1
        share = sum(sh * (e - s) for (_, sh), (s, e) in zip(mapped, frags, strict=True)) / total
        return [m for m, _ in mapped if m is not None], share


# --- matching ----------------------------------------------------------------------------------

def overlap(a: list[Span], b: list[Span]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def length(spans: list[Span]) -> int:
    return sum(e - s for s, e in spans)


def matches(pred: Span, gold: list[Span]) -> int:
    """Overlap when it reaches half of the shorter span, else 0."""
    o = overlap([pred], gold)
    return o if o and 2 * o >= min(pred[1] - pred[0], length(gold)) else 0


def locate(body: str, text: str, quote: Span) -> Span | None:
    """The whole-word occurrence of `text` outside the quote nearest to it."""
    hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", body)
            if m.end() <= quote[0] or m.start() >= quote[1]]
    return min(hits, key=lambda h: abs(h[0] - quote[0]), default=None)


def referent(gold: dict, people: list[Person]) -> str | None:
    """Entity a pronoun Source stands for: that of the nearest earlier named gold Source (one
    holding a PERSON mention), else the nearest PERSON mention ending before the pronoun."""
    at = gold["source"][0][0]
    for _, e, eid, _ in reversed(gold["named_before"]):
        if e <= at:
            return eid
    before = [p for p in people if p[1] <= at]
    return before[-1][2] if before else None


def _words(text: str) -> list[str]:
    return re.findall(r"\w[\w'’-]*", text.lower())


def names_referent(speaker: str, ref: dict) -> bool:
    """Whether a speaker name names a hand-annotated referent (rules in the module docstring)."""
    s, r = _words(speaker), _words(ref["referent"])
    if not s or not r:
        return False
    if not ref["named"]:
        return r[-1] in s  # the head noun of "29 others"

    def within(a: list[str], b: list[str]) -> bool:
        return any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))

    if within(s, r) or within(r, s):
        return True
    return s[-1] == r[-1] and ref["referent"].split()[-1][:1].isupper() and all(
        w in r or w in TITLES or len(w) == 1 for w in s[:-1])


def speaker_right(row: dict, gold: dict, body: str, people: list[Person]) -> bool:
    source = gold["source"]
    if ref := gold.get("annotated"):
        entity = max((p[3] for p in people if p[2] == row["speaker_entity_id"]), key=len,
                     default="")
        if names_referent(row["speaker"] or "", ref) or names_referent(entity, ref):
            return True
    ids = {m["entity_id"] for m in gold["mentions"]}
    if gold["pronoun"] and not ref and (eid := gold["referent"]):
        ids.add(eid)
    if row["speaker_entity_id"] in ids:
        return True
    speaker = row["speaker"]
    if not speaker:
        return False
    written = " ".join(body[s:e] for s, e in source)
    if re.search(rf"(?<!\w){re.escape(speaker)}(?!\w)", written) or not gold["pronoun"] and \
            re.search(rf"(?<!\w){re.escape(written)}(?!\w)", speaker):
        return True  # "Coan" for "Coan, Santilli's attorney,"; "Brian Fallon" for "Fallon"
    where = locate(body, speaker, (row["start"], row["end"]))
    if where and (overlap([where], source) or written.lower() in RELATIVE
                  and 0 <= source[0][0] - where[1] <= 3):
        return True  # the Source, or the noun a relative "who" stands for
    names = {name for _, _, eid, name in people if eid in ids}
    return any(speaker in name.split() + [name] for name in names)


def regex_quotes(body: str) -> list[Span]:
    spans = []
    for line in re.finditer(r"[^\n]+", body):
        for m in re.finditer(r'“([^”“]+)”|"([^"]+)"', line.group()):
            g = 1 if m.group(1) is not None else 2
            spans.append((line.start() + m.start(g), line.start() + m.end(g)))
    return spans


def nearest_person(span: Span, people: list[Person]) -> dict:
    outside = [p for p in people if p[1] <= span[0] or p[0] >= span[1]]
    if not outside:
        return {"speaker": None, "speaker_entity_id": None}
    p = min(outside, key=lambda p: span[0] - p[1] if p[1] <= span[0] else p[0] - span[1])
    return {"speaker": p[3], "speaker_entity_id": p[2]}


# --- scoring -----------------------------------------------------------------------------------

class _Timed:
    """Wraps an extractor to add up its time (spaCy time is the rest of extract_articles)."""

    def __init__(self, fn) -> None:
        self.fn, self.seconds = fn, 0.0

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t0


class _CachedNLP:
    """Stands in for the Language in extract_articles, serving Docs parsed earlier."""

    def __init__(self, docs: dict) -> None:
        self.docs = docs

    def pipe(self, texts, as_tuples: bool = True, **_):
        for text, ctx in texts:
            yield self.docs[text], ctx


def _parse(bodies: list[str], cache: str | None):
    from spacy.tokens import DocBin

    nlp = extract.load_nlp()
    if cache and os.path.exists(cache):
        docs = {d.text: d for d in DocBin().from_bytes(Path(cache).read_bytes()).get_docs(
            nlp.vocab)}
        if all(body in docs for body in bodies):  # (a part of a split: the split's cache)
            return _CachedNLP(docs), 0.0
    if not cache:
        return nlp, None
    t0 = time.perf_counter()
    docs = list(nlp.pipe(bodies, batch_size=64))
    seconds = time.perf_counter() - t0
    Path(cache).write_bytes(DocBin(store_user_data=False, docs=docs).to_bytes())
    return _CachedNLP(dict(zip(bodies, docs, strict=True))), seconds


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict:
    p, r = tp_pred / max(n_pred, 1), tp_gold / max(n_gold, 1)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "predicted": n_pred, "gold": n_gold}


def prepare(root: str, split: str) -> tuple[list[dict], list[list[dict]], int, int]:
    """Each article cleaned as the pipeline cleans it, with its gold quotes mapped onto the
    body; and the counts of gold direct quotes before cleaning and lost by it."""
    now = dt.datetime.now(dt.UTC)
    data, articles, n_lost, n_gold_all = load_split(root, split), [], 0, 0
    referents = load_referents(split)
    golds: list[list[dict]] = []
    for name, raw, gold in data:
        article = clean_record({"source_uri": name, "text": raw, "format": "text"}, now)
        article["published_date"] = None
        aligner, kept = Aligner(raw, article["body"]), []
        for g in gold:
            n_gold_all += g["direct"]
            spans, share = aligner.spans(g["frags"])
            if share < 0.5:
                n_lost += g["direct"]
                continue
            source, pronoun, annotated = None, False, None
            if g["source"]:
                src, src_share = aligner.spans(g["source"])
                source = src if src and src_share >= 0.5 else None
                pronoun = source is not None and article["body"][
                    source[0][0]:source[-1][1]].lower() in PRONOUNS
                annotated = referents.get((name, *g["source"][0])) if pronoun else None
            kept.append({"spans": spans, "source": source, "pronoun": pronoun,
                         "annotated": annotated, "direct": g["direct"]})
        articles.append(article)
        golds.append(kept)
    return articles, golds, n_gold_all, n_lost


def by_article(out: dict) -> dict[str, dict[str, list[dict]]]:
    """extract_articles' tables, grouped by article: {article_id: {table: rows}}."""
    grouped: dict[str, dict[str, list[dict]]] = {}
    for table, rows in out.items():
        for row in rows:
            grouped.setdefault(row["article_id"], {}).setdefault(table, []).append(row)
    return grouped


def people_of(tables: dict[str, list[dict]]) -> tuple[list[dict], list[Person]]:
    """An article's mentions and its PERSON mentions, from its tables (by_article)."""
    labels = {r["entity_id"]: r["label"] for r in tables.get("entities", [])}
    mentions = tables.get("mentions", [])
    return mentions, [(m["start"], m["end"], m["entity_id"], m["text"]) for m in mentions
                      if labels.get(m["entity_id"]) == "PERSON"]


def direct_gold(gold: list[dict], mentions: list[dict], people: list[Person]) -> list[dict]:
    """The article's gold direct quotes, each with the mentions inside its Source and, for a
    pronoun Source with no hand-annotated referent, the entity taken to be its referent."""
    named: list[Person] = []
    for g in sorted(gold, key=lambda g: g["source"][0] if g["source"] else (0, 0)):
        g["mentions"] = [m for m in mentions if g["source"] and overlap(
            [(m["start"], m["end"])], g["source"])]
        g["named_before"] = list(named)
        named += [p for p in people if g["source"] and not g["pronoun"]
                  and overlap([p[:2]], g["source"])][:1]  # the Source's own name
    for g in gold:
        g["referent"] = referent(g, people) if g["pronoun"] and not g["annotated"] else None
    return [g for g in gold if g["direct"]]  # the others only served to resolve pronouns


def score_polnear(root: str = DEFAULT_ROOT, split: str = "dev", cache: str | None = None,
                  details: bool = False) -> dict:
    """Scores as described in the module docstring; `cache` is a DocBin path for reruns (of
    the split, or of the whole folder when `split` is a part of it)."""
    articles, golds, n_gold_all, n_lost = prepare(root, split)

    # every registered extractor timed (the entities' work is timed once, by the first
    # extractor that asks for it)
    saved = extract.EXTRACTORS
    timers = {e.table: _Timed(e.rows) for e in saved}
    nlp, parse_s = _parse([a["body"] for a in articles], cache)
    t0 = time.perf_counter()
    try:
        extract.EXTRACTORS = tuple(Extractor(table, timer) for table, timer in timers.items())
        out = extract.extract_articles(articles, nlp)
    finally:
        extract.EXTRACTORS = saved
    total = time.perf_counter() - t0
    spacy_s = parse_s if parse_s is not None else total - sum(
        t.seconds for t in timers.values())

    counts = {k: 0 for k in ("pred", "tp_pred", "gold", "tp_gold", "base_pred", "base_tp_pred",
                             "base_tp_gold", "spk_n", "spk_ok", "pro_n", "pro_ok",
                             "base_spk_ok", "pro_hand")}
    errors = []
    grouped = by_article(out)
    for article, gold in zip(articles, golds, strict=True):
        aid, body = article["article_id"], article["body"]
        tables = grouped.get(aid, {})
        mentions, people = people_of(tables)
        gold = direct_gold(gold, mentions, people)
        rows = [r for r in tables.get("quotes", []) if r["kind"] == "direct"]
        counts["pred"] += len(rows)
        counts["gold"] += len(gold)
        hit_gold: set[int] = set()
        for row in rows:
            scored = [(matches((row["start"], row["end"]), g["spans"]), i)
                      for i, g in enumerate(gold)]
            best, i = max(scored, default=(0, -1))  # (the most-overlapping gold quote)
            if not best:
                errors.append(("FP", aid, row["text"][:80]))
                continue
            counts["tp_pred"] += 1
            hit_gold.update(j for o, j in scored if o)
            g = gold[i]
            if g["source"] is None:
                continue
            ok = speaker_right(row, g, body, people)
            base = speaker_right({**row, **nearest_person((row["start"], row["end"]), people)},
                                 g, body, people)
            counts["spk_n"] += 1
            counts["spk_ok"] += ok
            counts["base_spk_ok"] += base
            counts["pro_n"] += g["pronoun"]
            counts["pro_ok"] += ok and g["pronoun"]
            counts["pro_hand"] += bool(g["annotated"])
            if not ok:
                src = " | ".join(body[s:e] for s, e in g["source"])
                ref = g["annotated"]["referent"] if g["annotated"] else g["referent"]
                errors.append(("SPK", aid, f"{row['speaker']!r} vs {src!r} ({ref}): "
                               f"{row['text'][:50]}", body[max(0, row["start"] - 300):
                                                        row["end"] + 150]))
        counts["tp_gold"] += len(hit_gold)
        for i, g in enumerate(gold):
            if i not in hit_gold:
                errors.append(("FN", aid, " | ".join(body[s:e] for s, e in g["spans"])[:100]))
        base = regex_quotes(body)
        counts["base_pred"] += len(base)
        counts["base_tp_pred"] += sum(any(matches(b, g["spans"]) for g in gold) for b in base)
        counts["base_tp_gold"] += sum(any(matches(b, g["spans"]) for b in base) for g in gold)

    c = counts
    result = {
        "split": split, "articles": len(articles), "gold_all": n_gold_all,
        "lost_by_cleaning": n_lost / max(n_gold_all, 1),
        "quotes": _prf(c["tp_pred"], c["pred"], c["tp_gold"], c["gold"]),
        "regex_baseline": _prf(c["base_tp_pred"], c["base_pred"], c["base_tp_gold"], c["gold"]),
        "speaker_accuracy": c["spk_ok"] / max(c["spk_n"], 1), "speaker_n": c["spk_n"],
        "speaker_accuracy_pronoun": c["pro_ok"] / max(c["pro_n"], 1), "pronoun_n": c["pro_n"],
        "pronoun_hand_annotated": c["pro_hand"],
        "speaker_accuracy_named": (c["spk_ok"] - c["pro_ok"]) / max(c["spk_n"] - c["pro_n"], 1),
        "nearest_person_baseline": c["base_spk_ok"] / max(c["spk_n"], 1),
        "seconds": {"spacy": spacy_s, "quotes": timers["quotes"].seconds,
                    "cached_docs": parse_s == 0.0},
    }
    if details:
        result["errors"] = errors
    return result


def report(result: dict) -> str:
    q, b, t = result["quotes"], result["regex_baseline"], result["seconds"]
    lines = [
        f"PolNeAR {result['split']}: {result['articles']} articles, "
        f"{q['gold']} gold direct quotes scored ({result['gold_all']} before cleaning, "
        f"lost by cleaning {result['lost_by_cleaning']:.1%})",
        f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}",
        *(f"{name:24}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['predicted']:7d}"
          for name, m in (("quotes (wiredesk)", q), ("regex baseline", b))),
        f"speaker accuracy        {result['speaker_accuracy']:.3f}  on {result['speaker_n']} "
        f"matched quotes with a gold Source (named {result['speaker_accuracy_named']:.3f}, "
        f"pronoun {result['speaker_accuracy_pronoun']:.3f} on {result['pronoun_n']}, "
        f"{result['pronoun_hand_annotated']} with a hand-annotated referent)",
        f"nearest-person baseline {result['nearest_person_baseline']:.3f}",
        f"time: spaCy {t['spacy']:.2f}s{' (cached Docs)' if t['cached_docs'] else ''}, "
        f"quotes {t['quotes']:.3f}s",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    args = sys.argv[1:]
    print(report(score_polnear(args[0] if args else DEFAULT_ROOT,
                               args[1] if len(args) > 1 else "dev",
                               args[2] if len(args) > 2 else None)))
