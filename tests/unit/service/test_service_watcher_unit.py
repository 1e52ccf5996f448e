"""The watcher's feeds, limits and checks against an index simulated with httpx.MockTransport."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from tests.helpers import sdist_bytes

from capwatch.errors import SourceError, UsageError
from capwatch.service.cursor import SqliteCursorStore
from capwatch.service.feeds import RssFeed, XmlRpcFeed, feed_for, list_projects, make_client
from capwatch.service.watcher import IndexWatcher, SubmitError, WatchLimits, default_state_path

INDEX = "https://index.test/simple/"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


@dataclass
class FakeIndex:
    """Projects -> {filename: bytes}; serials per project; an XML-RPC changelog; request log."""

    projects: dict[str, dict[str, bytes]] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)
    changelog: list[list[object]] = field(default_factory=list)
    bad_hash: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)

    def add(self, project: str, filename: str, data: bytes) -> None:
        self.projects.setdefault(project, {})[filename] = data
        serial = max([0, *self.serials.values()]) + 1
        self.serials[project] = serial
        version = filename.removesuffix(".tar.gz").rpartition("-")[2]
        self.changelog.append([project, version, 0, f"add source file {filename}", serial])

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append(f"{request.method} {path}")
        if request.method == "POST" and path == "/pypi":
            (params, method) = xmlrpc.client.loads(request.content.decode())
            if method == "changelog_last_serial":
                result: object = max([0, *self.serials.values()])
            else:
                result = [e for e in self.changelog if isinstance(e[4], int) and e[4] > params[0]]
            return httpx.Response(200, content=xmlrpc.client.dumps((result,), methodresponse=True).encode(),
                                  headers={"Content-Type": "text/xml"})
        if path == "/simple/":
            listing = {"meta": {"api-version": "1.1"},
                       "projects": [{"name": p, "_last-serial": self.serials[p]} for p in self.projects]}
            return httpx.Response(200, json=listing, headers={"Content-Type": JSON_TYPE})
        if path.startswith("/simple/"):
            project = path.split("/")[2]
            files = self.projects.get(project)
            if files is None:
                return httpx.Response(404)
            entries = [
                {"filename": name, "url": f"/files/{name}",
                 "hashes": {"sha256": ("0" * 64 if name in self.bad_hash else hashlib.sha256(data).hexdigest())}}
                for name, data in files.items()
            ]
            page = {"meta": {"api-version": "1.1"}, "name": project, "files": entries}
            return httpx.Response(200, json=page, headers={"Content-Type": JSON_TYPE})
        if path.startswith("/files/"):
            name = path.rsplit("/", 1)[1]
            for files in self.projects.values():
                if name in files:
                    return httpx.Response(200, content=files[name])
        return httpx.Response(404)


def _sdist(project: str, version: str, size: int = 0) -> tuple[str, bytes]:
    top = f"{project.replace('-', '_')}-{version}"
    files: dict[str, bytes | str] = {"setup.py": "X = 1\n"}
    if size:
        files["blob.bin"] = random.Random(size).randbytes(size)  # incompressible
    return f"{top}.tar.gz", sdist_bytes(files, top=top)


@dataclass
class Calls:
    made: list[tuple[str, str, str | None]] = field(default_factory=list)
    fail: bool = False

    def __call__(self, filename: str, data: bytes, project: str, version: str | None, source: str) -> None:
        if self.fail:
            raise SubmitError("server down")
        self.made.append((filename, project, version))


def _watcher(fake: FakeIndex, tmp_path: Path, submit: Calls, **kwargs: object) -> tuple[IndexWatcher, httpx.Client]:
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))
    cursor = SqliteCursorStore(tmp_path / "state.sqlite", INDEX)
    return IndexWatcher(INDEX, submit, cursor, client, **kwargs), client  # type: ignore[arg-type]


def test_listing_with_serials_only_reads_changed_projects(tmp_path: Path) -> None:
    fake = FakeIndex()
    fake.add("alpha", *_sdist("alpha", "1.0"))
    fake.add("beta", *_sdist("beta", "1.0"))
    calls = Calls()
    watcher, _ = _watcher(fake, tmp_path, calls)
    assert len(watcher.poll_once()) == 2
    fake.requests.clear()
    fake.add("beta", *_sdist("beta", "1.1"))
    assert [s.filename for s in watcher.poll_once()] == ["beta-1.1.tar.gz"]
    assert "GET /simple/alpha/" not in fake.requests


def test_xmlrpc_feed_starts_now_and_follows_the_changelog(tmp_path: Path) -> None:
    fake = FakeIndex()
    fake.add("old", *_sdist("old", "1.0"))
    calls = Calls()
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))
    feed = XmlRpcFeed("https://index.test/pypi", client)
    watcher, _ = _watcher(fake, tmp_path, calls, feed=feed)
    assert watcher.poll_once() == []  # the first poll only takes the current serial
    fake.add("fresh", *_sdist("fresh", "0.1"))
    assert [(s.project, s.version) for s in watcher.poll_once()] == [("fresh", "0.1")]
    assert "GET /simple/" not in fake.requests  # the full listing is never read
    assert watcher.cursor.position("feed:xmlrpc-serial") == str(fake.serials["fresh"])
    # A new release of a project with history brings only its own files, not the old ones.
    fake.add("old", *_sdist("old", "2.0"))
    assert [s.filename for s in watcher.poll_once()] == ["old-2.0.tar.gz"]
    assert not watcher.cursor.is_seen("old-1.0.tar.gz") and watcher.cursor.pending() == {}


@pytest.mark.parametrize("settle", [600.0, 0.0])
def test_a_release_the_page_does_not_list_yet_is_waited_for(tmp_path: Path, settle: float) -> None:
    fake = FakeIndex()
    fake.add("lagging", *_sdist("lagging", "1.0"))
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))
    calls = Calls()
    watcher, _ = _watcher(fake, tmp_path, calls, feed=XmlRpcFeed("https://index.test/pypi", client),
                          limits=WatchLimits(settle_seconds=settle))
    watcher.poll_once()
    name, data = _sdist("lagging", "2.0")
    fake.add("lagging", name, data)
    del fake.projects["lagging"][name]  # the feed knows, the (cached) page does not yet
    assert watcher.poll_once() == []
    if settle:
        assert watcher.cursor.pending()["lagging"].versions == frozenset({"2.0"})
        fake.projects["lagging"][name] = data
        assert [s.filename for s in watcher.poll_once()] == [name]
    assert watcher.cursor.pending() == {}


def test_hash_mismatch_and_oversized_files_are_skipped_for_good(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeIndex()
    bad_name, bad_data = _sdist("bad", "1.0")
    big_name, big_data = _sdist("big", "1.0", size=50_000)
    fake.add("bad", bad_name, bad_data)
    fake.add("big", big_name, big_data)
    fake.bad_hash.add(bad_name)
    calls = Calls()
    watcher, _ = _watcher(fake, tmp_path, calls, limits=WatchLimits(max_file_bytes=20_000))
    assert watcher.poll_once() == []
    assert calls.made == []
    assert "hash mismatch for bad-1.0.tar.gz" in caplog.text and "larger than 20000" in caplog.text
    assert watcher.cursor.is_seen(bad_name) and watcher.cursor.is_seen(big_name)


def test_per_poll_limit_leaves_the_rest_queued_across_a_restart(tmp_path: Path) -> None:
    fake = FakeIndex()
    for index in range(5):
        fake.add("many", *_sdist("many", f"1.{index}"))
    calls = Calls()
    watcher, client = _watcher(fake, tmp_path, calls, limits=WatchLimits(max_files_per_poll=2))
    assert len(watcher.poll_once()) == 2
    assert list(watcher.cursor.pending()) == ["many"] and watcher.cursor.pending()["many"].versions is None
    restarted = IndexWatcher(INDEX, calls, SqliteCursorStore(tmp_path / "state.sqlite", INDEX), client,
                             limits=WatchLimits(max_files_per_poll=2))
    assert len(restarted.poll_once()) == 2
    assert len(restarted.poll_once()) == 1
    assert restarted.poll_once() == []
    assert sorted(v for _, _, v in calls.made) == [f"1.{i}" for i in range(5)]


def test_failed_submission_keeps_the_file_for_the_next_poll(tmp_path: Path) -> None:
    fake = FakeIndex()
    fake.add("one", *_sdist("one", "1.0"))
    calls = Calls(fail=True)
    watcher, _ = _watcher(fake, tmp_path, calls)
    assert watcher.poll_once() == []
    assert not watcher.cursor.is_seen("one-1.0.tar.gz") and list(watcher.cursor.pending()) == ["one"]
    calls.fail = False
    assert len(watcher.poll_once()) == 1


def test_request_delay_is_applied_between_requests(tmp_path: Path) -> None:
    fake = FakeIndex()
    fake.add("one", *_sdist("one", "1.0"))
    waits: list[float] = []
    watcher, _ = _watcher(fake, tmp_path, Calls(), limits=WatchLimits(request_delay=0.25), sleep=waits.append)
    watcher.poll_once()
    assert waits == [0.25, 0.25]  # listing, project page, file: two pauses between three requests


def test_rss_feed_reports_projects_newer_than_the_position() -> None:
    rss = """<?xml version="1.0"?><rss version="2.0"><channel>
      <item><title>newer 2.0</title><link>https://pypi.org/project/Newer_Pkg/2.0/</link>
        <pubDate>Sat, 21 Nov 2026 18:10:00 GMT</pubDate></item>
      <item><title>older 1.0</title><link>https://pypi.org/project/older/1.0/</link>
        <pubDate>Sat, 21 Nov 2026 18:00:00 +0000</pubDate></item>
    </channel></rss>"""
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text=rss)))
    feed = RssFeed("https://index.test/rss/updates.xml", client)
    first = feed.changes(None)
    assert first.changes == () and first.position == "2026-11-21T18:10:00Z"
    later = feed.changes("2026-11-21T18:05:00Z")
    assert later.changes == (("newer-pkg", "2.0"),)


def test_feed_choice_and_html_listing() -> None:
    html = '<html><body><a href="a/">Alpha_One</a><br><a href="b/">beta</a></body></html>'
    client = httpx.Client(transport=httpx.MockTransport(
        lambda r: httpx.Response(200, text=html, headers={"Content-Type": "text/html"})))
    assert list_projects(client, "https://index.test/simple") == {"alpha-one": None, "beta": None}
    assert isinstance(feed_for("auto", "https://pypi.org/simple/", client), XmlRpcFeed)
    assert feed_for("auto", "http://127.0.0.1:8080/simple/", client) is None
    assert isinstance(feed_for("rss", "https://pypi.org/simple/", client), RssFeed)
    with pytest.raises(SourceError):
        feed_for("carrier-pigeon", INDEX, client)


def test_missing_listing_and_bad_urls_have_diagnostics(tmp_path: Path) -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    with pytest.raises(SourceError, match="no simple index"):
        list_projects(client, INDEX)
    with pytest.raises(UsageError):
        IndexWatcher("file:///tmp/x", Calls(), SqliteCursorStore(tmp_path / "s", INDEX), client)
    assert default_state_path(INDEX, tmp_path).parent == tmp_path / "watch"
    assert json.dumps(default_state_path(INDEX, tmp_path).name).endswith('.sqlite"')


def test_redirect_from_https_to_http_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            return httpx.Response(302, headers={"Location": "http://index.test/simple/"})
        return httpx.Response(200, text="<a href='x/'>x</a>", headers={"Content-Type": "text/html"})

    client = make_client(5.0)
    client._transport = httpx.MockTransport(handler)  # the hook is what is under test
    with pytest.raises(SourceError, match="https to http"):
        list_projects(client, INDEX)


def test_run_polls_until_stopped(tmp_path: Path) -> None:
    fake = FakeIndex()
    fake.add("one", *_sdist("one", "1.0"))
    calls = Calls()
    watcher, _ = _watcher(fake, tmp_path, calls)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, kwargs={"interval": 0.05, "stop": stop})
    thread.start()
    deadline = time.monotonic() + 5
    while not calls.made and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and len(calls.made) == 1
