"""``capwatch backfill``: enqueue a large set of artifacts, streaming, resumable, rate-limited.

Two sources:

* a list (``--from-file LIST``): one artifact per line, a local path (relative paths are taken
  from the list's folder) or an http(s) URL; only the first tab-separated field is read, so a
  TSV whose first column is the path works, and a header line starting ``path`` is skipped. The
  list is read line by line and each artifact is streamed into the store (a URL through a
  spooled temporary file), so memory stays flat whatever the list's length. The number of lines
  done is saved in the database (``cursors``, name ``backfill:file:<path>``) after each batch,
  so a backfill started again after an interruption goes on from there; an artifact submitted
  twice is recognised by its sha256 and not scanned again;
* an index (``--index URL``): the index watcher (:mod:`capwatch.service.watcher`) with its
  cursor in the database under a key of its own: every project of the root listing, or with
  ``--since SERIAL`` the releases the XML-RPC changelog names after that serial, file by file,
  hash-checked; the cursor keeps the projects still to do and the files done.

Requests to the index (or to the URLs of a list) are spaced by ``1 / rate`` seconds. Each
submission commits the job; the task is sent after that commit (the outbox relay in Celery
mode; embedded ``serve`` processes read queued jobs from the database).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import httpx

from capwatch.errors import CapwatchError, UsageError
from capwatch.service.cursors import DbCursorStore, DbWatchCursor
from capwatch.service.feeds import FeedBatch, XmlRpcFeed, feed_for, list_projects, make_client
from capwatch.service.schema import Scan
from capwatch.service.store import TooLarge
from capwatch.service.uploads import NotAnArtifact, submit_upload
from capwatch.service.watcher import IndexWatcher, WatchLimits
from capwatch.sources.transport import redact_url, user_agent

if TYPE_CHECKING:
    from capwatch.service.runtime import Service

log = logging.getLogger("capwatch.service")

UPLOADER = "backfill"
SAVE_EVERY = 50
"""Lines between two saves of a list's cursor."""


@dataclass
class Progress:
    """Counts of one backfill run; ``report`` is called every ``every`` seconds with it."""

    submitted: int = 0
    duplicates: int = 0
    refused: int = 0
    failed: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (f"{self.submitted} new, {self.duplicates} seen before, {self.refused} refused, "
                f"{self.failed} failed; {self.bytes / 1e6:.1f} MB in {elapsed:.0f} s "
                f"({self.submitted / elapsed:.1f} files/s)")


class RateLimit:
    """At most ``rate`` calls per second (None or 0: no limit)."""

    def __init__(self, rate: float | None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._sleep = sleep

    def wait(self) -> None:
        now = time.monotonic()
        if now < self._next:
            self._sleep(self._next - now)
        self._next = max(now, self._next) + self.interval


def _targets(list_path: Path, skip: int) -> Iterator[tuple[int, str]]:
    """(line number, target) of each line after the first ``skip``."""
    with list_path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if number <= skip:
                continue
            target = line.rstrip("\n").split("\t", 1)[0].strip()
            if not target or target.startswith("#") or (number == 1 and target == "path"):
                yield number, ""
                continue
            yield number, target


def _open_target(target: str, base: Path, client: httpx.Client | None, limit: RateLimit,
                 max_bytes: int) -> tuple[BinaryIO, str]:
    if target.startswith(("http://", "https://")):
        assert client is not None
        limit.wait()
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
        size = 0
        with client.stream("GET", target, headers={"User-Agent": user_agent()}) as response:
            if response.status_code >= 400:
                raise CapwatchError(f"{redact_url(target)}: HTTP {response.status_code}")
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"{redact_url(target)} is over {max_bytes} bytes")
                spool.write(chunk)
        spool.seek(0)
        return spool, target.rsplit("/", 1)[-1].split("#", 1)[0] or "download"  # type: ignore[return-value]
    path = Path(target)
    if not path.is_absolute():
        path = base / path
    return path.open("rb"), path.name


def backfill_list(
    service: Service, list_path: Path, *, rate: float | None = None,
    report: Callable[[Progress], None] | None = None, every: float = 5.0,
    limit: int | None = None,
) -> Progress:
    """Submit every artifact the list names, from where the last run stopped."""
    if not list_path.is_file():
        raise UsageError(f"--from-file: no such file: {list_path}")
    cursors = DbCursorStore(service.sessions, prefix="backfill:")
    key = f"file:{list_path.resolve()}"
    done_lines = int(cursors.get(key) or 0)
    if done_lines:
        log.info("backfill of %s: resuming after line %d", list_path, done_lines)
    progress = Progress()
    rate_limit = RateLimit(rate)
    last_report = time.monotonic()
    base = list_path.resolve().parent
    client: httpx.Client | None = None
    number = done_lines
    try:
        for count, (number, target) in enumerate(_targets(list_path, done_lines), start=1):
            if limit is not None and progress.submitted + progress.duplicates >= limit:
                number -= 1  # this line is not done
                break
            if target:
                if client is None and target.startswith(("http://", "https://")):
                    client = make_client(service.settings.watch_timeout)
                _submit_one(service, target, base, client, rate_limit, progress)
            if count % SAVE_EVERY == 0:
                cursors.set(key, str(number))
            if report is not None and time.monotonic() - last_report >= every:
                report(progress)
                last_report = time.monotonic()
        cursors.set(key, str(number))
    finally:
        if client is not None:
            client.close()
    return progress


def _submit_one(service: Service, target: str, base: Path, client: httpx.Client | None,
                rate_limit: RateLimit, progress: Progress) -> None:
    for attempt in range(3):
        try:
            stream, name = _open_target(target, base, client, rate_limit,
                                        service.settings.max_upload_bytes)
            with stream:
                submission = submit_upload(service, stream, name, uploader=UPLOADER,
                                           source=target[:500])
        except (NotAnArtifact, TooLarge) as exc:
            progress.refused += 1
            log.warning("backfill: %s refused: %s", target, exc.diagnostic)
            return
        except (OSError, httpx.HTTPError, CapwatchError) as exc:
            if attempt == 2 or isinstance(exc, FileNotFoundError):
                progress.failed += 1
                log.warning("backfill: %s failed: %s", target, exc)
                return
            time.sleep(2.0**attempt)
            continue
        if submission.created:
            progress.submitted += 1
        else:
            progress.duplicates += 1
        with service.sessions() as session:
            scan = session.get(Scan, submission.scan_id)
            progress.bytes += scan.size if scan is not None else 0
        return


class ListingFeed:
    """A one-shot feed: every project of the root listing, once (a full backfill)."""

    name = "backfill-listing"

    def __init__(self, index_url: str, client: httpx.Client) -> None:
        self.index_url = index_url
        self.client = client

    def changes(self, position: str | None) -> FeedBatch:
        if position is not None:
            return FeedBatch((), None)
        projects = list_projects(self.client, self.index_url)
        return FeedBatch(tuple((name, None) for name in projects), "listed")


def backfill_index(
    service: Service, index_url: str, *, since: int | None = None, rate: float | None = None,
    report: Callable[[Progress], None] | None = None, max_polls: int | None = None,
    client: httpx.Client | None = None,
) -> Progress:
    """Submit every file of the index (or those changed after ``since``), resumably.

    ``client`` is the HTTP client to use (default: a new one with the watcher's timeout)."""
    from capwatch.service.watching import InProcessSubmitter

    index = index_url.rstrip("/") + "/"
    progress = Progress()
    cursor = DbWatchCursor(service.sessions, index + "#backfill")
    with client or make_client(service.settings.watch_timeout) as client:
        feed: XmlRpcFeed | ListingFeed
        if since is not None:
            xmlrpc = feed_for("xmlrpc", index, client)
            assert isinstance(xmlrpc, XmlRpcFeed)
            feed = xmlrpc
            if cursor.position(f"feed:{feed.name}") is None:
                cursor.set_position(f"feed:{feed.name}", str(since))
        else:
            feed = ListingFeed(index, client)
        watcher = IndexWatcher(
            index, InProcessSubmitter(service), cursor, client, feed=feed,
            limits=WatchLimits(max_file_bytes=service.settings.max_upload_bytes,
                               request_delay=1.0 / rate if rate else 0.0, settle_seconds=0.0),
        )
        polls = 0
        while True:
            done = watcher.poll_once()
            polls += 1
            progress.submitted += len(done)
            progress.bytes += sum(item.size for item in done)
            if report is not None:
                report(progress)
            if not cursor.pending() or (max_polls is not None and polls >= max_polls):
                break
    return progress
