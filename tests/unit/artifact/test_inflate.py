"""Bounded decompression: exact caps, concatenated streams, truncation and corruption."""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import zlib

import pytest

from capwatch.artifact import inflate as inflate_module
from capwatch.artifact.inflate import inflate

TEXT = b"".join(b"line %d of some source text\n" % i for i in range(8_000))  # ~220 KB


@pytest.fixture(autouse=True, params=["small-chunks", "default-chunks"])
def chunks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test with tiny odd chunk sizes too, so every chunk and stream boundary is hit."""
    if request.param == "small-chunks":
        monkeypatch.setattr(inflate_module, "_IN_CHUNK", 997)
        monkeypatch.setattr(inflate_module, "_OUT_CHUNK", 1531)


def compress(codec: str, data: bytes) -> bytes:
    if codec == "gz":
        return gzip.compress(data, mtime=0)
    if codec == "bz2":
        return bz2.compress(data)
    if codec == "xz":
        return lzma.compress(data)
    squeezer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeezer.compress(data) + squeezer.flush()


@pytest.mark.parametrize("codec", ["gz", "bz2", "xz", "deflate"])
def test_round_trip(codec: str) -> None:
    result = inflate(compress(codec, TEXT), codec, len(TEXT))
    assert (result.data == TEXT, result.complete, result.over_limit) == (True, True, False)


@pytest.mark.parametrize("codec", ["gz", "bz2", "xz", "deflate"])
@pytest.mark.parametrize("cap", [0, 1, 4096, len(TEXT) - 1])
def test_cap_is_exact(codec: str, cap: int) -> None:
    result = inflate(compress(codec, TEXT), codec, cap)
    assert result.over_limit
    assert result.data == TEXT[:cap]


@pytest.mark.parametrize("codec", ["gz", "bz2", "xz"])
def test_concatenated_streams(codec: str) -> None:
    cuts = sorted(random.Random(7).sample(range(1, len(TEXT)), 5))
    pieces = [TEXT[a:b] for a, b in zip([0, *cuts], [*cuts, len(TEXT)], strict=True)]
    data = b"".join(compress(codec, piece) for piece in pieces)
    if codec == "xz":
        data = data.replace(b"YZ\xfd7zXZ", b"YZ\0\0\0\0\xfd7zXZ")  # stream padding
    result = inflate(data, codec, len(TEXT) + 1)
    assert result.complete and not result.over_limit
    assert result.data == TEXT


def test_many_tiny_gzip_members_stay_linear() -> None:
    member = gzip.compress(b"x", mtime=0)
    result = inflate(member * 20_000, "gz", 1_000_000)
    assert result.data == b"x" * 20_000 and result.complete


def test_random_multi_member_splits() -> None:
    rng = random.Random(3)
    for _ in range(20):
        cuts = sorted(rng.sample(range(1, len(TEXT)), rng.randint(1, 8)))
        pieces = [TEXT[a:b] for a, b in zip([0, *cuts], [*cuts, len(TEXT)], strict=True)]
        data = b"".join(gzip.compress(piece, compresslevel=rng.randint(0, 9)) for piece in pieces)
        cap = rng.randint(0, len(TEXT) + 10)
        result = inflate(data, "gz", cap)
        assert result.data == TEXT[:cap]
        assert result.over_limit == (cap < len(TEXT))


def test_trailing_garbage_is_ignored() -> None:
    result = inflate(gzip.compress(b"abc") + b"<html>not gzip</html>", "gz", 100)
    assert (result.data, result.complete, result.error) == (b"abc", True, None)


@pytest.mark.parametrize("codec", ["gz", "bz2", "xz", "deflate"])
def test_truncated(codec: str) -> None:
    data = compress(codec, TEXT)
    result = inflate(data[: len(data) // 2], codec, len(TEXT))
    assert not result.complete and not result.over_limit and result.error
    assert TEXT.startswith(result.data)


def test_corrupt_keeps_output_before_the_damage() -> None:
    data = bytearray(gzip.compress(random.Random(1).randbytes(100_000), compresslevel=1))
    data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64
    result = inflate(bytes(data), "gz", 10_000_000)
    assert not result.complete and result.error and "corrupt" in result.error
