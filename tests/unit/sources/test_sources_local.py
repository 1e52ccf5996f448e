"""Local targets: single files and directory walks (selection by extension and by magic bytes)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from tests.unit.sources.sources_testlib import sdist_bytes, wheel_bytes

from capwatch.errors import SourceError
from capwatch.sources import looks_like_artifact, resolve_targets
from capwatch.sources.local import has_archive_magic, is_extensionless, iter_directory


def plain_tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        data = b"print('hi')\n"
        info = tarfile.TarInfo("pkg/setup.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pkg/index.js", "module.exports = 1;\n")
    return buffer.getvalue()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A directory mixing artifacts (by name and by content) with files to skip."""
    root = tmp_path / "uploads"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    (root / "a" / "demo-1.0.tar.gz").write_bytes(sdist_bytes("demo", "1.0"))
    (root / "a" / "demo-1.0-py3-none-any.whl").write_bytes(wheel_bytes("demo", "1.0"))
    (root / "a" / "README.txt").write_text("not an artifact\n")
    (root / "a" / "setup.py").write_text("print('source, but not below a directory')\n")
    (root / "b" / "left-pad-1.3.0.tgz").write_bytes(sdist_bytes("left-pad", "1.3.0"))
    (root / "b" / "bundle.ZIP").write_bytes(plain_zip())
    (root / "b" / "deep" / "blob").write_bytes(gzip.compress(b"payload"))  # no extension, gzip
    (root / "b" / "deep" / "notes").write_text("plain text without an extension\n")
    (root / "b" / "deep" / "empty").write_bytes(b"")
    (root / "c-1.0").write_bytes(plain_tar())  # '.0' is not an extension: sniffed, ustar
    (root / "d.bz").write_bytes(bz2.compress(b"x"))  # a real extension that is not ours: skipped
    (root / "e").write_bytes(bz2.compress(b"x"))
    (root / "f").write_bytes(lzma.compress(b"x"))
    (root / "g.json").write_text("{}")
    return root


def rel(root: Path, targets: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in targets]


def test_directory_walk_picks_artifacts_in_sorted_order(tree: Path) -> None:
    found = list(resolve_targets([str(tree)]))
    assert rel(tree, [t.path for t in found]) == [
        "a/demo-1.0-py3-none-any.whl",
        "a/demo-1.0.tar.gz",
        "b/bundle.ZIP",
        "b/deep/blob",
        "b/left-pad-1.3.0.tgz",
        "c-1.0",
        "e",
        "f",
    ]
    assert {t.origin for t in found} == {"directory"}
    assert found[0].display == str(tree / "a" / "demo-1.0-py3-none-any.whl")


def test_walk_does_not_follow_symlinks(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret-1.0.tar.gz").write_bytes(sdist_bytes("secret", "1.0"))
    (tree / "link-dir").symlink_to(outside, target_is_directory=True)
    (tree / "link-file.tar.gz").symlink_to(outside / "secret-1.0.tar.gz")
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    found = [t.path for t in resolve_targets([str(tree)])]
    assert not any("secret" in str(p) or "link" in str(p) or "loop" in str(p) for p in found)
    assert len(found) == 8


def test_a_named_symlink_to_a_directory_is_walked(tree: Path, tmp_path: Path) -> None:
    link = tmp_path / "via-link"
    link.symlink_to(tree, target_is_directory=True)
    assert len(list(resolve_targets([str(link)]))) == 8


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_walk_skips_fifos_without_blocking(tree: Path) -> None:
    os.mkfifo(tree / "pipe")
    os.mkfifo(tree / "pipe.tar.gz")
    assert len(list(resolve_targets([str(tree)]))) == 8


def test_walk_is_lazy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(50):
        sub = tmp_path / f"d{index:02}"
        sub.mkdir()
        (sub / "x.whl").write_bytes(wheel_bytes("x", "1"))
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path: str) -> object:
        listed.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    walk = resolve_targets([str(tmp_path)])
    first = next(walk)
    assert first.path == tmp_path / "d00" / "x.whl"
    assert len(listed) == 2
    assert len(list(walk)) == 49


def test_empty_directory_is_an_error_naming_what_was_skipped(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "link.whl").symlink_to(tmp_path / "notes.txt")
    with pytest.raises(SourceError) as caught:
        list(iter_directory(tmp_path))
    assert "no artifacts found" in caught.value.diagnostic
    assert "1 symbolic link" in caught.value.diagnostic


def test_unreadable_subdirectory_is_skipped(
    tree: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_scandir = os.scandir
    forbidden = str(tree / "b")

    def scandir(path: str) -> object:
        if path == forbidden:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(resolve_targets([str(tree)]))
    assert len(found) == 5
    assert "skipping directory" in caplog.text


def test_looks_like_artifact(tree: Path) -> None:
    assert looks_like_artifact(tree / "a" / "demo-1.0.tar.gz")
    assert looks_like_artifact(tree / "b" / "deep" / "blob")
    assert looks_like_artifact(tree / "c-1.0")
    assert not looks_like_artifact(tree / "a" / "README.txt")
    assert not looks_like_artifact(tree / "b" / "deep" / "notes")
    assert not looks_like_artifact(tree / "b" / "deep" / "empty")
    assert not looks_like_artifact(tree / "d.bz")
    assert not looks_like_artifact(tree / "a")
    assert not looks_like_artifact(tree / "missing.whl")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x1f\x8b\x08", True),
        (b"BZh91AY&SY", True),
        (b"BZhello", False),
        (b"\xfd7zXZ\x00\x00", True),
        (b"PK\x03\x04", True),
        (b"PK\x05\x06", False),
        (b"\x00" * 257 + b"ustar\x0000", True),
        (b"#!/bin/sh\n", False),
        (b"", False),
    ],
)
def test_archive_magic(head: bytes, expected: bool) -> None:
    assert has_archive_magic(head) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("blob", True), ("pkg-1.0", True), (".hidden", True), ("a.tar.gz", False), ("x.txt", False)],
)
def test_extensionless(name: str, expected: bool) -> None:
    assert is_extensionless(name) is expected


def test_a_named_file_is_taken_whatever_it_is(tmp_path: Path) -> None:
    source = tmp_path / "setup.py"
    source.write_text("import os\n")
    (target,) = resolve_targets([str(source)])
    assert (target.path, target.display, target.origin) == (source, str(source), "file")


def test_missing_file_is_a_source_error_raised_lazily(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope" / "demo-1.0.tar.gz")
    targets = resolve_targets([missing])  # parsing succeeds: it is clearly a path
    with pytest.raises(SourceError, match="no such file or directory"):
        next(targets)


def test_broken_symlink_is_reported_as_such(tmp_path: Path) -> None:
    link = tmp_path / "dangling.whl"
    link.symlink_to(tmp_path / "gone.whl")
    with pytest.raises(SourceError, match="broken symbolic link"):
        list(resolve_targets([str(link)]))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_named_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match="not a regular file"):
        list(resolve_targets([str(fifo)]))
