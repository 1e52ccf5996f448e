"""Which projects of an index changed: change feeds, and the full listing for indexes without one.

What PyPI offers, best first:

* XML-RPC ``changelog_since_serial(serial)`` at ``https://pypi.org/pypi``: every event (new
  release, file added, removed ...) after a serial, each ``[name, version, time, action,
  serial]``; ``changelog_last_serial()`` gives the current serial. Lossless: the watcher keeps
  the last serial it handled. :class:`XmlRpcFeed`.
* RSS ``/rss/updates.xml`` (the latest 100 releases) and ``/rss/packages.xml`` (the latest 40 new
  projects). Lossy when more happen between two polls, but plain HTTP. :class:`RssFeed`.
* The simple index root in PEP 691 JSON lists every project with its ``_last-serial`` (and the
  ``X-PyPI-Last-Serial`` header gives the index's serial): comparing per-project serials finds
  the changed projects without reading each project page, at the cost of one large page.

An index without a feed (pypiserver, a directory of files behind nginx, devpi's plain simple
pages) is read in full: the root listing (PEP 691 JSON or PEP 503 HTML), then every project.
:func:`list_projects` does that part; the watcher reads project pages itself.

A feed starts "now": its first call stores the current position and reports no change, so a
watcher on PyPI does not try to download the whole index.
"""

from __future__ import annotations

import json
import logging
import xmlrpc.client
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import httpx
from packaging.utils import canonicalize_name

from capwatch.errors import SourceError
from capwatch.sources.errors import NetworkError
from capwatch.sources.transport import ACCEPT_SIMPLE, SIMPLE_JSON, Page, redact_url, user_agent

log = logging.getLogger(__name__)

MAX_LISTING_BYTES = 256 * 1024 * 1024
"""Largest root listing read (PyPI's JSON root is a few tens of MiB)."""
MAX_FEED_BYTES = 64 * 1024 * 1024
"""Largest feed answer read."""


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """What a feed said since a position."""

    changes: tuple[tuple[str, str | None], ...]
    """``(canonical project name, version)`` pairs that changed (version None: unknown)."""
    position: str | None
    """The position to ask from next time (None: keep the old one)."""


class ChangeFeed(Protocol):
    """A source of changed project names."""

    name: str
    """Short identifier, also the key of the feed's position in the cursor store."""

    def changes(self, position: str | None) -> FeedBatch:
        """The projects changed after ``position`` (None: start now, report nothing)."""
        ...


class XmlRpcFeed:
    """PyPI's XML-RPC changelog (``changelog_since_serial``)."""

    name = "xmlrpc-serial"

    def __init__(self, url: str, client: httpx.Client, *, max_bytes: int = MAX_FEED_BYTES) -> None:
        self.url = url
        self._client = client
        self._max_bytes = max_bytes

    def changes(self, position: str | None) -> FeedBatch:
        if position is None:
            serial = self._call("changelog_last_serial")
            if not isinstance(serial, int):
                raise SourceError(f"{redact_url(self.url)}: changelog_last_serial gave {serial!r}")
            return FeedBatch((), str(serial))
        try:
            since = int(position)
        except ValueError:
            raise SourceError(f"stored feed position {position!r} is not a serial") from None
        entries = self._call("changelog_since_serial", since)
        if not isinstance(entries, list):
            raise SourceError(f"{redact_url(self.url)}: changelog_since_serial gave no list")
        changes: dict[tuple[str, str | None], None] = {}
        last = since
        for entry in entries:
            if not isinstance(entry, list | tuple) or len(entry) < 5:
                continue
            name, version, serial = entry[0], entry[1], entry[4]
            if isinstance(name, str) and name:
                changes[(canonicalize_name(name), version if isinstance(version, str) and version else None)] = None
            if isinstance(serial, int):
                last = max(last, serial)
        return FeedBatch(tuple(changes), str(last))

    def _call(self, method: str, *params: int) -> object:
        body = xmlrpc.client.dumps(tuple(params), method).encode("utf-8")
        data = post_bounded(
            self._client, self.url, body, content_type="text/xml", max_bytes=self._max_bytes
        )
        try:
            (result,), _ = xmlrpc.client.loads(data.decode("utf-8", errors="replace"))
        except (xmlrpc.client.Fault, ValueError, ElementTree.ParseError) as exc:
            raise SourceError(f"{redact_url(self.url)}: bad XML-RPC answer to {method}: {exc}") from None
        except Exception as exc:  # expat raises its own error type
            raise SourceError(f"{redact_url(self.url)}: unreadable XML-RPC answer to {method}: {exc}") from None
        return result


class RssFeed:
    """An RSS feed of releases (PyPI's ``/rss/updates.xml``) or new projects (``packages.xml``)."""

    name = "rss"

    def __init__(self, url: str, client: httpx.Client, *, max_bytes: int = MAX_FEED_BYTES) -> None:
        self.url = url
        self._client = client
        self._max_bytes = max_bytes

    def changes(self, position: str | None) -> FeedBatch:
        page = get_bounded(self._client, self.url, accept="application/rss+xml, */*", max_bytes=self._max_bytes)
        if page is None:
            raise SourceError(f"{redact_url(self.url)}: no such feed (HTTP 404)")
        try:
            root = ElementTree.fromstring(page.body)
        except ElementTree.ParseError as exc:
            raise SourceError(f"{redact_url(self.url)}: invalid RSS ({exc})") from None
        newest = position
        changes: dict[tuple[str, str | None], None] = {}
        for item in root.iter("item"):
            stamp = _rss_time(item.findtext("pubDate"))
            release = _rss_release(item.findtext("link"), item.findtext("title"))
            if stamp is None or release is None:
                continue
            if newest is None or stamp > newest:
                newest = stamp
            if position is not None and stamp > position:
                changes[release] = None
        return FeedBatch(tuple(changes), newest)


def list_projects(client: httpx.Client, index_url: str) -> dict[str, int | None]:
    """Every project on the index's root listing, each with its last serial when the index says.

    Reads ``<index>/`` as PEP 691 JSON when offered, else PEP 503 HTML. Raises
    :class:`NetworkError` when the listing cannot be read.
    """
    url = index_url.rstrip("/") + "/"
    page = get_bounded(client, url, accept=ACCEPT_SIMPLE, max_bytes=MAX_LISTING_BYTES)
    if page is None:
        raise NetworkError(
            f"{redact_url(url)}: no simple index here (HTTP 404)",
            diagnostic=f"{redact_url(url)} is not a simple index (HTTP 404); pass the index's /simple/ URL",
        )
    if page.content_type in (SIMPLE_JSON, "application/json") or page.body.lstrip()[:1] == b"{":
        return _projects_json(page)
    parser = _ProjectAnchors()
    parser.feed(page.body.decode(page.charset or "utf-8", errors="replace"))
    parser.close()
    return {canonicalize_name(name): None for name in parser.names if name}


def _projects_json(page: Page) -> dict[str, int | None]:
    try:
        data = json.loads(page.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{redact_url(page.url)}: invalid JSON listing ({exc})") from None
    entries = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SourceError(f"{redact_url(page.url)}: JSON that is not a PEP 691 project list")
    found: dict[str, int | None] = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            serial = entry.get("_last-serial")
            found[canonicalize_name(entry["name"])] = serial if isinstance(serial, int) else None
    return found


class _ProjectAnchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._text is not None:
            self.names.append("".join(self._text).strip())
            self._text = None


def get_bounded(
    client: httpx.Client, url: str, *, accept: str, max_bytes: int
) -> Page | None:
    """GET ``url`` (at most ``max_bytes``) as a :class:`Page`; None for HTTP 404/410."""
    try:
        with client.stream("GET", url, headers={"Accept": accept, "User-Agent": user_agent()}) as response:
            if response.status_code in (404, 410):
                return None
            _raise_for_status(url, response)
            body = _read_limited(url, response, max_bytes)
            content_type = response.headers.get("Content-Type", "")
            final_url = str(response.url)
    except httpx.HTTPError as exc:
        raise network_error(url, exc) from None
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    return Page(url=final_url, content_type=media.strip().lower(), charset=charset, body=body)


def post_bounded(
    client: httpx.Client, url: str, body: bytes, *, content_type: str, max_bytes: int
) -> bytes:
    """POST ``body`` and read at most ``max_bytes`` of the answer; raises on HTTP errors."""
    headers = {"Content-Type": content_type, "User-Agent": user_agent()}
    try:
        with client.stream("POST", url, content=body, headers=headers) as response:
            _raise_for_status(url, response)
            return _read_limited(url, response, max_bytes)
    except httpx.HTTPError as exc:
        raise network_error(url, exc) from None


def _read_limited(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise SourceError(f"{redact_url(url)} is too large ({length} bytes; limit {max_bytes})")
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise SourceError(f"{redact_url(url)} is too large (limit {max_bytes} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _raise_for_status(url: str, response: httpx.Response) -> None:
    if response.status_code >= 400:
        hint = "; the index is failing, try again later" if response.status_code >= 500 else ""
        raise NetworkError(
            f"{redact_url(url)}: HTTP {response.status_code}",
            diagnostic=f"{redact_url(url)}: HTTP {response.status_code}{hint}",
        )


def make_client(timeout: float) -> httpx.Client:
    """An HTTP client for watching: follows redirects, but never from https down to http."""
    return httpx.Client(
        timeout=timeout, follow_redirects=True, event_hooks={"response": [refuse_downgrade]}
    )


def refuse_downgrade(response: httpx.Response) -> None:
    """An httpx response hook: raise for a redirect from https to http (hooks see every hop)."""
    if response.url.scheme != "https" or not response.has_redirect_location:
        return
    target = response.url.join(response.headers["Location"])
    if target.scheme != "https":
        raise NetworkError(
            f"refusing a redirect from https to {target.scheme}: {redact_url(str(target))}"
        )


def network_error(url: str, exc: httpx.HTTPError) -> NetworkError:
    """A :class:`NetworkError` with a diagnostic for an httpx failure."""
    reason = "timed out" if isinstance(exc, httpx.TimeoutException) else (str(exc) or type(exc).__name__)
    return NetworkError(
        f"cannot reach {redact_url(url)}: {reason}",
        diagnostic=f"cannot reach {redact_url(url)}: {reason}; check the network and the URL",
    )


def feed_for(
    kind: str, index_url: str, client: httpx.Client, *, feed_url: str | None = None
) -> ChangeFeed | None:
    """The feed to use: ``kind`` is ``auto``, ``xmlrpc``, ``rss`` or ``none`` (full listing).

    ``auto`` picks XML-RPC for pypi.org and test.pypi.org and no feed elsewhere. Without
    ``feed_url`` the feed lives at the index host's ``/pypi`` (XML-RPC) or
    ``/rss/updates.xml`` (RSS).
    """
    parts = urlsplit(index_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if kind == "auto":
        kind = "xmlrpc" if parts.hostname in ("pypi.org", "test.pypi.org") else "none"
    if kind == "xmlrpc":
        return XmlRpcFeed(feed_url or urljoin(origin, "/pypi"), client)
    if kind == "rss":
        return RssFeed(feed_url or urljoin(origin, "/rss/updates.xml"), client)
    if kind == "none":
        return None
    raise SourceError(f"unknown feed kind {kind!r}: use auto, xmlrpc, rss or none")


FEED_KINDS: tuple[str, ...] = ("auto", "xmlrpc", "rss", "none")


def _rss_time(text: str | None) -> str | None:
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rss_release(link: str | None, title: str | None) -> tuple[str, str | None] | None:
    """``(project, version)`` from an item's link ``/project/<name>/<version>/`` or its title."""
    if link:
        segments = [s for s in urlsplit(link.strip()).path.split("/") if s]
        if len(segments) >= 2 and segments[0] == "project":
            return canonicalize_name(segments[1]), (segments[2] if len(segments) >= 3 else None)
    words = (title or "").split()
    if words:
        return canonicalize_name(words[0]), (words[1] if len(words) > 1 else None)
    return None

