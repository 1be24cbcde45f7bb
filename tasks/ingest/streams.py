"""Streams: the lines of a JSONL file in bounded memory, and the bytes of a gzip file.

A line longer than the record limit is hashed and counted as it streams past, never held.
A damaged gzip stream yields everything before its first bad byte and then raises
`_Damaged` saying where, so that every line before the damage is kept.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator

READ_CHUNK = 2**20  # bytes read (or decompressed) at a time
GZIP_INPUT = 2**16  # compressed bytes fed to the decompressor at a time


class _Damaged(Exception):
    """A compressed stream is corrupt or truncated; the message says where and how."""


class _Lines:
    """The lines of a stream of byte chunks, numbered from 1, as (number, bytes, size,
    sha256). A line longer than `limit` is hashed and counted as it streams past but not
    kept (bytes None), so memory stays near `limit` whatever the line's length; the sha256
    of a kept line is left to the reader (None), who skips blank ones."""

    def __init__(self, chunks: Iterator[bytes], limit: int):
        self.chunks, self.limit = chunks, limit
        self.number, self.offset = 1, 0  # the line being read, and where it starts
        self._kept: list[bytes] = []
        self._size = 0
        self._digest: hashlib._Hash | None = None  # set once the line is over the limit

    def __iter__(self) -> Iterator[tuple[int, bytes | None, int, str | None]]:
        for chunk in self.chunks:
            start = 0
            while end := chunk.find(b"\n", start) + 1:
                if self._size or end - start > self.limit:  # a long or continued line
                    self._add(chunk[start:end])
                    yield self._take()
                else:  # the common case: the whole line is in this chunk
                    yield self.number, chunk[start:end], end - start, None
                    self.number, self.offset = self.number + 1, self.offset + end - start
                start = end
            if start < len(chunk):
                self._add(chunk[start:])
        if self._size:  # a last line without a newline
            yield self._take()

    def partial(self) -> tuple[str, int]:
        """sha256 and size of what was read of the current line so far."""
        digest = self._digest.copy() if self._digest else hashlib.sha256(b"".join(self._kept))
        return digest.hexdigest(), self._size

    def _add(self, piece: bytes) -> None:
        self._size += len(piece)
        if self._digest is None and self._size <= self.limit:
            self._kept.append(piece)
            return
        if self._digest is None:
            self._digest = hashlib.sha256()
            for kept in self._kept:
                self._digest.update(kept)
            self._kept = []
        self._digest.update(piece)

    def _take(self) -> tuple[int, bytes | None, int, str | None]:
        line = None if self._digest else b"".join(self._kept)
        out = (self.number, line, self._size, self._digest and self._digest.hexdigest())
        self.number, self.offset = self.number + 1, self.offset + self._size
        self._kept, self._size, self._digest = [], 0, None
        return out


def gunzip(fh: object) -> Iterator[bytes]:
    """The decompressed bytes of a gzip file (all its members), at most READ_CHUNK at a
    time. At the first corrupt or missing byte, everything before it has been yielded and
    _Damaged names the compressed byte offset and the error."""
    inflate, data, position = zlib.decompressobj(wbits=31), b"", 0
    while True:
        if not data:
            data = fh.read(GZIP_INPUT)
            if not data:
                if tail := _inflate(inflate, b"", position):  # output held back by the cap
                    yield tail
                    continue
                break
        if inflate.eof:  # a member ended: another may follow; zero bytes may pad the end
            padding = len(data) - len(data.lstrip(b"\0"))
            data, position = data[padding:], position + padding
            if not data:
                continue
            inflate = zlib.decompressobj(wbits=31)
        before = inflate.copy()
        try:
            out = _inflate(inflate, data, position)
        except _Damaged:  # find the exact byte: everything before it is kept
            yield from _salvage(before, data, position)
            raise
        rest = inflate.unused_data if inflate.eof else inflate.unconsumed_tail
        data, position = rest, position + len(data) - len(rest)
        if out:
            yield out
    if position and not inflate.eof:
        raise _Damaged(f"gzip data ends early, at byte {position}: the file is truncated")


def _inflate(inflate: zlib._Decompress, data: bytes, position: int) -> bytes:
    try:
        return inflate.decompress(data, READ_CHUNK)
    except zlib.error as exc:
        raise _Damaged(f"corrupt gzip data near byte {position}: {exc}") from None


def _salvage(inflate: zlib._Decompress, data: bytes, position: int) -> Iterator[bytes]:
    """Feed `data`, in which decompression failed, one byte at a time; raise _Damaged at
    the byte where it fails, after yielding what the bytes before it decode to."""
    for i in range(len(data)):
        try:
            out = inflate.decompress(data[i:i + 1])
        except zlib.error as exc:
            raise _Damaged(f"corrupt gzip data at byte {position + i}: {exc}") from None
        if out:
            yield out
