"""Recording what happened when an observation was sent to the registry.

The sender (``capwatch.service.reporting.ObservationSender``) retries on its own and returns one
outcome; :func:`record_outcome` appends it to the ``reports`` table, and the scan's API view and
page show every attempt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.jobs import iso
from capwatch.service.schema import Report


def record_outcome(
    sessions: sessionmaker[Session], scan_id: int, *, ok: bool, status: int | None,
    attempts: int, error: str | None,
) -> int:
    """Append one send outcome for ``scan_id``; returns the row id."""
    with sessions() as session:
        row = Report(scan_id=scan_id, ok=ok, status=status, attempts=attempts, error=error)
        session.add(row)
        session.commit()
        return row.id


def reports_for(session: Session, scan_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(Report).where(Report.scan_id == scan_id).order_by(Report.id))
    return [
        {"ok": r.ok, "status": r.status, "attempts": r.attempts, "error": r.error,
         "created_at": iso(r.created_at)}
        for r in rows
    ]
