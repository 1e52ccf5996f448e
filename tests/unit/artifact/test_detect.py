"""Container detection from content: names never decide the format."""

from __future__ import annotations

import gzip
import zipfile

import pytest
from tests.unit.artifact.artifact_testlib import Build, Spec

from capwatch.artifact import MemberKind, detect_container, open_artifact
from capwatch.config import Limits

SETUP = b"from setuptools import setup\nsetup(name='demo')\n"


def test_detect_each_container(build: type[Build]) -> None:
    tar = build.tar([Spec("demo-1.0/setup.py", SETUP)])
    assert detect_container(tar) == "tar"
    assert detect_container(build.compress(tar, "gz")) == "tar.gz"
    assert detect_container(build.compress(tar, "bz2")) == "tar.bz2"
    assert detect_container(build.compress(tar, "xz")) == "tar.xz"
    assert detect_container(build.zip([("demo/__init__.py", SETUP)])) == "zip"
    assert detect_container(build.zip([])) == "zip"
    assert detect_container(gzip.compress(SETUP)) == "gz"
    assert detect_container(build.compress(SETUP, "bz2")) == "bz2"
    assert detect_container(build.compress(SETUP, "xz")) == "xz"
    assert detect_container(SETUP) == "file"
    assert detect_container(b"\x00\x01\x02binary\xff" * 10) == "unknown"
    assert detect_container(b"") == "unknown"


def test_zip_with_prepended_bytes_is_zip(build: type[Build]) -> None:
    data = b"#!/bin/sh\nexit 0\n" + build.zip([("demo/__init__.py", SETUP)])
    assert detect_container(data) == "zip"
    archive = open_artifact(data, "demo.whl", Limits())
    assert [m.path for m in archive.members] == ["demo/__init__.py"]
    assert archive.read(archive.members[0]) == SETUP


def test_xz_tar_named_tar_gz(build: type[Build]) -> None:
    data = build.tar([Spec("demo-1.0/setup.py", SETUP)], "xz")
    archive = open_artifact(data, "demo-1.0.tar.gz", Limits())
    assert archive.container == "tar.xz"
    assert [(m.path, m.kind) for m in archive.members] == [("demo-1.0/setup.py", MemberKind.FILE)]
    assert list(archive.files()) == [(archive.members[0], SETUP)]
    assert archive.issues == []


def test_zip_named_tar_gz(build: type[Build]) -> None:
    data = build.zip([("demo/__init__.py", SETUP), ("demo-1.0.dist-info/METADATA", b"Name: demo")])
    archive = open_artifact(data, "demo-1.0-py3-none-any.tar.gz", Limits())
    assert archive.container == "zip"
    assert [m.path for m in archive.members] == ["demo/__init__.py", "demo-1.0.dist-info/METADATA"]
    assert archive.issues == []


def test_bz2_tar(build: type[Build]) -> None:
    archive = open_artifact(build.tar([Spec("a/b.py", SETUP)], "bz2"), "a.tar.bz2", Limits())
    assert archive.container == "tar.bz2"
    assert [m for m, _ in archive.files()] == list(archive.members)


def test_empty_zip(build: type[Build]) -> None:
    archive = open_artifact(build.zip([]), "empty.zip", Limits())
    assert archive.container == "zip"
    assert archive.members == ()
    assert archive.issues == []
    assert list(archive.files()) == []


def test_plain_python_file() -> None:
    archive = open_artifact(SETUP, "some/dir/setup.py", Limits())
    assert archive.container == "file"
    assert [(m.path, m.size, m.kind) for m in archive.members] == [
        ("setup.py", len(SETUP), MemberKind.FILE)
    ]
    assert list(archive.files()) == [(archive.members[0], SETUP)]
    assert archive.issues == []


@pytest.mark.parametrize(
    ("name", "member"),
    [("payload.py.gz", "payload.py"), ("dl/blob.gz", "blob"), ("x.tgz", "x.tar"), ("raw", "raw")],
)
def test_gzip_of_a_single_file(name: str, member: str) -> None:
    archive = open_artifact(gzip.compress(SETUP), name, Limits())
    assert archive.container == "gz"
    assert [(m.path, m.size) for m in archive.members] == [(member, len(SETUP))]
    assert archive.read(archive.members[0]) == SETUP
    assert archive.issues == []


@pytest.mark.parametrize("codec", ["bz2", "xz"])
def test_other_single_compressed_files(build: type[Build], codec: str) -> None:
    archive = open_artifact(build.compress(SETUP, codec), f"setup.py.{codec}", Limits())
    assert archive.container == codec
    assert [(m.path, data) for m, data in archive.files()] == [("setup.py", SETUP)]


def test_multi_member_gzip_reads_as_one_stream(build: type[Build]) -> None:
    # gzip.GzipFile (and so installers) read concatenated members as one stream.
    raw = build.tar([Spec("a/one.py", b"1"), Spec("a/two.py", b"2")])
    data = gzip.compress(raw[:1536]) + gzip.compress(raw[1536:]) + b"<html>junk</html>"
    archive = open_artifact(data, "a.tar.gz", Limits())
    assert archive.container == "tar.gz"
    assert [(m.path, d) for m, d in archive.files()] == [("a/one.py", b"1"), ("a/two.py", b"2")]
    assert archive.issues == []


def test_v7_tar_without_ustar_magic_is_tar() -> None:
    import tarfile

    header = bytearray(tarfile.TarInfo("old.py").tobuf(tarfile.USTAR_FORMAT))
    header[257:265] = b"\0" * 8
    header[148:156] = b"        "
    header[148:156] = b"%06o\0 " % sum(header)
    data = bytes(header) + b"\0" * 1024
    assert detect_container(data) == "tar"
    assert [m.path for m in open_artifact(data, "old.tar", Limits()).members] == ["old.py"]


def test_stored_zip_is_read(build: type[Build]) -> None:
    data = build.zip([("a.py", SETUP)], method=zipfile.ZIP_STORED)
    assert next(iter(open_artifact(data, "a.zip", Limits()).files()))[1] == SETUP


@pytest.mark.parametrize("lead", ["PK\x03\x04", "\x1f\udc8b", "BZh9"])
def test_tar_whose_first_name_starts_with_other_magic(build: type[Build], lead: str) -> None:
    data = build.tar([Spec(f"{lead}x.py", SETUP), Spec("pkg/setup.py", SETUP)])
    assert detect_container(data) == "tar"
    archive = open_artifact(data, "pkg.tar", Limits())
    assert archive.container == "tar"
    assert [d for _, d in archive.files()] == [SETUP, SETUP]
