"""Average linkage over the sparse similarity graph of a set of articles."""

from __future__ import annotations

import heapq


def average_linkage(n: int, edges: dict[tuple[int, int], float], threshold: float) -> list[int]:
    """Average-linkage agglomeration over a sparse similarity graph (missing pairs are 0).

    Merges the pair of clusters with the highest mean pairwise similarity while it reaches
    `threshold`. Each cluster keeps the summed similarity to its neighbours, so a merge costs
    its neighbour count; stale heap entries are skipped. Ties break on cluster ids.
    """
    size = [1] * n
    link: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), s in edges.items():
        link[i][j] = link[j][i] = s
    heap = [(-s, i, j) for (i, j), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    parent = list(range(n))
    alive = [True] * n
    while heap:
        neg, i, j = heapq.heappop(heap)
        if not (alive[i] and alive[j]) or j not in link[i]:
            continue
        if abs(link[i][j] / (size[i] * size[j]) + neg) > 1e-12:
            continue                             # stale: the pair's mean changed since
        alive[j] = False                         # merge j into i (i < j keeps ids small)
        parent[j] = i
        size[i] += size[j]
        for k, s in link[j].items():
            if k != i:
                link[k].pop(j)
                link[i][k] = link[i].get(k, 0.0) + s
                link[k][i] = link[i][k]
        link[i].pop(j)
        link[j] = {}
        for k, s in link[i].items():
            mean = s / (size[i] * size[k])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(i, k), max(i, k)))
    return _labels(parent)


def _labels(parent: list[int]) -> list[int]:
    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x
    first: dict[int, int] = {}
    return [first.setdefault(find(x), len(first)) for x in range(len(parent))]


