"""Choosing a release and its files."""

from __future__ import annotations

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from capwatch.sources import VersionNotFoundError
from capwatch.sources.select import (
    Candidate,
    candidates,
    choose_files,
    choose_version,
)
from capwatch.sources.simple import IndexFile

PROJECT = canonicalize_name("my-pkg")


def f(filename: str, yanked: str | None = None) -> IndexFile:
    return IndexFile(
        filename=filename, url=f"https://x/{filename}", index_url="https://x", yanked=yanked
    )


def kinds(found: list[Candidate]) -> list[tuple[str, str, str]]:
    return [(c.file.filename, str(c.version), c.kind) for c in found]


def test_filename_forms() -> None:
    files = [
        f("my_pkg-1.0.tar.gz"),
        f("my-pkg-1.1.tar.bz2"),
        f("My.Pkg-1.2.tgz"),
        f("my_pkg-1.3-py3.8.egg"),
        f("my_pkg-1.4-py3-none-any.whl"),
        f("my_pkg-1.5.zip"),
        f("my_pkg-1.6.win32-py2.7.exe"),
        f("my_pkg_extra-1.0.tar.gz"),
        f("other-1.0-py3-none-any.whl"),
        f("my_pkg-notaversion.tar.gz"),
        f("my_pkg-1.0-py3-none-any.whl.metadata"),
    ]
    assert kinds(candidates(PROJECT, files)) == [
        ("my_pkg-1.0.tar.gz", "1.0", "sdist"),
        ("my-pkg-1.1.tar.bz2", "1.1", "sdist"),
        ("My.Pkg-1.2.tgz", "1.2", "sdist"),
        ("my_pkg-1.3-py3.8.egg", "1.3", "egg"),
        ("my_pkg-1.4-py3-none-any.whl", "1.4", "wheel"),
        ("my_pkg-1.5.zip", "1.5", "sdist"),
    ]


def test_latest_prefers_finals_then_falls_back_to_prereleases() -> None:
    found = candidates(PROJECT, [f("my_pkg-1.0.tar.gz"), f("my_pkg-2.0b1.tar.gz")])
    assert choose_version("my-pkg", found, None, "idx") == Version("1.0")
    only_pre = candidates(PROJECT, [f("my_pkg-2.0b1.tar.gz"), f("my_pkg-2.0.dev1.tar.gz")])
    assert choose_version("my-pkg", only_pre, None, "idx") == Version("2.0b1")


def test_everything_yanked_needs_a_pin() -> None:
    found = candidates(PROJECT, [f("my_pkg-1.0.tar.gz", yanked="")])
    with pytest.raises(VersionNotFoundError) as caught:
        choose_version("my-pkg", found, None, "idx")
    assert "pin one with my-pkg==VERSION" in caught.value.diagnostic
    assert "1.0 (yanked)" in caught.value.diagnostic
    assert choose_version("my-pkg", found, Version("1.0"), "idx") == Version("1.0")


def test_pins_match_under_pep_440() -> None:
    found = candidates(PROJECT, [f("my_pkg-1.0.0.tar.gz"), f("my_pkg-2.0+cpu-py3-none-any.whl")])
    assert choose_version("my-pkg", found, Version("1.0"), "idx") == Version("1.0.0")
    assert choose_version("my-pkg", found, Version("2.0"), "idx") == Version("2.0+cpu")


def test_default_files_are_one_sdist_and_one_pure_wheel() -> None:
    release = candidates(
        PROJECT,
        [
            f("my_pkg-1.0.zip"),
            f("my_pkg-1.0.tar.gz"),
            f("my_pkg-1.0-py2-none-any.whl"),
            f("my_pkg-1.0-py3-none-any.whl"),
            f("my_pkg-1.0-cp311-cp311-win_amd64.whl"),
        ],
    )
    chosen = choose_files(release, pinned=False, all_files=False)
    assert [c.file.filename for c in chosen] == ["my_pkg-1.0.tar.gz", "my_pkg-1.0-py3-none-any.whl"]


def test_binary_only_release_gets_one_wheel() -> None:
    release = candidates(
        PROJECT,
        [
            f("my_pkg-1.0-cp27-cp27m-win32.whl"),
            f("my_pkg-1.0-cp311-abi3-manylinux_2_17_x86_64.whl"),
        ],
    )
    (chosen,) = choose_files(release, pinned=False, all_files=False)
    assert chosen.kind == "wheel"


def test_yanked_files_of_a_release_are_skipped_unless_pinned() -> None:
    release = candidates(
        PROJECT, [f("my_pkg-1.0.tar.gz", yanked=""), f("my_pkg-1.0-py3-none-any.whl")]
    )
    assert [c.kind for c in choose_files(release, pinned=False, all_files=True)] == ["wheel"]
    assert [c.kind for c in choose_files(release, pinned=True, all_files=True)] == [
        "sdist",
        "wheel",
    ]
