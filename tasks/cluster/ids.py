"""Story ids: prior ids survive re-clustering, the oldest first; new stories hash."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Container


def assign_ids(clusters: list[list[str]], prior_members: dict[str, str],
               prior_created: dict[str, datetime.date],
               in_use: Container[str] = frozenset()) -> list[str]:
    """A story id per cluster: prior ids survive, the oldest first; new clusters hash.

    Prior stories are visited oldest first (tie: smallest id); each goes to the still
    unnamed cluster holding most of its former members (tie: smallest article id), so a
    cluster bridging several prior stories keeps the oldest id and a split story keeps
    its id on its larger part. `in_use`: ids of other stories (outside the clusters), never
    given to a new one.
    """
    holders: dict[str, Counter] = defaultdict(Counter)
    for index, cluster in enumerate(clusters):
        for aid in cluster:
            if aid in prior_members:
                holders[prior_members[aid]][index] += 1
    ids: list[str | None] = [None] * len(clusters)
    far = datetime.date.max
    for story_id in sorted(holders, key=lambda s: (prior_created.get(s, far), s)):
        free = [(-count, clusters[i][0], i) for i, count in holders[story_id].items()
                if ids[i] is None]
        if free:
            ids[min(free)[2]] = story_id
    taken = set(prior_members.values()) | set(prior_created)
    for index, cluster in enumerate(clusters):
        if ids[index] is None:
            ids[index] = _new_id(cluster, taken, in_use)
            taken.add(ids[index])
    return [str(story_id) for story_id in ids]


def _new_id(cluster: list[str], taken: set[str], in_use: Container[str]) -> str:
    """`st-` + sha256 of the smallest member, salted if a prior story already uses it."""
    for salt in itertools.count():
        key = cluster[0] if salt == 0 else f"{cluster[0]}#{salt}"
        story_id = "st-" + hashlib.sha256(key.encode()).hexdigest()[:12]
        if story_id not in taken and story_id not in in_use:
            return story_id
    raise AssertionError("unreachable")


