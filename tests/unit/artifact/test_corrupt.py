"""Empty, truncated and corrupt artifacts: keep what can be read, fail only on nothing."""

from __future__ import annotations

import gzip
import io
import random
import zipfile

import pytest
from tests.unit.artifact.artifact_testlib import Build, Spec

from capwatch.artifact import Archive, IssueKind, open_artifact
from capwatch.config import Limits
from capwatch.errors import ArtifactError, LimitExceeded


def issues(archive: Archive) -> list[tuple[IssueKind, str]]:
    return [(i.kind, i.path) for i in archive.issues]


def test_zero_bytes() -> None:
    with pytest.raises(ArtifactError, match="empty"):
        open_artifact(b"", "pkg-1.0.tar.gz", Limits())


def test_unknown_binary() -> None:
    with pytest.raises(ArtifactError, match="not an archive"):
        open_artifact(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "pkg.tar.gz", Limits())


def test_artifact_over_artifact_bytes() -> None:
    with pytest.raises(LimitExceeded) as caught:
        open_artifact(b"x = 1\n" * 100, "big.py", Limits(artifact_bytes=100))
    assert caught.value.limit == "artifact_bytes"


def test_truncated_gzip_keeps_members_read(build: type[Build]) -> None:
    specs = [Spec(f"pkg-1.0/mod{i}.py", random.Random(i).randbytes(10_000)) for i in range(8)]
    data = build.tar(specs, "gz")
    archive = open_artifact(data[: len(data) // 2], "pkg-1.0.tar.gz", Limits())
    assert archive.container == "tar.gz"
    read = dict((m.path, d) for m, d in archive.files())
    assert 1 <= len(read) < 8
    assert read["pkg-1.0/mod0.py"] == specs[0].data
    kinds = issues(archive)
    assert kinds[0] == (IssueKind.TRUNCATED, "")
    # The member cut in the middle is flagged and keeps the part that is there.
    assert all(kind is IssueKind.TRUNCATED for kind, _ in kinds)
    last = archive.members[-1]
    assert (IssueKind.TRUNCATED, last.path) in kinds
    assert len(archive.read(last)) < last.size


def test_gzip_truncated_before_any_output() -> None:
    data = gzip.compress(b"print('x')\n" * 1000)
    with pytest.raises(ArtifactError, match="nothing was readable"):
        open_artifact(data[:12], "x.py.gz", Limits())


def test_truncated_single_gzip_keeps_prefix() -> None:
    text = b"".join(b"line %d\n" % i for i in range(20000))
    archive = open_artifact(gzip.compress(text)[:20000], "x.py.gz", Limits())
    assert issues(archive) == [(IssueKind.TRUNCATED, "")]
    content = archive.read(archive.members[0])
    assert 0 < len(content) < len(text)
    assert text.startswith(content)


def test_zip_without_central_directory_is_salvaged(build: type[Build]) -> None:
    payload = b"import os\n" + b"".join(b"x%d = %d\n" % (i, i) for i in range(3000))
    data = build.zip([("pkg/__init__.py", payload), ("pkg/b.py", b"b = 1\n")])
    cut = data[: len(data) // 2]
    archive = open_artifact(cut, "pkg-1.0-py3-none-any.whl", Limits())
    assert archive.container == "zip"
    assert [m.path for m in archive.members] == ["pkg/__init__.py"]
    assert issues(archive) == [(IssueKind.TRUNCATED, "pkg/__init__.py"), (IssueKind.TRUNCATED, "")]
    content = archive.read(archive.members[0])
    assert 0 < len(content) < len(payload) and payload.startswith(content)


def test_complete_zip_with_broken_directory_is_salvaged(build: type[Build]) -> None:
    data = build.zip([("a.py", b"a = 1\n"), ("b.py", b"b = 2\n")])
    broken = data[: data.rfind(b"PK\x05\x06")]  # drop the end record only
    archive = open_artifact(broken, "x.zip", Limits())
    assert [(m.path, d) for m, d in archive.files()] == [("a.py", b"a = 1\n"), ("b.py", b"b = 2\n")]
    assert issues(archive) == [(IssueKind.TRUNCATED, "")]


def test_corrupt_zip_member_is_skipped(build: type[Build]) -> None:
    data = bytearray(build.zip([("a.py", b"a = 1\n" * 50), ("b.py", b"b = 2\n")]))
    data[40:44] = b"\xff\xff\xff\xff"  # inside a.py's deflate stream
    archive = open_artifact(bytes(data), "x.zip", Limits())
    assert [m.path for m, _ in archive.files()] == ["b.py"]
    assert issues(archive) == [(IssueKind.MEMBER_UNREADABLE, "a.py")]
    with pytest.raises(ArtifactError):
        archive.read(archive.members[0])


def test_encrypted_zip_member_is_unreadable(build: type[Build]) -> None:
    data = bytearray(build.zip([("a.py", b"a = 1\n")]))
    data[6] |= 1  # local header: encrypted
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    archive = open_artifact(bytes(data), "x.zip", Limits())
    assert list(archive.files()) == []
    assert issues(archive) == [(IssueKind.MEMBER_UNREADABLE, "a.py")]


def test_corrupt_nested_archive_is_an_issue(build: type[Build]) -> None:
    data = build.zip([("dist/inner.whl", b"PK\x03\x04" + b"\x00" * 10), ("a.py", b"a = 1\n")])
    archive = open_artifact(data, "outer.zip", Limits())
    assert [m.path for m in archive.members] == ["dist/inner.whl", "a.py"]
    assert issues(archive) == [(IssueKind.NESTED_ARCHIVE_ERROR, "dist/inner.whl")]
    # The member itself is still content the scanner can see.
    assert [m.path for m, _ in archive.files()] == ["dist/inner.whl", "a.py"]


def test_tar_with_garbage_after_first_member(build: type[Build]) -> None:
    raw = build.tar([Spec("a.py", b"a = 1\n"), Spec("b.py", b"b = 2\n")])
    broken = raw[:1024] + b"\x01" * 512 + raw[1536:]
    archive = open_artifact(broken, "x.tar", Limits())
    # tarfile (and so pip) stops at the first bad header; what came before is kept.
    assert [m.path for m, _ in archive.files()] == ["a.py"]


def test_zip_read_stored_corrupt_header_only() -> None:
    with pytest.raises(ArtifactError, match="not a readable zip"):
        open_artifact(b"PK\x05\x06" + b"\xff" * 30, "x.zip", Limits())


def test_zip_with_unreadable_name_encoding_flag(build: type[Build]) -> None:
    data = build.zip([("pkg/caf\u00e9.py", b"x = 1\n")])
    assert data.count("é".encode()) == 2
    data = data.replace("é".encode(), b"\xff\xfe")  # flagged UTF-8, but invalid
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(io.BytesIO(data))
    archive = open_artifact(data, "x.whl", Limits())
    assert [(m.path, d) for m, d in archive.files()] == [("pkg/caf\\xff\\xfe.py", b"x = 1\n")]
    assert issues(archive) == [(IssueKind.BAD_NAME_ENCODING, "pkg/caf\\xff\\xfe.py")]
