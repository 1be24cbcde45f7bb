"""Shingles and MinHash signatures of article bodies, and their LSH band keys.

Stored signatures depend on these settings, blake2b word hashes and rensa's MinHash algorithm
(RMinHash.ALGORITHM_VERSION): change any of them and the stored state must be rebuilt (raise
the version of `index.COPIES`).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict

import numpy as np
import rensa

SEED = 1
SHINGLE_WORDS = 3
BANDS, ROWS = 42, 3
# 126, not the 128 of the first scheme (5-gram strings): a stored signature of another length
# was made by an older scheme.
NUM_PERM = BANDS * ROWS

_WORD = re.compile(r"\w+|\n\n")  # words, and paragraph breaks as tokens of their own


def band_keys(signature: np.ndarray) -> list[int]:
    """One 64-bit key a band: its number and ROWS values combined (a rare clash only adds a
    candidate, which the similarity check then rejects)."""
    return band_key_matrix(signature[np.newaxis])[0].tolist()


def band_key_matrix(signatures: np.ndarray) -> np.ndarray:
    """band_keys of many signatures (n x NUM_PERM) at once: n x BANDS uint64."""
    rows = signatures[:, :BANDS * ROWS].reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    key = np.broadcast_to(np.arange(BANDS, dtype=np.uint64), (len(signatures), BANDS))
    for i in range(ROWS):
        key = key * np.uint64(0x9E3779B97F4A7C15) + rows[:, :, i]
    return key


def _words(body: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", body).casefold())


def shingles_of(body: str) -> set[str]:
    """The shingles as text (for reading and tests; signatures hash the same 3-grams)."""
    out, para = set(), []
    for word in [*_words(body), "\n\n"]:
        if word != "\n\n":
            para.append(word)
            continue
        out |= {" ".join(para[i:i + SHINGLE_WORDS])
                for i in range(len(para) - SHINGLE_WORDS + 1)}
        para = []
    return out or {" ".join(w for w in _words(body) if w != "\n\n")}


def signature_of(body: str) -> tuple[np.ndarray, int]:
    signatures, sizes = signatures_of([body])
    return signatures[0], int(sizes[0])


def signatures_of(bodies: list[str], chunk: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (n x NUM_PERM, uint32) and distinct shingle counts of many bodies,
    `chunk` at a time to bound memory."""
    parts = [_signatures(bodies[i:i + chunk]) for i in range(0, len(bodies), chunk)]
    if not parts:
        return np.empty((0, NUM_PERM), dtype=np.uint32), np.empty(0, dtype=np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _signatures(bodies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One batch. Python only splits words and hashes each distinct word once; the 3-grams,
    their count and the MinHash itself are vectorised (numpy, rensa's flat-hash batch)."""
    docs = [_words(body) for body in bodies]
    vocab: defaultdict[str, int] = defaultdict()
    vocab.default_factory = vocab.__len__  # a new word gets the next id, all in C
    vocab["\n\n"]  # id 0: the paragraph break
    flat = np.fromiter(itertools.chain.from_iterable(map(vocab.__getitem__, words)
                                                     for words in docs),
                       np.int64, sum(map(len, docs)))
    word_hash = np.array([_hash64(w) for w in vocab], dtype=np.uint64)
    doc = np.repeat(np.arange(len(docs)), [len(words) for words in docs])
    k = SHINGLE_WORDS
    n_grams = max(len(flat) - k + 1, 0)
    # A 3-gram is valid when its words are in one document and one paragraph (no break token).
    valid = doc[:n_grams] == doc[k - 1:k - 1 + n_grams]
    gram = np.zeros(n_grams, dtype=np.uint64)
    for i in range(k):
        ids = flat[i:i + n_grams]
        valid &= ids != 0
        gram = gram * np.uint64(0x100000001B3) + word_hash[ids]  # order-sensitive combination
    gram, gram_doc = _mix(gram[valid]), doc[:n_grams][valid]
    # A text with no 3-gram at all (only very short paragraphs) is one shingle: its words.
    if (empty := np.setdiff1d(np.arange(len(docs)), gram_doc)).size:
        extra = np.array([_hash64(" ".join(docs[d])) for d in empty], dtype=np.uint64)
        order = np.argsort(np.concatenate([gram_doc, empty]), kind="stable")
        gram = np.concatenate([gram, extra])[order]
        gram_doc = np.concatenate([gram_doc, empty])[order]
    # Distinct 3-grams a document: sort (document, top 44 bits of the hash) keys; a clash
    # inside one text is a ~1e-8 event. MinHash itself ignores repeats, so it gets them all.
    key = (gram_doc.astype(np.uint64) << np.uint64(44)) | (gram >> np.uint64(20))
    key.sort()
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    sizes = np.bincount((key[first] >> np.uint64(44)).astype(np.int64), minlength=len(docs))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(gram_doc, minlength=len(docs)))])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        gram, offsets.astype(np.uint64), NUM_PERM, SEED)
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(docs), NUM_PERM), sizes


def _hash64(text: str) -> int:
    # blake2b, not hash(): signatures persist in the lake, so they must not vary by process.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, so that 3-grams sharing words get unrelated hashes."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))

