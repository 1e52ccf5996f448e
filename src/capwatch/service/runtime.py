"""The running service's parts, built once at start: settings, database, store, workers, and
the optional reporter (observations to the registry) and index watchers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import assert_never

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.auth import SessionSigner, load_secret
from capwatch.service.database import make_engine, migrate, session_factory
from capwatch.service.notify import Notifier
from capwatch.service.relay import Relay
from capwatch.service.reporter import Reporter
from capwatch.service.schema import Decision
from capwatch.service.settings import QueueMode, ServiceSettings
from capwatch.service.store import ArtifactStore
from capwatch.service.watching import ServiceWatchers
from capwatch.service.workers import ScanFunction, ScanPool, scan_item

log = logging.getLogger("capwatch.service")


class Service:
    """Everything a request handler or an in-process caller needs.

    ``start`` migrates the database and starts the workers (embedded mode) or the outbox relay
    (Celery mode, :mod:`capwatch.service.relay`); ``stop`` ends them. Scans that were
    running at a stop are picked up again at the next ``start``.
    """

    def __init__(
        self, settings: ServiceSettings, *, scan: ScanFunction = scan_item,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.store = ArtifactStore(settings.artifacts_dir)
        self.notifier = Notifier()
        self.signer = SessionSigner(load_secret(settings.data_dir), settings.session_hours * 3600)
        self.pool: ScanPool | None = None
        """Embedded mode: the scan worker processes."""
        self.relay: Relay | None = None
        """Celery mode: the outbox relay that sends scan tasks (workers are ``capwatch worker``)."""
        match settings.queue:
            case QueueMode.EMBEDDED:
                self.pool = ScanPool(
                    settings, self.sessions, self.store.path_for, self._finished, scan=scan
                )
            case QueueMode.CELERY:
                self.relay = Relay(settings, self.sessions)
            case _:
                assert_never(settings.queue)
        self.finished_hooks: list[Callable[[int], None]] = []
        """Called (on the dispatcher thread) with a scan id when its verdict is recorded."""
        self.review_hooks: list[Callable[[int, Decision], None]] = []
        """Called (on a request thread) after a reviewer decision is recorded."""
        self.reporter: Reporter | None = None
        """Sends observations to the registry (when ``observations_url`` is set)."""
        if settings.observations_url is not None:
            self.reporter = Reporter(settings, self.sessions)
            self.review_hooks.append(self.reporter.on_review)
            self.finished_hooks.append(self.reporter.on_finished)
        self.watchers = ServiceWatchers(self)
        """The index watchers (``watch_indexes``)."""
        self._started = False

    def start(self) -> None:
        migrate(self.engine)
        if self.pool is not None:
            self.pool.start()
        if self.relay is not None:
            self.relay.start()
        if self.reporter is not None:
            self.reporter.start()  # sends what a previous run left in the outbox
        self.watchers.start()
        self._started = True

    def stop(self) -> None:
        if self._started:
            self.watchers.stop()
            if self.pool is not None:
                self.pool.stop()
            if self.relay is not None:
                self.relay.stop()
                self.relay.close()
            if self.reporter is not None:
                self.reporter.stop()
            self._started = False
        self.engine.dispose()

    def wake(self) -> None:
        """New jobs were committed: hand them to the workers (or the broker) now."""
        if self.pool is not None:
            self.pool.wake()
        if self.relay is not None:
            self.relay.wake()

    def _finished(self, scan_id: int) -> None:
        self.notifier.finished(scan_id)
        for hook in self.finished_hooks:
            try:
                hook(scan_id)
            except Exception:
                log.exception("after-verdict hook failed for scan %d", scan_id)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir
