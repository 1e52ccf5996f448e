"""Decompressed bytes held in blocks of anonymous memory, never joined into one object.

A compressed tar is decompressed whole before it is listed. Joining the decompressor's output
into one ``bytes`` object would hold it twice for a moment (the pieces and the joined copy), and
one object can only be freed whole. In blocks, the tar is held once, and a block that no member
still to be read overlaps goes back to the system while the scan goes on
(:meth:`Chunked.expect`). Each block is its own anonymous memory map, so releasing it returns
its pages at once (freed heap memory is often kept by the allocator).
"""

from __future__ import annotations

import mmap
from bisect import bisect_right
from collections.abc import Iterable

BLOCK = 4 * 1024 * 1024
"""Bytes per block: the unit in which a tar's bytes are released."""


class ReleasedError(RuntimeError):
    """A read touched a part released by :meth:`Chunked.expect`: a caller read a member it had
    not announced, which is a programming error, never a property of an artifact."""


class Chunked:
    """Read-only bytes made of consecutive parts; slices copy like ``bytes`` slices."""

    __slots__ = ("_ends", "_parts", "_pending", "size")

    def __init__(self, parts: Iterable[bytes | tuple[mmap.mmap, int]]) -> None:
        """``parts``: ``bytes``, or blocks with the number of bytes used in each."""
        self._parts: list[bytes | mmap.mmap | None] = []
        self._ends: list[int] = []
        total = 0
        for part in parts:
            block, used = (part, len(part)) if isinstance(part, bytes) else part
            if used:
                total += used
                self._parts.append(block)
                self._ends.append(total)
        self.size = total
        self._pending: list[int] | None = None
        """Per part, the announced reads still to come that overlap it (``None``: keep all)."""

    def __len__(self) -> int:
        return self.size

    def _span(self, start: int, end: int) -> range:
        """Indexes of the parts that bytes ``[start, end)`` (clipped, non-empty) lie in."""
        first = bisect_right(self._ends, start)
        last = bisect_right(self._ends, end - 1)
        return range(first, last + 1)

    def slice(self, start: int, end: int) -> bytes:
        """``bytes[start:end]`` for offsets ``>= 0``: clipped to the size, empty if reversed."""
        start, end = max(start, 0), min(end, self.size)
        if end <= start:
            return b""
        pieces: list[bytes] = []
        for index in self._span(start, end):
            part = self._parts[index]
            if part is None:
                raise ReleasedError(f"bytes {start}-{end} were released")
            base = self._ends[index - 1] if index else 0
            pieces.append(part[max(start - base, 0) : end - base])
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def expect(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Announce every read still to come, as ``(start, end)`` byte ranges (a range read
        twice is announced twice). Parts no announced range overlaps are released now, the
        others once the last read that overlaps them is done (:meth:`done`)."""
        pending = [0] * len(self._parts)
        for start, end in ranges:
            start, end = max(start, 0), min(end, self.size)
            if end > start:
                for index in self._span(start, end):
                    pending[index] += 1
        self._pending = pending
        for index, count in enumerate(pending):
            if not count:
                self._release(index)

    def done(self, start: int, end: int) -> None:
        """An announced read of ``[start, end)`` is done: release the parts nothing else needs."""
        pending = self._pending
        if pending is None:
            return
        start, end = max(start, 0), min(end, self.size)
        if end <= start:
            return
        for index in self._span(start, end):
            pending[index] -= 1
            if pending[index] <= 0:
                self._release(index)

    def _release(self, index: int) -> None:
        part = self._parts[index]
        if isinstance(part, mmap.mmap):
            part.close()
        self._parts[index] = None


class ChunkedWriter:
    """Collects bytes into :data:`BLOCK`-sized anonymous memory maps, then a :class:`Chunked`."""

    __slots__ = ("_blocks", "_used", "size")

    def __init__(self) -> None:
        self._blocks: list[mmap.mmap] = []
        self._used = BLOCK  # no block yet: the first write opens one
        self.size = 0

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self._used == BLOCK:
                self._blocks.append(mmap.mmap(-1, BLOCK))
                self._used = 0
            room = BLOCK - self._used
            piece = view[:room]
            self._blocks[-1][self._used : self._used + len(piece)] = piece
            self._used += len(piece)
            self.size += len(piece)
            view = view[len(piece) :]

    def finish(self) -> Chunked:
        blocks = self._blocks
        sizes = [BLOCK] * len(blocks)
        if blocks:
            sizes[-1] = self._used
        return Chunked(zip(blocks, sizes, strict=True))


class ChunkedFile:
    """A seekable, read-only file over a :class:`Chunked`, for ``tarfile``."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: Chunked) -> None:
        self._data = data
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._data.size - self._pos
        out = self._data.slice(self._pos, self._pos + size)
        self._pos += len(out)
        return out

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += self._data.size
        if offset < 0:
            raise ValueError("negative seek position")
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True
