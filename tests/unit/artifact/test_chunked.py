"""Decompressed tars held in blocks: slices like ``bytes``, and blocks let go once read."""

from __future__ import annotations

import gzip
import random

import pytest

from capwatch.artifact import chunked as chunked_module
from capwatch.artifact import open_artifact
from capwatch.artifact.chunked import Chunked, ChunkedFile, ChunkedWriter, ReleasedError
from capwatch.artifact.inflate import inflate, inflate_chunked
from capwatch.config import Limits

from .artifact_testlib import Build, Spec

DATA = bytes(random.Random(5).getrandbits(8) for _ in range(10_000))


def chunked(data: bytes, block: int, monkeypatch: pytest.MonkeyPatch) -> Chunked:
    monkeypatch.setattr(chunked_module, "BLOCK", block)
    writer = ChunkedWriter()
    for start in range(0, len(data), 777):
        writer.write(data[start : start + 777])
    return writer.finish()


@pytest.mark.parametrize("block", [1, 64, 1000, 4096, 20_000])
def test_slices_match_bytes(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    held = chunked(DATA, block, monkeypatch)
    assert len(held) == len(DATA)
    rng = random.Random(block)
    for _ in range(300):
        start, end = rng.randrange(0, 10_500), rng.randrange(0, 10_500)
        assert held.slice(start, end) == DATA[start:end]


def test_file_reads_and_seeks_like_bytesio(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = ChunkedFile(chunked(DATA, 1000, monkeypatch))
    assert stream.read(10) == DATA[:10]
    assert stream.tell() == 10
    stream.seek(9_995)
    assert stream.read(100) == DATA[9_995:]
    assert stream.read(1) == b""
    stream.seek(-20, 2)
    assert stream.read() == DATA[-20:]


def test_blocks_go_once_every_announced_read_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    held = chunked(DATA, 1000, monkeypatch)
    held.expect([(100, 200), (1_500, 2_500), (1_800, 1_900)])
    assert held.slice(150, 160) == DATA[150:160]
    with pytest.raises(ReleasedError):
        held.slice(5_000, 5_001)  # announced by nothing: released at once
    held.done(100, 200)
    with pytest.raises(ReleasedError):
        held.slice(100, 200)
    held.done(1_500, 2_500)
    assert held.slice(1_800, 1_900) == DATA[1_800:1_900]  # still announced
    held.done(1_800, 1_900)
    with pytest.raises(ReleasedError):
        held.slice(1_800, 1_900)


def test_inflate_chunked_matches_inflate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked_module, "BLOCK", 4096)
    packed = gzip.compress(DATA * 3, mtime=0)
    for cap in (0, 5, 4096, 29_999, 30_000, 10**6):
        whole, parts = inflate(packed, "gz", cap), inflate_chunked(packed, "gz", cap)
        assert parts.data.slice(0, parts.data.size) == whole.data
        assert (parts.complete, parts.over_limit, parts.error) == (
            whole.complete, whole.over_limit, whole.error
        )


def test_archive_reads_announced_members_after_letting_the_rest_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chunked_module, "BLOCK", 2048)
    specs = [Spec(f"pkg/m{i}.py", b"x = %d\n" % i * 300) for i in range(12)]
    specs.append(Spec("pkg/link.py", type=b"1", linkname="pkg/m3.py"))
    archive = open_artifact(Build.tar(specs, "gz"), "pkg.tar.gz", Limits())
    members = {m.path: m for m in archive.members}
    wanted = ["pkg/m7.py", "pkg/link.py", "pkg/m1.py"]
    archive.expect_reads([members[path] for path in wanted])
    assert archive.read(members["pkg/m7.py"]) == b"x = 7\n" * 300
    assert archive.read(members["pkg/link.py"]) == b"x = 3\n" * 300
    assert archive.read(members["pkg/m1.py"]) == b"x = 1\n" * 300
    with pytest.raises(ReleasedError):
        archive.read(members["pkg/m10.py"])
