"""The index watcher inside ``capwatch serve`` (``--watch-index URL``).

Each watched index gets an :class:`~capwatch.service.watcher.IndexWatcher` on a thread of its
own, submitting in process through :func:`~capwatch.service.uploads.submit_upload` (no HTTP, no
token), with its cursor in the service database (:class:`~capwatch.service.cursors.DbWatchCursor`),
so a restarted service neither submits a file twice nor loses a change. The threads stop with
the service: within one request timeout (``watch_timeout``).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from capwatch.service.cursors import DbWatchCursor
from capwatch.service.feeds import feed_for, make_client
from capwatch.service.store import TooLarge
from capwatch.service.uploads import NotAnArtifact, submit_upload
from capwatch.service.watcher import IndexWatcher, WatchLimits
from capwatch.sources.transport import redact_url

if TYPE_CHECKING:
    from capwatch.service.runtime import Service

log = logging.getLogger("capwatch.service")

UPLOADER = "index-watcher"
"""The ``uploader`` recorded with every upload the watcher submits."""


class InProcessSubmitter:
    """A :class:`~capwatch.service.watcher.Submit` that calls ``submit_upload`` on ``service``.

    A file the service refuses for good (not an archive, over ``--max-upload-mb``) is logged and
    counted as handled, so it is not downloaded again on every poll; anything else raised (the
    database is down) propagates, and the watcher tries the file again on its next poll.
    """

    def __init__(self, service: Service) -> None:
        self.service = service

    def __call__(
        self, filename: str, data: bytes, project: str, version: str | None, source: str
    ) -> None:
        try:
            submission = submit_upload(
                self.service, data, filename, project=project, version=version,
                uploader=UPLOADER, source=source,
            )
        except (NotAnArtifact, TooLarge) as exc:
            log.warning("watcher: %s from %s refused: %s", filename, redact_url(source),
                        exc.diagnostic)
            return
        log.info("watcher: %s submitted as scan %d%s", filename, submission.scan_id,
                 "" if submission.created else " (seen before)")


class ServiceWatchers:
    """One watcher thread per index in ``settings.watch_indexes``."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        settings = self.service.settings
        self._stop.clear()
        for index_url in settings.watch_indexes:
            thread = threading.Thread(
                target=self._watch, args=(index_url,), daemon=True,
                name=f"capwatch-watch-{redact_url(index_url)}",
            )
            thread.start()
            self._threads.append(thread)
            log.info("watching %s every %g s", redact_url(index_url), settings.watch_interval)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.service.settings.watch_timeout + 5)
        self._threads = []

    def _watch(self, index_url: str) -> None:
        settings = self.service.settings
        index = index_url.rstrip("/") + "/"
        with make_client(settings.watch_timeout) as client:
            try:
                watcher = IndexWatcher(
                    index, InProcessSubmitter(self.service),
                    DbWatchCursor(self.service.sessions, index), client,
                    feed=feed_for(settings.watch_feed, index, client),
                    limits=WatchLimits(max_file_bytes=settings.max_upload_bytes),
                )
            except Exception:
                log.exception("cannot watch %s", redact_url(index))
                return
            watcher.run(interval=settings.watch_interval, stop=self._stop)
