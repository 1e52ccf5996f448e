"""Recording what happened when an observation was sent to the registry.

The sender (``capwatch.service.reporting.ObservationSender``) retries on its own and returns one
outcome; :func:`record_outcome` appends it to the ``reports`` table, and the scan's API view and
page show every attempt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.jobs import iso
from capwatch.service.schema import PendingReport, Report, ReportTrigger, Upload


def record_outcome(
    sessions: sessionmaker[Session], scan_id: int, *, ok: bool, status: int | None,
    attempts: int, error: str | None, trigger: ReportTrigger | None = None,
    pending_id: int | None = None,
) -> int:
    """Append one send outcome for ``scan_id``; returns the row id.

    ``pending_id`` names the outbox row (:class:`PendingReport`) the outcome settles: it is
    deleted in the same transaction, so an observation is never both pending and recorded.
    """
    with sessions() as session:
        row = Report(
            scan_id=scan_id, ok=ok, status=status, attempts=attempts, error=error, trigger=trigger
        )
        session.add(row)
        if pending_id is not None:
            session.execute(delete(PendingReport).where(PendingReport.id == pending_id))
        session.commit()
        return row.id


def reports_for(session: Session, scan_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(Report).where(Report.scan_id == scan_id).order_by(Report.id))
    return [
        {"ok": r.ok, "status": r.status, "attempts": r.attempts, "error": r.error,
         "trigger": r.trigger.value if r.trigger is not None else None,
         "created_at": iso(r.created_at)}
        for r in rows
    ]


def pending_for(session: Session, scan_id: int) -> list[dict[str, Any]]:
    """Observations about ``scan_id`` waiting to be sent (the outbox)."""
    rows = session.scalars(
        select(PendingReport).where(PendingReport.scan_id == scan_id).order_by(PendingReport.id)
    )
    return [{"trigger": r.trigger.value, "created_at": iso(r.created_at)} for r in rows]


def download_url_of(session: Session, scan_id: int) -> str | None:
    """Where the artifact was downloaded from (the latest upload's ``source``; the index
    watcher sets it), for the inspector link of an observation."""
    return session.scalar(
        select(Upload.source)
        .where(Upload.scan_id == scan_id, Upload.source.is_not(None))
        .order_by(Upload.id.desc())
        .limit(1)
    )
