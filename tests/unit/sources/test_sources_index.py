"""Fetching from simple-API indexes: PEP 503 HTML and PEP 691 JSON, over file:// and HTTP."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from tests.unit.sources.sources_testlib import Dist, IndexFactory, Served, build_index, sdist_bytes

from capwatch.config import Limits
from capwatch.errors import SourceError, UsageError
from capwatch.sources import (
    HashMismatchError,
    NetworkError,
    PipSettings,
    ProjectNotFoundError,
    Target,
    VersionNotFoundError,
    fetch,
    resolve_targets,
)
from capwatch.sources.transport import SIMPLE_JSON

NO_PIP = PipSettings()
"""Settings that keep tests from reading this machine's pip configuration."""

DEMO = {
    "demo-pkg": [
        Dist("demo_pkg-0.7.tar.gz"),
        Dist("demo_pkg-0.8.tar.gz"),
        Dist("demo_pkg-0.9.tar.gz"),
        Dist("demo_pkg-1.0.tar.gz"),
        Dist("demo_pkg-1.0-py3-none-any.whl"),
        Dist("demo_pkg-1.1.tar.gz"),
        Dist("demo_pkg-1.1-py2-none-any.whl"),
        Dist("demo_pkg-1.1-py3-none-any.whl"),
        Dist("demo_pkg-1.1-cp311-cp311-manylinux_2_17_x86_64.whl"),
        Dist("demo_pkg-1.2.tar.gz", yanked="broken build"),
        Dist("demo_pkg-1.2-py3-none-any.whl", yanked=""),
        Dist("demo_pkg-2.0rc1.tar.gz"),
        Dist("other_pkg-9.0.tar.gz"),
    ],
    "tampered": [Dist("tampered-1.0.tar.gz", hash="bad")],
}


def names(targets: list[Target]) -> list[str]:
    return [t.display for t in targets]


def test_latest_skips_yanked_prereleases_and_platform_wheels(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    targets = fetch("demo-pkg", None, index_urls=[index], settings=NO_PIP)
    assert names(targets) == [
        "demo-pkg==1.1 (demo_pkg-1.1.tar.gz)",
        "demo-pkg==1.1 (demo_pkg-1.1-py3-none-any.whl)",
    ]
    assert {t.origin for t in targets} == {"index"}
    assert targets[0].path.read_bytes() == sdist_bytes("demo_pkg", "1.1")
    assert targets[0].path.name == "demo_pkg-1.1.tar.gz"


def test_pinned_yanked_release_is_fetched(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    targets = fetch("Demo.Pkg", "1.2", index_urls=[index], settings=NO_PIP)
    assert names(targets) == [
        "demo-pkg==1.2 (demo_pkg-1.2.tar.gz)",
        "demo-pkg==1.2 (demo_pkg-1.2-py3-none-any.whl)",
    ]


def test_all_files_gives_every_file_of_the_release(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    targets = fetch("demo-pkg", "1.1", all_files=True, index_urls=[index], settings=NO_PIP)
    assert [t.path.name for t in targets] == [
        "demo_pkg-1.1.tar.gz",
        "demo_pkg-1.1-cp311-cp311-manylinux_2_17_x86_64.whl",
        "demo_pkg-1.1-py2-none-any.whl",
        "demo_pkg-1.1-py3-none-any.whl",
    ]


def test_hash_mismatch_is_an_error_and_nothing_is_kept(
    make_index: IndexFactory, tmp_path: Path
) -> None:
    index = make_index(DEMO)
    cache = tmp_path / "cache"
    with pytest.raises(HashMismatchError) as caught:
        fetch("tampered", None, index_urls=[index], cache_dir=cache, settings=NO_PIP)
    assert isinstance(caught.value, SourceError)
    assert "hash mismatch for tampered-1.0.tar.gz" in caught.value.diagnostic
    assert "sha256" in caught.value.diagnostic
    leftovers = [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    assert leftovers == []


def test_unknown_version_lists_the_five_newest(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    with pytest.raises(VersionNotFoundError) as caught:
        fetch("demo-pkg", "5.0", index_urls=[index], settings=NO_PIP)
    diagnostic = caught.value.diagnostic
    assert "demo-pkg has no version 5.0" in diagnostic
    assert "newest available: 2.0rc1, 1.2 (yanked), 1.1, 1.0, 0.9, and 2 older" in diagnostic


def test_unknown_project(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    with pytest.raises(ProjectNotFoundError) as caught:
        fetch("no-such-project", None, index_urls=[index], settings=NO_PIP)
    assert "no project named no-such-project" in caught.value.diagnostic


def test_size_limit_applies(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    with pytest.raises(SourceError) as caught:
        fetch(
            "demo-pkg", "1.0", index_urls=[index], settings=NO_PIP, limits=Limits(artifact_bytes=64)
        )
    assert "artifact_bytes" in caught.value.diagnostic


def test_resolve_targets_mixes_paths_and_requirements(
    make_index: IndexFactory, tmp_path: Path
) -> None:
    index = make_index(DEMO)
    local = tmp_path / "local.tar.gz"
    local.write_bytes(sdist_bytes("local", "1"))
    found = list(resolve_targets([str(local), "demo-pkg==1.0"], index_urls=[index]))
    assert [(t.display, t.origin) for t in found] == [
        (str(local), "file"),
        ("demo-pkg==1.0 (demo_pkg-1.0.tar.gz)", "index"),
        ("demo-pkg==1.0 (demo_pkg-1.0-py3-none-any.whl)", "index"),
    ]


def test_resolve_targets_reports_unknown_project_lazily(make_index: IndexFactory) -> None:
    index = make_index(DEMO)
    targets = resolve_targets(["nothing-here"], index_urls=[index])
    with pytest.raises(ProjectNotFoundError) as caught:
        next(targets)
    assert "is not a file or directory here either" in caught.value.diagnostic


def test_invalid_name_or_version_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        fetch("not a name!", None, index_urls=["file:///nonexistent"], settings=NO_PIP)
    with pytest.raises(UsageError):
        fetch("six", "not-a-version", index_urls=["file:///nonexistent"], settings=NO_PIP)


# --- file:// specifics ---------------------------------------------------------------------


def test_file_index_files_are_used_in_place(tmp_path: Path) -> None:
    simple = build_index(tmp_path / "idx", DEMO, "html")
    targets = fetch("demo-pkg", "1.0", index_urls=[simple.as_uri()], settings=NO_PIP)
    assert [t.path for t in targets] == [
        tmp_path / "idx" / "files" / "demo_pkg-1.0.tar.gz",
        tmp_path / "idx" / "files" / "demo_pkg-1.0-py3-none-any.whl",
    ]


def test_plain_directory_path_works_as_an_index(tmp_path: Path) -> None:
    simple = build_index(tmp_path / "idx", DEMO, "json")
    targets = fetch("demo-pkg", "0.9", index_urls=[str(simple)], settings=NO_PIP)
    assert names(targets) == ["demo-pkg==0.9 (demo_pkg-0.9.tar.gz)"]


def test_missing_local_index_is_a_network_error(tmp_path: Path) -> None:
    with pytest.raises(NetworkError) as caught:
        fetch(
            "demo-pkg", None, index_urls=[(tmp_path / "gone" / "simple").as_uri()], settings=NO_PIP
        )
    assert "does not exist" in caught.value.diagnostic


def test_indexes_are_merged_first_listing_wins(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = build_index(tmp_path / "a", {"demo-pkg": [Dist("demo_pkg-1.0.tar.gz")]}, "html")
    second = build_index(
        tmp_path / "b",
        {
            "demo-pkg": [
                Dist("demo_pkg-1.0.tar.gz", content=b"\x1f\x8bdifferent"),
                Dist("demo_pkg-2.0.tar.gz"),
            ]
        },
        "json",
    )
    urls = [first.as_uri(), second.as_uri()]
    with caplog.at_level(logging.WARNING):
        assert names(fetch("demo-pkg", None, index_urls=urls, settings=NO_PIP)) == [
            "demo-pkg==2.0 (demo_pkg-2.0.tar.gz)"
        ]
        pinned = fetch("demo-pkg", "1.0", index_urls=urls, settings=NO_PIP)
    assert pinned[0].path == tmp_path / "a" / "files" / "demo_pkg-1.0.tar.gz"
    assert "different hashes" in caplog.text


def test_one_unreachable_index_is_a_warning_when_another_has_the_project(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = build_index(tmp_path / "good", DEMO, "html")
    dead = "http://127.0.0.1:9/simple"  # the discard port: connection refused
    with caplog.at_level(logging.WARNING):
        targets = fetch(
            "demo-pkg", "1.0", index_urls=[dead, good.as_uri()], settings=NO_PIP, timeout=5
        )
    assert len(targets) == 2
    assert "cannot reach http://127.0.0.1:9/simple/demo-pkg/" in caplog.text


# --- HTTP specifics ----------------------------------------------------------------------


def test_http_asks_for_json_and_sends_user_agent(http_server: Served) -> None:
    build_index(http_server.root, DEMO, "both")
    fetch("demo-pkg", "1.0", index_urls=[http_server.url("simple")], settings=NO_PIP)
    (page,) = http_server.requests_for("/simple/demo-pkg/")
    assert page["accept"].startswith(SIMPLE_JSON)
    assert page["user-agent"].startswith("capwatch/")


def test_http_html_fallback_when_server_ignores_accept(http_server: Served) -> None:
    build_index(http_server.root, DEMO, "both")
    http_server.honour_accept = False
    targets = fetch("demo-pkg", None, index_urls=[http_server.url("simple")], settings=NO_PIP)
    assert len(targets) == 2


def test_http_downloads_are_cached_and_rechecked(http_server: Served, tmp_path: Path) -> None:
    build_index(http_server.root, DEMO, "json")
    cache = tmp_path / "cache"
    first = fetch(
        "demo-pkg", "1.0", index_urls=[http_server.url("simple")], cache_dir=cache, settings=NO_PIP
    )
    digest = hashlib.sha256(sdist_bytes("demo_pkg", "1.0")).hexdigest()
    assert first[0].path == cache / "downloads" / digest / "demo_pkg-1.0.tar.gz"
    again = fetch(
        "demo-pkg", "1.0", index_urls=[http_server.url("simple")], cache_dir=cache, settings=NO_PIP
    )
    assert again == first
    assert len(http_server.requests_for("/files/demo_pkg-1.0.tar.gz")) == 1
    first[0].path.write_bytes(b"corrupted")
    third = fetch(
        "demo-pkg", "1.0", index_urls=[http_server.url("simple")], cache_dir=cache, settings=NO_PIP
    )
    assert third[0].path.read_bytes() == sdist_bytes("demo_pkg", "1.0")
    assert len(http_server.requests_for("/files/demo_pkg-1.0.tar.gz")) == 2


def test_http_server_error_is_a_network_error(http_server: Served) -> None:
    http_server.overrides["/simple/demo-pkg/"] = (503, {}, b"down")
    with pytest.raises(NetworkError) as caught:
        fetch("demo-pkg", None, index_urls=[http_server.url("simple")], settings=NO_PIP)
    assert "HTTP 503" in caught.value.diagnostic


def test_refused_connection_is_a_network_error() -> None:
    with pytest.raises(NetworkError) as caught:
        fetch(
            "demo-pkg", None, index_urls=["http://127.0.0.1:9/simple"], settings=NO_PIP, timeout=5
        )
    assert "cannot reach" in caught.value.diagnostic


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/demo_pkg-1.0.tar.gz"])
def test_redirect_off_http_is_refused(http_server: Served, location: str) -> None:
    build_index(http_server.root, DEMO, "html")
    http_server.overrides["/files/demo_pkg-1.0.tar.gz"] = (302, {"Location": location}, b"")
    with pytest.raises(NetworkError) as caught:
        fetch("demo-pkg", "1.0", index_urls=[http_server.url("simple")], settings=NO_PIP)
    assert "HTTP 302" in caught.value.diagnostic
    assert (
        "not allowed" in caught.value.diagnostic or "refusing redirect" in caught.value.diagnostic
    )


def test_file_links_on_a_remote_index_are_ignored(http_server: Served, tmp_path: Path) -> None:
    secret = tmp_path / "demo_pkg-3.0.tar.gz"
    secret.write_bytes(sdist_bytes("demo_pkg", "3.0"))
    page = http_server.root / "simple" / "demo-pkg"
    page.mkdir(parents=True)
    (page / "index.html").write_text(f'<a href="{secret.as_uri()}">demo_pkg-3.0.tar.gz</a>')
    with pytest.raises(ProjectNotFoundError, match="no downloadable files"):
        fetch("demo-pkg", None, index_urls=[http_server.url("simple")], settings=NO_PIP)


def test_credentials_are_sent_to_the_index_host_and_never_shown(http_server: Served) -> None:
    build_index(http_server.root, DEMO, "html")
    index = http_server.url("simple", userinfo="alice:s3cret")
    targets = fetch("demo-pkg", "1.0", index_urls=[index], settings=NO_PIP)
    assert len(targets) == 2
    assert all(entry["authorization"].startswith("Basic ") for entry in http_server.log)
    with pytest.raises(ProjectNotFoundError) as caught:
        fetch("absent", None, index_urls=[index], settings=NO_PIP)
    assert "s3cret" not in caught.value.diagnostic
    assert "***@127.0.0.1" in caught.value.diagnostic
