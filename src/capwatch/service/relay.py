"""Celery mode: the outbox relay that sends scan tasks for jobs committed to the database.

A job is created (``queued``, ``dispatched_at`` NULL) in the same transaction as its upload; the
relay sends its task only after that commit (it reads committed rows), and marks it sent with a
conditional ``UPDATE`` first, so two relays (two ``serve`` processes, a ``backfill``) do not both
send it. When the broker queue is empty but jobs sent more than ``redispatch_after`` seconds ago
are still ``queued`` (their message was lost: a broker restarted without persistence), or a
``scanning`` job outlived its lease (its worker is gone), their tasks are sent again; a duplicate
task finds nothing to claim and returns.

``capwatch serve --queue celery`` runs a relay; ``backfill`` and ``rescan`` run one while they
enqueue and wait for it to empty the outbox before they exit.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.schema import JobStatus, Scan, utcnow
from capwatch.service.settings import ServiceSettings

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("capwatch.service")

BATCH = 500
SWEEP_EVERY = 5.0
"""Seconds between two looks for lost messages (each asks the broker for the queue depth)."""


class Relay:
    """Sends the outbox's tasks from a thread; ``wake`` after a commit sends them at once."""

    def __init__(self, settings: ServiceSettings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self._app: Celery | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_sweep = 0.0
        self.sent = 0
        """Tasks sent so far (first sends and re-sends)."""

    @property
    def app(self) -> Celery:
        if self._app is None:
            from capwatch.service.celery_tasks import make_celery

            self._app = make_celery(self.settings)
        return self._app

    # -- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="capwatch-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        import time

        while not self._stop.is_set():
            self._wake.wait(self.settings.relay_interval)
            self._wake.clear()
            try:
                while self.dispatch_pending() == BATCH and not self._stop.is_set():
                    pass
                if time.monotonic() - self._last_sweep > SWEEP_EVERY:
                    self._last_sweep = time.monotonic()
                    self.sweep()
            except Exception as exc:  # the database or the broker is down: try again later
                log.warning("relay: %s: %s; trying again", type(exc).__name__, exc)
                self._stop.wait(min(self.settings.relay_interval * 5, 5.0))

    # -- sending -------------------------------------------------------------------------

    def dispatch_pending(self) -> int:
        """Send the tasks of jobs never sent; returns how many."""
        with self.sessions() as session:
            rows = session.execute(
                select(Scan.id, Scan.sha256)
                .where(Scan.status == JobStatus.QUEUED, Scan.dispatched_at.is_(None))
                .order_by(Scan.id).limit(BATCH)
            ).all()
        return self._send([(r.id, r.sha256) for r in rows], Scan.dispatched_at.is_(None))

    def sweep(self) -> int:
        """Send again the tasks of jobs whose message looks lost (see the module doc)."""
        from capwatch.service.celery_tasks import queue_depth

        now = utcnow()
        sent_before = now - timedelta(seconds=self.settings.redispatch_after)
        stale_start = now - timedelta(seconds=self.settings.lease_seconds)
        stale_scanning = and_(
            Scan.status == JobStatus.SCANNING, Scan.started_at < stale_start,
            or_(Scan.dispatched_at.is_(None), Scan.dispatched_at < sent_before),
        )
        lost_queued = and_(Scan.status == JobStatus.QUEUED, Scan.dispatched_at < sent_before)
        with self.sessions() as session:
            scanning = session.execute(
                select(Scan.id, Scan.sha256).where(stale_scanning).limit(BATCH)
            ).all()
            queued: list[Any] = []
            if queue_depth(self.app, self.settings) == 0:
                queued = list(session.execute(
                    select(Scan.id, Scan.sha256).where(lost_queued).order_by(Scan.id)
                    .limit(BATCH)
                ).all())
        rows = [(r.id, r.sha256) for r in [*scanning, *queued]]
        if rows:
            log.warning("relay: sending %d task(s) again (lost messages or workers)", len(rows))
        return self._send(rows, or_(Scan.dispatched_at.is_(None), Scan.dispatched_at < sent_before))

    def _send(self, rows: list[tuple[int, str]], still: Any) -> int:
        """Mark ``rows`` sent (those still matching ``still``: another relay may have taken some)
        in one transaction, then publish their tasks; unpublished ones are unmarked on error."""
        from capwatch.service.celery_tasks import send_scan

        if not rows:
            return 0
        with self.sessions() as session:
            marked = session.execute(
                update(Scan).where(Scan.id.in_([scan_id for scan_id, _ in rows]), still)
                .values(dispatched_at=utcnow())
                .returning(Scan.id, Scan.sha256)
                .execution_options(synchronize_session=False)
            ).all()
            session.commit()
        pending = sorted((int(row.id), str(row.sha256)) for row in marked)
        count = 0
        try:
            for _scan_id, sha256 in pending:
                send_scan(self.app, self.settings, sha256)
                count += 1
                self.sent += 1
        except Exception:
            unsent = [scan_id for scan_id, _ in pending[count:]]
            with self.sessions() as session, contextlib.suppress(Exception):
                session.execute(
                    update(Scan).where(Scan.id.in_(unsent)).values(dispatched_at=None)
                    .execution_options(synchronize_session=False)
                )
                session.commit()
            raise
        return count

    def flush(self, timeout: float = 60.0) -> bool:
        """Send everything in the outbox now (in the caller's thread); False if it could not."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.dispatch_pending() < BATCH:
                    return True
            except Exception as exc:
                log.warning("relay: %s: %s; trying again", type(exc).__name__, exc)
                time.sleep(1.0)
        return False

    def close(self) -> None:
        # Not app.pool.force_close_all(): kombu keeps one connection pool per broker URL for the
        # whole process, and closing it would break every other relay of this process.
        self._app = None
