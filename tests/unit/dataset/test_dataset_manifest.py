"""Loading labelled sources: directories, manifests with and without groups, benign.tsv style."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import sdist_bytes, wheel_bytes

from capwatch.dataset.manifest import Label, load_source
from capwatch.errors import UsageError


def _sdist(path: Path, name: str = "demo") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sdist_bytes({"setup.py": "print('hi')\n"}, top=f"{name}-0.1"))
    return path


def test_benign_directory_groups_by_first_folder(tmp_path: Path) -> None:
    root = tmp_path / "benign"
    _sdist(root / "alpha" / "alpha-1.0.tar.gz")
    (root / "alpha" / "alpha-1.0-py3-none-any.whl").write_bytes(wheel_bytes({"alpha/__init__.py": ""}))
    _sdist(root / "beta" / "sub" / "beta-2.0.tar.gz")
    _sdist(root / "loose_pkg-3.0.tar.gz")
    (root / "alpha" / "notes.txt").write_text("not an artifact")
    source = load_source(root, Label.BENIGN)
    got = {(s.display, s.group) for s in source.samples}
    assert got == {
        ("alpha/alpha-1.0-py3-none-any.whl", "alpha"),
        ("alpha/alpha-1.0.tar.gz", "alpha"),
        ("beta/sub/beta-2.0.tar.gz", "beta"),
        ("loose_pkg-3.0.tar.gz", "loose-pkg"),
    }
    assert all(s.label is Label.BENIGN and s.path.is_file() for s in source.samples)
    assert source.missing == ()


def test_malicious_directory_has_no_families(tmp_path: Path) -> None:
    _sdist(tmp_path / "m" / "x" / "x-1.tar.gz")
    source = load_source(tmp_path / "m", Label.MALICIOUS)
    assert [(s.display, s.group) for s in source.samples] == [("x/x-1.tar.gz", None)]


def test_manifest_with_family_column(tmp_path: Path) -> None:
    _sdist(tmp_path / "mal" / "a" / "a-1.tar.gz")
    _sdist(tmp_path / "mal" / "b" / "b-1.tar.gz")
    manifest = tmp_path / "malicious.tsv"
    manifest.write_text(
        "path\tname\tversion\tfamily\n"
        "mal/a/a-1.tar.gz\ta\t1\tfam1\n"
        "mal/b/b-1.tar.gz\tb\t1\tfam2\n"
        "mal/c/c-1.tar.gz\tc\t1\tfam2\n"
    )
    source = load_source(manifest, Label.MALICIOUS)
    assert [(s.display, s.group) for s in source.samples] == [
        ("mal/a/a-1.tar.gz", "fam1"),
        ("mal/b/b-1.tar.gz", "fam2"),
    ]
    assert source.samples[0].path == tmp_path / "mal" / "a" / "a-1.tar.gz"
    assert source.missing == ("mal/c/c-1.tar.gz",)


def test_manifest_without_family_column(tmp_path: Path) -> None:
    _sdist(tmp_path / "files" / "a-1.tar.gz")
    manifest = tmp_path / "list.tsv"
    manifest.write_text("path\tsha256\nfiles/a-1.tar.gz\tdeadbeef\n")
    source = load_source(manifest, Label.MALICIOUS)
    assert [(s.display, s.group) for s in source.samples] == [("files/a-1.tar.gz", None)]


def test_benign_manifest_with_path_and_name(tmp_path: Path) -> None:
    _sdist(tmp_path / "x" / "thing-1.tar.gz")
    _sdist(tmp_path / "y" / "other-1.tar.gz")
    manifest = tmp_path / "b.tsv"
    manifest.write_text("path\tname\nx/thing-1.tar.gz\tthing\ny/other-1.tar.gz\t\n")
    source = load_source(manifest, Label.BENIGN)
    # An empty name falls back to the first path component, as for directories.
    assert [(s.display, s.group) for s in source.samples] == [
        ("x/thing-1.tar.gz", "thing"),
        ("y/other-1.tar.gz", "y"),
    ]


def test_benign_tsv_style_without_path_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    _sdist(corpus / "boto" / "boto-1.0.tar.gz")
    (corpus / "boto" / "boto-1.0-py3-none-any.whl").write_bytes(wheel_bytes({"boto/__init__.py": ""}))
    manifest = tmp_path / "elsewhere" / "benign.tsv"
    manifest.parent.mkdir()
    manifest.write_text(
        "name\tversion\trank\tfilename\tkind\tsha256\tsize_bytes\n"
        "boto\t1.0\t1\tboto-1.0.tar.gz\tsdist\tab\t1\n"
        "boto\t1.0\t1\tboto-1.0-py3-none-any.whl\twheel\tcd\t1\n"
        "huge\t9.0\t2\thuge-9.0.tar.gz\tsdist\tef\t999999999\n"
    )
    monkeypatch.setenv("CAPWATCH_BENIGN_DIR", str(corpus))
    source = load_source(manifest, Label.BENIGN)
    assert [(s.display, s.group) for s in source.samples] == [
        ("boto/boto-1.0.tar.gz", "boto"),
        ("boto/boto-1.0-py3-none-any.whl", "boto"),
    ]
    assert source.samples[0].path == corpus / "boto" / "boto-1.0.tar.gz"
    assert source.missing == ("huge/huge-9.0.tar.gz",)


def test_benign_tsv_style_defaults_to_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAPWATCH_BENIGN_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    _sdist(tmp_path / ".cache" / "capwatch-corpus" / "benign" / "p" / "p-1.tar.gz")
    manifest = tmp_path / "benign.tsv"
    manifest.write_text("name\tfilename\np\tp-1.tar.gz\n")
    source = load_source(manifest, Label.BENIGN)
    assert [s.display for s in source.samples] == ["p/p-1.tar.gz"]


def test_unusable_sources_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_source(tmp_path / "absent", Label.BENIGN)
    bad = tmp_path / "bad.tsv"
    bad.write_text("sha256\tsize\nab\t1\n")
    with pytest.raises(UsageError, match="not a manifest"):
        load_source(bad, Label.MALICIOUS)
