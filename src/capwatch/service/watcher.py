"""The index watcher: find files a package index has that capwatch has not seen, and submit them.

Each :meth:`IndexWatcher.poll_once`:

1. asks the change feed, when the index has one (:mod:`capwatch.service.feeds`), which releases
   changed since the stored position, and queues those ``(project, version)`` pairs: only files
   of the versions named are taken, so a new release of a project with a long history does not
   pull in its old files. Without a feed, it reads the root listing and queues every project with
   all its versions (or, when the listing is PEP 691 JSON with ``_last-serial``, only the projects
   whose serial moved). The queue is persistent and is written before the feed position is
   advanced, so a crash between the two loses nothing;
2. for queued projects, oldest first, reads the project page (PEP 691 JSON, falling back to
   PEP 503 HTML, parsed by :mod:`capwatch.sources.simple`), and for each distribution file
   (sdist, wheel, egg; named for the project) not seen yet: downloads it in memory, bounded by
   ``max_file_bytes``, checks every hash the index publishes, and hands it to ``submit``;
3. marks a file seen once ``submit`` returned, or for good when it can never be taken (too large,
   hash mismatch); a failed download or submission is retried on the next poll.

A poll submits at most ``max_files_per_poll`` files and reads at most ``max_projects_per_poll``
project pages; what is left stays queued for the next poll. ``request_delay`` pauses between
requests to the index. Nothing downloaded is ever unpacked or run here: files go to the scanner.

Submitters: :class:`HttpSubmitter` posts to a capwatch server's ``POST /api/v1/uploads``;
:class:`PrintSubmitter` prints a line per file. Anything with the :class:`Submit` signature works
(the service submits in process).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import quote

import httpx
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from capwatch.config import MiB
from capwatch.errors import CapwatchError, SourceError, UsageError
from capwatch.service.cursor import CursorStore, Pending, SqliteCursorStore
from capwatch.service.feeds import (
    MAX_FEED_BYTES,
    ChangeFeed,
    get_bounded,
    list_projects,
    network_error,
)
from capwatch.sources.errors import HashMismatchError, NetworkError
from capwatch.sources.select import parse_filename
from capwatch.sources.simple import IndexFile, parse_page
from capwatch.sources.transport import ACCEPT_SIMPLE, redact_url, user_agent

__all__ = [
    "CursorStore",
    "HttpSubmitter",
    "IndexWatcher",
    "Pending",
    "PrintSubmitter",
    "SqliteCursorStore",
    "Submit",
    "SubmitError",
    "Submitted",
    "WatchLimits",
]

log = logging.getLogger(__name__)


class Submit(Protocol):
    """Hands one downloaded file to the scanner. Raises to have it retried on the next poll."""

    def __call__(
        self, filename: str, data: bytes, project: str, version: str | None, source: str
    ) -> None: ...


class SubmitError(CapwatchError):
    """A submission failed; the file will be tried again on the next poll."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """One file a poll submitted."""

    project: str
    version: str | None
    filename: str
    sha256: str
    size: int
    url: str


@dataclass(frozen=True, slots=True)
class WatchLimits:
    """Bounds of one poll."""

    max_file_bytes: int = 256 * MiB
    """Files larger than this are skipped for good (and logged)."""
    max_files_per_poll: int = 200
    max_projects_per_poll: int = 500
    request_delay: float = 0.0
    """Seconds to wait between two requests to the index."""
    settle_seconds: float = 600.0
    """How long a release named by the feed may take to appear on its project page (PyPI's
    pages sit behind a CDN): until then it stays queued and is looked for again on each poll."""


class IndexWatcher:
    """Watches one index (its simple API root, e.g. ``https://pypi.org/simple/``)."""

    def __init__(
        self,
        index_url: str,
        submit: Submit,
        cursor: CursorStore,
        client: httpx.Client,
        *,
        feed: ChangeFeed | None = None,
        limits: WatchLimits = WatchLimits(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not index_url.startswith(("http://", "https://")):
            raise UsageError(f"the index must be an http(s) URL, got {redact_url(index_url)!r}")
        self.index_url = index_url.rstrip("/") + "/"
        self.submit = submit
        self.cursor = cursor
        self.client = client
        self.feed = feed
        self.limits = limits
        self._sleep = sleep
        self._requests = 0
        self.last_errors: list[str] = []
        """What failed during the last poll (left for the next one), one diagnostic each."""

    # -- one poll ------------------------------------------------------------------------------

    def poll_once(self) -> list[Submitted]:
        """Queue what changed, then handle queued projects within the limits (see the module doc).

        Raises :class:`~capwatch.errors.SourceError` when the feed or the listing cannot be read;
        a failing project page or file is logged and retried on the next poll.
        """
        self.last_errors = []
        self._discover()
        submitted: list[Submitted] = []
        for count, (project, pending) in enumerate(self.cursor.pending().items()):
            if count >= self.limits.max_projects_per_poll:
                break
            if len(submitted) >= self.limits.max_files_per_poll:
                break
            try:
                finished, missing = self._project(project, pending.versions, submitted)
            except SourceError as exc:
                log.warning("%s: %s; trying again next poll", project, exc.diagnostic)
                self.last_errors.append(exc.diagnostic)
                continue
            if not finished:
                continue
            settling = time.time() - pending.queued_at < self.limits.settle_seconds
            if missing and settling and pending.versions is not None:
                # The feed named a release its project page does not list yet (a cache not yet
                # refreshed): keep waiting for it, take the rest off the queue.
                self.cursor.done(project, pending.versions - missing)
            else:
                if missing:
                    log.info("%s: no files listed for %s; giving up on them",
                             project, ", ".join(sorted(missing)))
                self.cursor.done(project)
        return submitted

    def run(self, *, interval: float, stop: threading.Event | None = None) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set; failures are logged, not raised.

        Run it in a thread (``stop`` ends it within one request timeout) or, from the command
        line, in the foreground.
        """
        stop = stop or threading.Event()
        while not stop.is_set():
            started = time.monotonic()
            try:
                done = self.poll_once()
                log.info("poll of %s: %d file(s) submitted", redact_url(self.index_url), len(done))
            except CapwatchError as exc:
                log.warning("poll of %s failed: %s", redact_url(self.index_url), exc.diagnostic)
            except Exception:  # a long-running watcher outlives one bad poll; the trace is logged
                log.exception("poll of %s failed unexpectedly", redact_url(self.index_url))
            stop.wait(max(interval - (time.monotonic() - started), 0.0))

    # -- steps ---------------------------------------------------------------------------------

    def _discover(self) -> None:
        if self.feed is not None:
            key = f"feed:{self.feed.name}"
            batch = self.feed.changes(self.cursor.position(key))
            self.cursor.add_pending(batch.changes)
            if batch.position is not None:
                self.cursor.set_position(key, batch.position)
            return
        self._pause()
        listing = list_projects(self.client, self.index_url)
        changed: list[tuple[str, str | None]] = []
        for project, serial in listing.items():
            if serial is None:
                changed.append((project, None))
                continue
            key = f"serial:{project}"
            if self.cursor.position(key) != str(serial):
                self.cursor.add_pending([(project, None)])
                self.cursor.set_position(key, str(serial))
        self.cursor.add_pending(changed)

    def _project(
        self, project: str, versions: frozenset[str] | None, submitted: list[Submitted]
    ) -> tuple[bool, frozenset[str]]:
        """Handle the files of ``versions`` of one project (None: all).

        Returns whether every file was handled (False when a limit or a failure stopped it), and
        the queued versions the project page lists no file of.
        """
        wanted = None if versions is None else {_normal_version(v): v for v in versions}
        name = canonicalize_name(project)
        url = f"{self.index_url}{quote(name)}/"
        self._pause()
        page = get_bounded(self.client, url, accept=ACCEPT_SIMPLE, max_bytes=MAX_FEED_BYTES)
        if page is None:
            log.info("%s is not on %s (any more)", name, redact_url(self.index_url))
            return True, frozenset()
        listed: set[str] = set()
        for file in parse_page(page, index_url=redact_url(self.index_url)):
            candidate = parse_filename(name, file)
            if candidate is None:
                continue
            listed.add(str(candidate.version))
            if wanted is not None and str(candidate.version) not in wanted:
                continue
            if self.cursor.is_seen(file.filename):
                continue
            if len(submitted) >= self.limits.max_files_per_poll:
                return False, frozenset()
            try:
                done = self._file(name, str(candidate.version), file)
            except NetworkError as exc:
                log.warning("%s: %s; trying again next poll", file.filename, exc.diagnostic)
                self.last_errors.append(exc.diagnostic)
                return False, frozenset()
            except CapwatchError as exc:  # SubmitError, or a failure of an in-process submitter
                log.warning("%s: submission failed: %s; trying again next poll", file.filename, exc.diagnostic)
                self.last_errors.append(f"{file.filename}: submission failed: {exc.diagnostic}")
                return False, frozenset()
            if done is not None:
                submitted.append(done)
        if wanted is None:
            return True, frozenset()
        return True, frozenset(raw for normal, raw in wanted.items() if normal not in listed)

    def _file(self, project: str, version: str, file: IndexFile) -> Submitted | None:
        limit = self.limits.max_file_bytes
        if file.size is not None and file.size > limit:
            self._skip(file, None, f"larger than {limit} bytes ({file.size})")
            return None
        self._pause()
        try:
            data = self._download(file, limit)
        except _TooLarge:
            self._skip(file, None, f"larger than {limit} bytes")
            return None
        digests = {"sha256": hashlib.sha256(data).hexdigest()}
        try:
            _verify(file, data, digests)
        except HashMismatchError as exc:
            self._skip(file, digests["sha256"], exc.diagnostic)
            return None
        self.submit(file.filename, data, project, version, file.url)
        self.cursor.mark_seen(file.filename, sha256=digests["sha256"], outcome="submitted")
        log.info("submitted %s (%s %s)", file.filename, project, version)
        return Submitted(project, version, file.filename, digests["sha256"], len(data), file.url)

    def _download(self, file: IndexFile, limit: int) -> bytes:
        try:
            with self.client.stream("GET", file.url, headers={"User-Agent": user_agent()}) as response:
                if response.status_code >= 400:
                    raise NetworkError(f"{redact_url(file.url)}: HTTP {response.status_code}")
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise _TooLarge
                chunks: list[bytes] = []
                total = 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > limit:
                        raise _TooLarge
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise network_error(file.url, exc) from None
        return b"".join(chunks)

    def _skip(self, file: IndexFile, sha256: str | None, reason: str) -> None:
        log.warning("skipping %s for good: %s", file.filename, reason)
        self.cursor.mark_seen(file.filename, sha256=sha256, outcome=f"skipped: {reason}")

    def _pause(self) -> None:
        if self._requests and self.limits.request_delay > 0:
            self._sleep(self.limits.request_delay)
        self._requests += 1


class _TooLarge(Exception):
    pass


def _normal_version(text: str) -> str:
    """``text`` in PEP 440 normal form when it is a valid version, else as given."""
    try:
        return str(Version(text))
    except InvalidVersion:
        return text


def _verify(file: IndexFile, data: bytes, digests: dict[str, str]) -> None:
    """Check every hash the index publishes that this Python can compute; fill ``digests``."""
    checked = 0
    for name, expected in sorted(file.hashes.items()):
        if name not in digests:
            try:
                digests[name] = hashlib.new(name, data).hexdigest()
            except ValueError:
                continue
        checked += 1
        if digests[name] != expected:
            raise HashMismatchError(
                f"hash mismatch for {file.filename}",
                diagnostic=(
                    f"hash mismatch for {file.filename} from {redact_url(file.url)}: the index "
                    f"publishes {name} {expected} but the file has {digests[name]}"
                ),
            )
    if not checked:
        log.warning("%s: the index publishes no usable hash; it cannot be verified", file.filename)


# -- submitters --------------------------------------------------------------------------------


class HttpSubmitter:
    """Posts files to a capwatch server: ``POST <server>/api/v1/uploads`` with an uploader token.

    Multipart field ``file`` plus fields ``project``, ``version`` (when known) and ``source`` (the
    URL the file was downloaded from). Any answer but 2xx raises :class:`SubmitError`.
    """

    def __init__(self, server_url: str, token: str, client: httpx.Client, *, timeout: float = 60.0) -> None:
        if not server_url.startswith(("http://", "https://")):
            raise UsageError(f"--server must be an http(s) URL, got {server_url!r}")
        self.url = server_url.rstrip("/") + "/api/v1/uploads"
        self._token = token
        self._client = client
        self._timeout = timeout

    def __call__(
        self, filename: str, data: bytes, project: str, version: str | None, source: str
    ) -> None:
        fields = {"project": project, "source": source}
        if version is not None:
            fields["version"] = version
        try:
            response = self._client.post(
                self.url,
                files={"file": (filename, data, "application/octet-stream")},
                data=fields,
                headers={"Authorization": f"Bearer {self._token}", "User-Agent": user_agent()},
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            raise SubmitError(network_error(self.url, exc).message) from None
        if not 200 <= response.status_code < 300:
            hint = " (check --token: it must be an uploader token)" if response.status_code in (401, 403) else ""
            raise SubmitError(
                f"{redact_url(self.url)} answered HTTP {response.status_code} for {filename}{hint}: "
                f"{' '.join(response.text.split())[:200]}"
            )


class PrintSubmitter:
    """Prints one tab-separated line per file: sha256, size, project, version, filename, source."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(
        self, filename: str, data: bytes, project: str, version: str | None, source: str
    ) -> None:
        digest = hashlib.sha256(data).hexdigest()
        self._out.write(f"{digest}\t{len(data)}\t{project}\t{version or '-'}\t{filename}\t{source}\n")
        self._out.flush()


def default_state_path(index_url: str, cache_dir: Path) -> Path:
    """``<cache>/watch/<sha256 of the index URL, 16 hex>.sqlite``."""
    key = hashlib.sha256(index_url.rstrip("/").encode()).hexdigest()[:16]
    return cache_dir / "watch" / f"{key}.sqlite"
