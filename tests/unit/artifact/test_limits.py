"""Bombs and limits: every decompression is bounded; limits become issues or LimitExceeded."""

from __future__ import annotations

import gzip
import os
import time
import zipfile

import pytest
from tests.unit.artifact.artifact_testlib import Build, Spec

from capwatch.artifact import Archive, IssueKind, open_artifact
from capwatch.config import Limits, MiB
from capwatch.errors import LimitExceeded

CODE = b"import os\n"


def issues(archive: Archive) -> list[tuple[IssueKind, str]]:
    return [(i.kind, i.path) for i in archive.issues]


def test_zip_bomb_by_ratio(build: type[Build]) -> None:
    data = build.zip([("pkg/bomb.bin", b"\0" * (24 * MiB)), ("pkg/ok.py", CODE)])
    assert len(data) < 64 * 1024
    archive = open_artifact(data, "bomb.whl", Limits())
    assert archive.issues == []
    bomb = archive.members[0]
    with pytest.raises(LimitExceeded) as caught:
        archive.read(bomb)
    assert caught.value.limit == "ratio"
    assert issues(archive) == [(IssueKind.RATIO_EXCEEDED, "pkg/bomb.bin")]
    assert [(m.path, d) for m, d in archive.files()] == [("pkg/ok.py", CODE)]
    assert issues(archive) == [(IssueKind.RATIO_EXCEEDED, "pkg/bomb.bin")]


def test_small_repetitive_member_is_not_a_bomb(build: type[Build]) -> None:
    # Ratios apply only past RATIO_FLOOR: a 512 KiB run of spaces is not flagged.
    data = build.zip([("pkg/pad.txt", b" " * (512 * 1024))])
    archive = open_artifact(data, "x.zip", Limits())
    assert [len(d) for _, d in archive.files()] == [512 * 1024]
    assert archive.issues == []


def nest(levels: int) -> bytes:
    data = Build.zip([("x.py", CODE)])
    for name in reversed(["a.zip", "b.zip", "c.zip", "d.zip"][: levels - 1]):
        data = Build.zip([(name, data)])
    return data


def test_nested_zips_beyond_nesting() -> None:
    # outer -> a.zip (depth 1) -> b.zip (depth 2) -> c.zip (depth 3: beyond the default 2)
    archive = open_artifact(nest(4), "outer.zip", Limits())
    assert [m.path for m in archive.members] == ["a.zip", "a.zip!b.zip", "a.zip!b.zip!c.zip"]
    assert issues(archive) == [(IssueKind.NESTING_EXCEEDED, "a.zip!b.zip!c.zip")]
    assert len(list(archive.files())) == 3


def test_nested_zips_within_nesting() -> None:
    archive = open_artifact(nest(4), "outer.zip", Limits(nesting=3))
    assert [m.path for m in archive.members][-1] == "a.zip!b.zip!c.zip!x.py"
    assert archive.issues == []
    assert dict((m.path, d) for m, d in archive.files())["a.zip!b.zip!c.zip!x.py"] == CODE


def test_nested_tar_gz_in_sdist(build: type[Build]) -> None:
    inner = build.tar([Spec("vendored-1.0/setup.py", CODE)], "gz")
    outer = build.tar([Spec("pkg-1.0/vendor/vendored-1.0.tar.gz", inner)], "gz")
    archive = open_artifact(outer, "pkg-1.0.tar.gz", Limits())
    assert [m.path for m in archive.members] == [
        "pkg-1.0/vendor/vendored-1.0.tar.gz",
        "pkg-1.0/vendor/vendored-1.0.tar.gz!vendored-1.0/setup.py",
    ]
    assert list(archive.files())[1][1] == CODE


def test_archive_magic_with_other_extension_is_not_opened(build: type[Build]) -> None:
    archive = open_artifact(build.zip([("data.bin", nest(2))]), "x.zip", Limits())
    assert [m.path for m in archive.members] == ["data.bin"]


def test_nested_zip_bomb_hits_archive_ratio() -> None:
    # Each member stays under RATIO_FLOOR, but together they decompress far beyond 250x the
    # outer artifact: the archive-wide ratio stops it.
    inner = Build.zip([(f"z{i}.bin", b"\0" * (900 * 1024)) for i in range(40)])
    outer = Build.zip([(f"{n}.zip", inner) for n in "abcdefgh"])
    assert len(outer) < 100 * 1024
    archive = open_artifact(outer, "bomb.zip", Limits())
    assert len(archive.members) == 8 * 41
    total = sum(len(d) for _, d in archive.files())
    assert total <= 250 * len(outer)
    assert issues(archive) == [(IssueKind.RATIO_EXCEEDED, "")]


def test_nested_total_bytes(build: type[Build]) -> None:
    inner = build.zip([(f"r{i}.bin", os.urandom(100_000)) for i in range(10)], zipfile.ZIP_STORED)
    outer = build.zip([(f"{n}.zip", inner) for n in "abcdefghij"], zipfile.ZIP_STORED)
    archive = open_artifact(outer, "x.zip", Limits(total_bytes=2 * MiB))
    assert (IssueKind.TOTAL_TOO_LARGE, "") in issues(archive)
    assert {kind for kind, _ in issues(archive)} == {IssueKind.TOTAL_TOO_LARGE}
    assert sum(len(d) for _, d in archive.files()) <= 2 * MiB


def test_tar_gz_stream_bomb(build: type[Build]) -> None:
    data = build.tar([Spec("pkg/zeros.bin", b"\0" * (40 * MiB)), Spec("pkg/after.py", CODE)], "gz")
    archive = open_artifact(data, "x.tar.gz", Limits())
    assert issues(archive) == [
        (IssueKind.RATIO_EXCEEDED, ""),
        (IssueKind.TRUNCATED, "pkg/zeros.bin"),
    ]
    assert [m.path for m in archive.members] == ["pkg/zeros.bin"]
    assert len(archive.read(archive.members[0])) <= 250 * len(data)


def test_tar_gz_over_total_bytes(build: type[Build]) -> None:
    data = build.tar([Spec("pkg/a.bin", os.urandom(3 * MiB))], "gz")
    archive = open_artifact(data, "x.tar.gz", Limits(total_bytes=MiB))
    assert issues(archive) == [(IssueKind.TOTAL_TOO_LARGE, ""), (IssueKind.TRUNCATED, "pkg/a.bin")]


def test_single_gzip_bomb() -> None:
    data = gzip.compress(b"\0" * (20 * MiB))
    archive = open_artifact(data, "x.py.gz", Limits())
    assert issues(archive) == [(IssueKind.RATIO_EXCEEDED, "")]
    with pytest.raises(LimitExceeded) as caught:
        archive.read(archive.members[0])
    assert caught.value.limit == "ratio"
    assert list(archive.files()) == []


def test_single_gzip_over_member_bytes() -> None:
    data = gzip.compress(os.urandom(3 * MiB), compresslevel=1)
    archive = open_artifact(data, "x.bin.gz", Limits(member_bytes=MiB))
    assert archive.issues == []
    with pytest.raises(LimitExceeded) as caught:
        archive.read(archive.members[0])
    assert caught.value.limit == "member_bytes"
    assert issues(archive) == [(IssueKind.MEMBER_TOO_LARGE, "x.bin")]


FIFTY_MB = 50 * 1000 * 1000


@pytest.fixture(scope="module")
def big_tar() -> bytes:
    return Build.tar([Spec("pkg/big.bin", b"\x01" * FIFTY_MB), Spec("pkg/small.py", CODE)])


def test_50mb_member_over_small_limit(big_tar: bytes) -> None:
    archive = open_artifact(big_tar, "x.tar", Limits(member_bytes=10 * MiB))
    big = archive.members[0]
    assert big.size == FIFTY_MB
    with pytest.raises(LimitExceeded) as caught:
        archive.read(big)
    assert caught.value.limit == "member_bytes"
    assert issues(archive) == [(IssueKind.MEMBER_TOO_LARGE, "pkg/big.bin")]
    assert [m.path for m, _ in archive.files()] == ["pkg/small.py"]


def test_50mb_member_under_default_limit(big_tar: bytes) -> None:
    archive = open_artifact(big_tar, "x.tar", Limits())
    content = archive.read(archive.members[0])
    assert len(content) == FIFTY_MB and content[:1] == b"\x01"
    assert archive.issues == []


def test_50mb_stored_zip_member(build: type[Build]) -> None:
    data = build.zip([("big.bin", b"\x02" * FIFTY_MB)], zipfile.ZIP_STORED)
    small = open_artifact(data, "x.zip", Limits(member_bytes=MiB))
    assert list(small.files()) == []
    assert issues(small) == [(IssueKind.MEMBER_TOO_LARGE, "big.bin")]
    [(member, content)] = list(open_artifact(data, "x.zip", Limits()).files())
    assert member.size == len(content) == FIFTY_MB


def test_plain_file_over_member_bytes() -> None:
    archive = open_artifact(b"x = 1\n" * 300_000, "big.py", Limits(member_bytes=MiB))
    assert list(archive.files()) == []
    assert issues(archive) == [(IssueKind.MEMBER_TOO_LARGE, "big.py")]


@pytest.fixture(scope="module")
def hundred_k_tar() -> bytes:
    return Build.many_member_tar(100_000)


def test_tar_with_100k_members_small_limit(hundred_k_tar: bytes) -> None:
    data = Build.compress(hundred_k_tar, "gz")
    archive = open_artifact(data, "many.tar.gz", Limits(members=1000))
    count = sum(1 for _ in archive.files())
    assert len(archive.members) == count == 1000
    assert issues(archive) == [(IssueKind.TOO_MANY_MEMBERS, "")]


def test_tar_with_100k_members_default_limit(hundred_k_tar: bytes) -> None:
    start = time.perf_counter()
    archive = open_artifact(hundred_k_tar, "many.tar", Limits())
    elapsed = time.perf_counter() - start
    assert len(archive.members) == Limits().members
    assert issues(archive) == [(IssueKind.TOO_MANY_MEMBERS, "")]
    # within the configured time limit (a shared machine's speed is no test's business)
    assert elapsed < Limits().seconds


def test_zip_with_too_many_members(build: type[Build]) -> None:
    data = build.zip([(f"m{i}.py", b"") for i in range(300)])
    archive = open_artifact(data, "x.zip", Limits(members=100))
    assert [m.path for m in archive.members] == [f"m{i}.py" for i in range(100)]
    assert issues(archive) == [(IssueKind.TOO_MANY_MEMBERS, "")]
    assert "300 members" in archive.issues[0].detail
    assert len(list(archive.files())) == 100


def test_members_limit_covers_nested_archives(build: type[Build]) -> None:
    inner = build.zip([(f"m{i}.py", CODE) for i in range(10)])
    archive = open_artifact(build.zip([("a.zip", inner)]), "x.zip", Limits(members=5))
    assert [m.path for m in archive.members] == ["a.zip"] + [f"a.zip!m{i}.py" for i in range(4)]
    assert issues(archive) == [(IssueKind.TOO_MANY_MEMBERS, "a.zip")]


def test_zip_size_declared_high_over_small_content_still_reads(build: type[Build]) -> None:
    data = bytearray(build.zip([("pkg/__init__.py", CODE * 100)]))
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (0x7FFFFFFF).to_bytes(4, "little")  # declared size
    archive = open_artifact(bytes(data), "x.whl", Limits())
    assert archive.members[0].size == 0x7FFFFFFF
    assert [d for _, d in archive.files()] == [CODE * 100]
    assert archive.issues == []
