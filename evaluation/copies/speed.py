"""Speed: signatures per second (ours, rensa, datasketch) and the dedup step's wall and CPU
time on allsides and on templated records."""

from __future__ import annotations

import time

import rensa

from evaluation.copies.benchmark import ALLSIDES, load_allsides
from evaluation.copies.templated import dedup_rows, templated_bodies
from tasks.dedup import NUM_PERM, CopyDesk, dedup_batches, shingles_of, signatures_of


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
