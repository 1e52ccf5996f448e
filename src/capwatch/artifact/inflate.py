"""Bounded decompression of gzip, bzip2, xz and raw deflate streams, in memory.

Output is produced in chunks and stops one byte past the caller's cap, so a compression bomb
never allocates more than the cap. Concatenated streams (multi-member gzip, several bzip2 or xz
streams) are read as one, as ``gzip.GzipFile`` and therefore installers do; trailing bytes that
do not start another stream are ignored.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from capwatch.artifact.chunked import Chunked, ChunkedWriter

_IN_CHUNK = 256 * 1024
_OUT_CHUNK = 4 * 1024 * 1024
_MAGIC = {"gz": b"\x1f\x8b", "bz2": b"BZh", "xz": b"\xfd7zXZ\x00"}
_CODEC_ERRORS = (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError)


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes | memoryview, max_length: int = ..., /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Inflated:
    """The result of a bounded decompression."""

    data: bytes
    """Output, at most ``cap`` bytes."""
    complete: bool
    """Every stream ended with its end-of-stream marker."""
    over_limit: bool
    """Decompression stopped because more than ``cap`` bytes would have come out."""
    error: str | None = None
    """Why the stream could not be decompressed further, when it was corrupt or cut short."""


def _new(codec: str) -> _Decompressor:
    if codec == "gz":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if codec == "deflate":
        return zlib.decompressobj(-zlib.MAX_WBITS)
    if codec == "bz2":
        return bz2.BZ2Decompressor()
    if codec == "xz":
        return lzma.LZMADecompressor()
    raise ValueError(f"unknown codec {codec!r}")


def _skip_padding(view: memoryview, pos: int) -> int:
    """Skip the zero padding xz allows between streams (a bounded look, not a scan)."""
    chunk = view[pos : pos + 4096].tobytes()
    return pos + len(chunk) - len(chunk.lstrip(b"\0"))


@dataclass(frozen=True, slots=True)
class InflatedChunked:
    """:class:`Inflated` with the output in blocks (:class:`~capwatch.artifact.chunked.Chunked`),
    never joined into one object."""

    data: Chunked
    complete: bool
    over_limit: bool
    error: str | None = None


def inflate(data: bytes | memoryview, codec: str, cap: int) -> Inflated:
    """Decompress ``data`` with ``codec`` (``gz``, ``bz2``, ``xz`` or raw ``deflate``).

    At most ``cap`` bytes are returned; ``over_limit`` tells whether there was more. Corrupt or
    truncated input is not an exception: the output decoded so far comes back with
    ``complete=False`` and ``error`` set.
    """
    out: list[bytes] = []
    complete, over, error = _inflate(data, codec, cap, out.append)
    return Inflated(b"".join(out), complete, over, error)


def inflate_chunked(data: bytes | memoryview, codec: str, cap: int) -> InflatedChunked:
    """:func:`inflate`, with the output in blocks: joined, it would be held twice while it is
    joined, and it could only be freed whole."""
    writer = ChunkedWriter()
    complete, over, error = _inflate(data, codec, cap, writer.write)
    return InflatedChunked(writer.finish(), complete, over, error)


def _inflate(
    data: bytes | memoryview, codec: str, cap: int, emit: Callable[[bytes], None]
) -> tuple[bool, bool, str | None]:
    """Decompress into ``emit``; returns (complete, over_limit, error)."""
    cap = max(cap, 0)
    produced = 0
    view = memoryview(data)
    pos = 0
    decomp = _new(codec)
    is_zlib = codec in ("gz", "deflate")
    over = False
    error: str | None = None
    complete = False
    try:
        while True:
            if is_zlib:
                tail: bytes = decomp.unconsumed_tail  # type: ignore[attr-defined]
                src: bytes | memoryview = tail if tail else view[pos : pos + _IN_CHUNK]
                if not tail:
                    pos += len(src)
            elif decomp.needs_input:  # type: ignore[attr-defined]
                src = view[pos : pos + _IN_CHUNK]
                pos += len(src)
            else:
                src = b""
            piece = decomp.decompress(src, min(_OUT_CHUNK, cap - produced + 1))
            if piece:
                room = cap - produced
                if len(piece) > room:
                    over = True
                    if room:
                        emit(piece[:room])
                    produced = cap
                    break
                emit(piece)
                produced += len(piece)
            if decomp.eof:
                # The unused bytes are a suffix of what was fed, so the next stream starts here;
                # no copy of the remaining input is made (many tiny members stay linear).
                pos -= len(decomp.unused_data)
                if codec == "xz":
                    pos = _skip_padding(view, pos)
                magic = _MAGIC.get(codec)
                if magic is None or view[pos : pos + len(magic)] != magic:
                    complete = True
                    break
                decomp = _new(codec)
                continue
            if not piece and not len(src):
                error = "the compressed stream ends before its end-of-stream marker"
                break
    except _CODEC_ERRORS as exc:
        error = f"the compressed stream is corrupt ({exc})"
    return complete, over, error
