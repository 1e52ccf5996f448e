"""Fixtures for capwatch.sources tests (helpers live in sources_testlib)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.unit.sources.sources_testlib import Dist, IndexFactory, Served, build_index, make_handler

from capwatch.sources import pipconfig


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep tests off the real download cache and away from any proxy for 127.0.0.1."""
    monkeypatch.setenv("CAPWATCH_CACHE_DIR", str(tmp_path_factory.mktemp("capwatch-cache")))
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    pipconfig._cached_settings.cache_clear()


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[Served]:
    """A threaded HTTP server on 127.0.0.1 serving ``tmp_path / 'www'``."""
    root = tmp_path / "www"
    root.mkdir()
    served = Served(root=root, port=0)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(served))
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(params=["file-html", "file-json", "http-html", "http-json"])
def make_index(request: pytest.FixtureRequest, tmp_path: Path, http_server: Served) -> IndexFactory:
    """Build an index in one of four ways and return its URL (``file://`` or ``http://``)."""
    transport, fmt = str(request.param).split("-")

    def make(projects: dict[str, list[Dist]]) -> str:
        if transport == "file":
            return build_index(tmp_path / "index", projects, fmt).as_uri()
        build_index(http_server.root, projects, fmt)
        return http_server.url("simple")

    return make
