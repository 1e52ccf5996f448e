"""Reporting inside the service: observations sent to the registry off the request path.

A reviewer's ``malicious`` decision (and, with ``report_auto_malicious``, a ``malicious``
verdict) adds a row to the outbox (:class:`~capwatch.service.schema.PendingReport`) and wakes
the reporter thread; the request that recorded the decision only pays for that insert. The
thread takes outbox rows oldest first, builds the body with
:func:`capwatch.service.osv.observation_body`, sends it with
:class:`~capwatch.service.reporting.ObservationSender` (which retries connection errors, 5xx and
429 with backoff) and records the outcome with :func:`capwatch.service.reports.record_outcome`,
which deletes the outbox row in the same transaction.

Durability: an outbox row lives until its outcome is recorded. A stop interrupts the backoff
between two attempts and leaves the row pending; the next start sends it again (so an
observation is sent at least once, and twice only if the service dies between the registry's
answer and the commit that records it).

A scan is reported once: a decision or verdict is not queued again while its scan has a pending
report or a successful one. After a failed report, a new ``malicious`` decision queues it again.
"""

from __future__ import annotations

import json
import logging
import threading

import httpx
from packaging.utils import canonicalize_name
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from capwatch.errors import CapwatchError, UsageError
from capwatch.model import Verdict
from capwatch.report.serialize import result_from_dict
from capwatch.service.osv import observation_body
from capwatch.service.reporting import ObservationSender, SendOutcome
from capwatch.service.reports import download_url_of, record_outcome
from capwatch.service.schema import (
    Decision,
    PendingReport,
    Report,
    ReportTrigger,
    Scan,
)
from capwatch.service.settings import ServiceSettings

log = logging.getLogger("capwatch.service")

IDLE_SECONDS = 5.0
"""The reporter re-reads the outbox at least this often when nothing wakes it."""


class _Stopping(Exception):
    """Raised from the sender's backoff sleep when the service stops: the report stays pending."""


class Reporter:
    """The outbox and the thread that empties it."""

    def __init__(
        self,
        settings: ServiceSettings,
        sessions: sessionmaker[Session],
        *,
        client: httpx.Client | None = None,
    ) -> None:
        if settings.observations_url is None:
            raise UsageError("reporting needs the registry's observations URL")
        if not settings.observations_token:
            raise UsageError(
                "reporting to the observations endpoint needs a token: pass "
                "--observations-token-file FILE or set CAPWATCH_OBSERVATIONS_TOKEN"
            )
        self.settings = settings
        self.sessions = sessions
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.sender = ObservationSender(
            settings.observations_url,
            settings.observations_token,
            timeout=settings.report_timeout,
            max_attempts=settings.report_max_attempts,
            backoff=settings.report_backoff,
            client=client,
            sleep=self._sleep,
        )
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="capwatch-reporter", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sending; a report between two attempts stays pending for the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.report_timeout + 5)
            self._thread = None
        self.sender.close()

    # -- hooks (Service.review_hooks, Service.finished_hooks) -------------------------------

    def on_review(self, scan_id: int, decision: Decision) -> None:
        if decision is Decision.MALICIOUS:
            self.enqueue(scan_id, ReportTrigger.REVIEW)

    def on_finished(self, scan_id: int) -> None:
        if self.settings.report_auto_malicious:
            with self.sessions() as session:
                verdict = session.scalar(select(Scan.verdict).where(Scan.id == scan_id))
            if verdict is Verdict.MALICIOUS:
                self.enqueue(scan_id, ReportTrigger.AUTO)
        self._wake.set()  # a pending report may have been waiting for this result

    def enqueue(self, scan_id: int, trigger: ReportTrigger) -> bool:
        """Queue an observation about ``scan_id``; False when it is pending or was sent already."""
        with self.sessions() as session:
            settled = session.scalar(
                select(
                    exists().where(PendingReport.scan_id == scan_id)
                    | exists().where(Report.scan_id == scan_id, Report.ok.is_(True))
                )
            )
            if settled:
                log.info("scan %d: already reported or queued; not queued again", scan_id)
                return False
            session.add(PendingReport(scan_id=scan_id, trigger=trigger))
            session.commit()
        log.info("scan %d: observation queued (%s)", scan_id, trigger.value)
        self._wake.set()
        return True

    # -- the thread -------------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise _Stopping

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                pending = self._next()
                if pending is None:
                    self._wake.wait(IDLE_SECONDS)
                    continue
                self._send(*pending)
            except _Stopping:
                return
            except Exception:  # the database went away, a bug: log, wait, try again
                log.exception("reporter error; retrying in %g s", IDLE_SECONDS)
                self._stop.wait(IDLE_SECONDS)

    def _next(self) -> tuple[int, int, ReportTrigger] | None:
        """The oldest outbox row whose scan has a result (a review may come before the verdict)."""
        with self.sessions() as session:
            row = session.execute(
                select(PendingReport.id, PendingReport.scan_id, PendingReport.trigger)
                .join(Scan, Scan.id == PendingReport.scan_id)
                .where(Scan.result_json.is_not(None))
                .order_by(PendingReport.id)
                .limit(1)
            ).first()
        return None if row is None else (int(row[0]), int(row[1]), row[2])

    def _send(self, pending_id: int, scan_id: int, trigger: ReportTrigger) -> None:
        try:
            project, body = self._body(scan_id)
        except CapwatchError as exc:
            log.warning("scan %d cannot be reported: %s", scan_id, exc.diagnostic)
            outcome = SendOutcome(ok=False, status=None, attempts=0, error=exc.diagnostic)
        else:
            outcome = self.sender.send(project, body)  # raises _Stopping when the service stops
            log.info("scan %d: observation %s after %d attempt(s)", scan_id,
                     "accepted" if outcome.ok else "failed", outcome.attempts)
        record_outcome(
            self.sessions, scan_id, ok=outcome.ok, status=outcome.status,
            attempts=outcome.attempts, error=outcome.error, trigger=trigger, pending_id=pending_id,
        )

    def _body(self, scan_id: int) -> tuple[str, dict[str, object]]:
        with self.sessions() as session:
            scan = session.get(Scan, scan_id)
            assert scan is not None and scan.result_json is not None
            result = result_from_dict(json.loads(scan.result_json))
            source = download_url_of(session, scan_id)
        body = observation_body(
            result, inspector_base_url=self.settings.inspector_base_url, download_url=source
        )
        assert result.artifact.name is not None  # observation_body refuses a nameless artifact
        return canonicalize_name(result.artifact.name), body  # PyPI projects: normalized names
