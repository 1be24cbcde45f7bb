"""Same-event story clustering: the similarity of two articles and the clusters it draws.

Two articles report the same event when they use similar words, name the same entities, give the
same figures and were published close together. Each pair's similarity is the mean of a TF-IDF
text cosine, an entity cosine and a cosine of the numbers written in figures, each of the last
two only when both articles have some (same-kind events share vocabulary, same-actor events share
entities, but two events rarely share their toll, magnitude, score or date), zeroed when both
dates are known and further apart than `MAX_GAP_DAYS`, and scaled by `YEAR_CLASH` when the years
the two articles mention (with their publication years) do not overlap: undated reports of
same-kind events with the same actors ("Klitschko defends his title", "Microsoft patches IE")
mostly differ there, and a soft factor survives the odd background year. Candidate pairs come
from an inverted index over each article's most distinctive terms and entities (bounded per
article); each article keeps its top-k exact similarities among them, pairs outside both
articles' few closest at a discount; clusters from average linkage over that sparse graph.

A run re-clusters only the stories its new articles can reach (`stage.py`), from the features
kept in `_state/` by week (`state.py`).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Container

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from tasks.cluster.ids import assign_ids
from tasks.cluster.linkage import average_linkage
from tasks.cluster.rows import source_count, story_row

__all__ = ["assign_ids", "average_linkage", "cluster_labels", "cluster_stories",
           "entity_vectors", "neighbour_edges", "number_vectors", "source_count", "text_vectors",
           "year_vectors"]

# Global settings (the same for every topic and run).
N_FEATURES = 2**20          # hashed vocabulary: collisions are negligible at this size
MAX_GAP_DAYS = 7            # dated articles further apart are never the same story
TOP_K = 100                 # neighbours kept per article: ~k*N edges; above story sizes
NEAR_K = 5                  # an article's closest few: pairs among them count in full...
FAR_WEIGHT = 0.75           # ...other pairs at this share of their similarity
MIN_EDGE = 0.05             # weaker pairs count as unrelated (similarity 0)
YEAR_CLASH = 0.5            # similarity factor when two articles' year sets are disjoint
THRESHOLD = 0.12            # average-linkage similarity needed to merge two clusters
TOP_TERMS = 30              # index keys per article: its most distinctive TF-IDF terms...
TOP_KEY_ENTITIES = 10       # ...and its heaviest entities
MAX_POSTINGS = 200          # keys shared more widely name no single event: not used as keys
MAX_CANDIDATES = 200        # candidates per article (2 * TOP_K): bounds the exact scoring
PAIR_CHUNK = 20_000         # candidate pairs scored at once (bounds memory)


def cluster_stories(articles: list[dict], prior_members: dict[str, str],
                    prior_created: dict[str, datetime.date],
                    in_use: Container[str] = frozenset()) -> tuple[list[dict], list[dict]]:
    """Cluster every article of the lake into stories, keeping prior story ids stable.

    articles: dicts with article_id, title, body, published_date, source_name,
    duplicate_of, entities ({entity_id: mention_count}) and optionally mentioned_dates
    (resolved dates of the article's temporal expressions). prior_members: article_id ->
    story_id of the previous snapshot; prior_created: story_id -> date it was created.
    in_use: ids of the lake's other stories (a run re-clusters only the stories its articles
    can reach), never given to a new story.
    Returns (stories rows, story_members rows) without run_id and ingest_date.
    """
    by_id = {a["article_id"]: a for a in articles}
    root = {aid: _root(aid, by_id) for aid in sorted(by_id)}
    canon = sorted(set(root.values()))
    labels = cluster_labels([by_id[aid] for aid in canon])
    groups: dict[int, list[str]] = defaultdict(list)
    for aid, label in zip(canon, labels, strict=True):
        groups[label].append(aid)
    members_of_root = defaultdict(list)
    for aid, r in root.items():
        members_of_root[r].append(aid)
    clusters = sorted(sorted(m for r in g for m in members_of_root[r]) for g in groups.values())
    ids = assign_ids(clusters, prior_members, prior_created, in_use)
    stories, members = [], []
    for story_id, cluster in zip(ids, clusters, strict=True):
        stories.append(story_row(story_id, [by_id[aid] for aid in cluster]))
        members.extend({"story_id": story_id, "article_id": aid} for aid in cluster)
    stories.sort(key=lambda row: row["story_id"])
    members.sort(key=lambda row: (row["story_id"], row["article_id"]))
    return stories, members


def _root(aid: str, by_id: dict[str, dict]) -> str:
    """The original a near-duplicate (chain) copies; itself when it copies nothing known."""
    seen = {aid}
    while (up := by_id[aid].get("duplicate_of")) in by_id and up not in seen:
        aid = up
        seen.add(aid)
    return aid


def cluster_labels(articles: list[dict], threshold: float = THRESHOLD) -> list[int]:
    """A cluster label per article (labels are 0..n-1 in first-member order)."""
    n = len(articles)
    if n == 0:
        return []
    texts = [_text(a) for a in articles]
    ents = entity_vectors([a.get("entities") or {} for a in articles])
    days = np.array([_day(a.get("published_date")) for a in articles], dtype=np.float64)
    edges = neighbour_edges(text_vectors(texts), ents, days, year_vectors(articles),
                            number_vectors(texts))
    return average_linkage(n, edges, threshold)


def _text(article: dict) -> str:
    return f"{article.get('title') or ''}\n{article.get('body') or ''}"


def _day(date: datetime.date | None) -> float:
    return float(date.toordinal()) if date is not None else np.nan


def text_vectors(texts: list[str]) -> sp.csr_matrix:
    """L2-normalised sublinear TF-IDF rows (hashed, so no vocabulary to keep)."""
    hashed = HashingVectorizer(n_features=N_FEATURES, stop_words="english", alternate_sign=False,
                               norm=None).transform(texts)
    return TfidfTransformer(sublinear_tf=True).fit_transform(hashed).tocsr()


def entity_vectors(entities: list[dict[str, int]]) -> sp.csr_matrix:
    """L2-normalised rows of log-scaled mention counts weighted by entity rarity."""
    counts = DictVectorizer().fit_transform(entities)
    if counts.shape[1] == 0:
        return sp.csr_matrix((len(entities), 1))
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()


# A number written in figures, not part of a word or of a longer number ("6.1", "100,000", "24").
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")


def figures(text: str) -> list[str]:
    """The numbers a text writes in figures ("6.1", "1200" for "1,200")."""
    return [n.replace(",", "") for n in _NUMBER.findall(text)]


def number_vectors(texts: list[str]) -> sp.csr_matrix:
    """L2-normalised binary rows of the numbers a text writes in figures, weighted by rarity
    (a common "1" or the current year says little; a toll of 24 or a 6.1 magnitude does)."""
    hashed = HashingVectorizer(n_features=N_FEATURES, analyzer=figures, alternate_sign=False,
                               binary=True, norm=None).transform(texts)
    return TfidfTransformer().fit_transform(hashed).tocsr()


def year_vectors(articles: list[dict]) -> sp.csr_matrix:
    """Binary rows of the years an article mentions or was published in."""
    years = [{str(d.year): 1 for d in [*(a.get("mentioned_dates") or []), a.get("published_date")]
              if d is not None} for a in articles]
    matrix = DictVectorizer().fit_transform(years)
    return matrix.tocsr() if matrix.shape[1] else sp.csr_matrix((len(articles), 1))


def combine(text_sim: np.ndarray, *others: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Mean of the text cosine and each other (cosine, both articles have the feature) part; a
    part one article lacks (no entities, no figures) is left out rather than counted as 0."""
    total, count = text_sim.copy(), np.ones(len(text_sim))
    for sim, present in others:
        total += np.where(present, sim, 0.0)
        count += present
    return total / count


def neighbour_edges(text: sp.csr_matrix, ents: sp.csr_matrix, days: np.ndarray,
                    years: sp.csr_matrix | None = None,
                    numbers: sp.csr_matrix | None = None) -> dict[tuple[int, int], float]:
    """Each article's TOP_K most similar candidates (similarity > MIN_EDGE), symmetrised; a pair
    in which neither article is among the other's NEAR_K closest counts at FAR_WEIGHT.

    The discount is relative to each article's own neighbourhood: two reports of one event are
    each other's closest, while a same-kind event with the same actors (last year's arrest,
    the previous patch) is close in absolute terms but ranks behind the event's own reports.
    Candidates come from an inverted index (`candidate_pairs`), so the exact similarity is
    computed for a bounded number of pairs per article rather than for every pair in a date
    window (whose density grows with the lake) or, for undated articles, every pair at all.
    """
    n = text.shape[0]
    years = years if years is not None else sp.csr_matrix((n, 1))
    numbers = numbers if numbers is not None else sp.csr_matrix((n, 1))
    rows, cols = candidate_pairs(index_keys(text, ents), days)
    sim = np.empty(len(rows))
    for lo in range(0, len(rows), PAIR_CHUNK):
        r, c = rows[lo:lo + PAIR_CHUNK], cols[lo:lo + PAIR_CHUNK]
        sim[lo:lo + PAIR_CHUNK] = _pair_similarity(text, ents, years, numbers, days, r, c)
    keep = sim > MIN_EDGE
    rows, cols, sim = rows[keep], cols[keep], sim[keep]
    # Top-k per article over both directions; ties break on the other article's index.
    src, dst, val = np.r_[rows, cols], np.r_[cols, rows], np.r_[sim, sim]
    order = np.lexsort((dst, -val, src))
    src, dst, val = src[order], dst[order], val[order]
    rank = np.arange(len(src)) - np.searchsorted(src, src, "left")
    top = rank < TOP_K
    lo, hi = np.minimum(src, dst)[top], np.maximum(src, dst)[top]
    closest = rank[top] < NEAR_K
    near = set(zip(lo[closest].tolist(), hi[closest].tolist(), strict=True))
    edges: dict[tuple[int, int], float] = {}
    for i, j, s in zip(lo.tolist(), hi.tolist(), val[top].tolist(), strict=True):
        edges[i, j] = s if (i, j) in near else s * FAR_WEIGHT
    return edges


def index_keys(text: sp.csr_matrix, ents: sp.csr_matrix) -> sp.csr_matrix:
    """Article x key rows keeping only an article's TOP_TERMS heaviest TF-IDF terms and its
    TOP_KEY_ENTITIES heaviest entities (the words and actors that say which event it is),
    with their weights: the product of two rows is a cheap lower bound of their cosines."""
    return sp.hstack([_heaviest(text, TOP_TERMS), _heaviest(ents, TOP_KEY_ENTITIES)]).tocsr()


def _heaviest(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    keep = np.zeros(len(data), dtype=bool)
    for i in range(matrix.shape[0]):
        lo = indptr[i]
        pick = np.lexsort((indices[lo:indptr[i + 1]], -data[lo:indptr[i + 1]]))[:k]
        keep[lo + pick] = True                  # weight, then column: deterministic
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(indptr))
    return sp.csr_matrix((data[keep], (rows[keep], indices[keep])), shape=matrix.shape)


def candidate_pairs(keys: sp.csr_matrix, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) sharing an index key that is not too common where it is looked up, each
    article keeping its MAX_CANDIDATES best by the key product.

    Dated pairs share a key within neighbouring weeks (|week difference| <= 1 covers the
    MAX_GAP_DAYS gate); a key held by more than MAX_POSTINGS articles of those three weeks
    is skipped there. Undated articles look keys up over the whole lake, skipping keys held
    by more than MAX_POSTINGS articles in all. The caps bound the work per article, so the
    search grows with the lake size, not its square.
    """
    n = keys.shape[0]
    dated = ~np.isnan(days)
    found = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
    if dated.any():
        coo = keys[dated].tocoo()
        ids = np.flatnonzero(dated)
        week = np.floor(days[dated] / 7).astype(np.int64)
        week -= week.min() - 1
        span = int(week.max()) + 2
        own = coo.col.astype(np.int64) * span + week[coo.row]
        near = np.concatenate([own - 1, own, own + 1])
        cols, inverse = np.unique(np.r_[own, near], return_inverse=True)
        shape = (len(ids), len(cols))
        own_m = sp.csr_matrix((coo.data, (coo.row, inverse[:len(own)])), shape=shape)
        near_m = sp.csr_matrix((np.tile(coo.data, 3), (np.tile(coo.row, 3),
                                                         inverse[len(own):])), shape=shape)
        usable = sp.diags((near_m.getnnz(axis=0) <= MAX_POSTINGS).astype(np.float64))
        shared = ((own_m @ usable) @ near_m.T).tocoo()   # the caps make it asymmetric
        found.append((ids[shared.row], ids[shared.col], shared.data))
    if (~dated).any():
        usable = keys @ sp.diags((keys.getnnz(axis=0) <= MAX_POSTINGS).astype(np.float64))
        undated = np.flatnonzero(~dated)
        shared = (usable[undated] @ usable.T).tocoo()
        found.append((undated[shared.row], shared.col, shared.data))
    a, b, score = (np.concatenate(parts) for parts in zip(*found, strict=True))
    a, b = a.astype(np.int64), b.astype(np.int64)
    src, dst, score = np.r_[a, b], np.r_[b, a], np.r_[score, score]
    key = src * n + dst                         # each directed pair once, at its best score
    order = np.lexsort((-score, key))
    key, score = key[order], score[order]
    first = np.r_[True, key[1:] != key[:-1]] & (key // n != key % n)
    src, dst, score = key[first] // n, key[first] % n, score[first]
    order = np.lexsort((dst, -score, src))
    src, dst = src[order], dst[order]
    best = np.arange(len(src)) - np.searchsorted(src, src, "left") < MAX_CANDIDATES
    src, dst = src[best], dst[best]
    flat, votes = np.unique(np.minimum(src, dst) * n + np.maximum(src, dst), return_counts=True)
    flat = flat[votes == 2]                     # mutual: no article's work grows past the cap
    return flat // n, flat % n


def _pair_similarity(text: sp.csr_matrix, ents: sp.csr_matrix, years: sp.csr_matrix,
                     numbers: sp.csr_matrix, days: np.ndarray, rows: np.ndarray,
                     cols: np.ndarray) -> np.ndarray:
    """The exact similarity of each pair (rows[p], cols[p])."""
    def dot(m: sp.csr_matrix) -> np.ndarray:
        return np.asarray(m[rows].multiply(m[cols]).sum(axis=1)).ravel()
    def both(m: sp.csr_matrix) -> np.ndarray:
        has = np.diff(m.indptr) > 0
        return has[rows] & has[cols]
    sim = combine(dot(text), (dot(ents), both(ents)), (dot(numbers), both(numbers)))
    clash = (dot(years) == 0) & both(years)
    sim[clash] *= YEAR_CLASH
    sim[np.abs(days[rows] - days[cols]) > MAX_GAP_DAYS] = 0.0   # NaN (undated) compares False
    return sim


