"""``capwatch rescan``: queue again every artifact whose verdict came from another rule set.

Jobs are re-queued in batches (``UPDATE ... WHERE ruleset IS DISTINCT FROM current``): the old
verdict, score and result stay visible (and keep gating) until the new scan records its own;
when the verdict changes, :func:`capwatch.service.jobs.complete` writes a ``verdict_changes``
row in the same transaction, and the scan's queue rank follows the new verdict, so an artifact
that became ``malicious`` goes to the top of the reviewer queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.schema import JobStatus, Scan, utcnow

BATCH = 1000


@dataclass(frozen=True, slots=True)
class RescanPlan:
    ruleset: str
    stale: int
    """Finished scans whose verdict came from another rule set (or an unknown one)."""


def _stale(ruleset: str) -> ColumnElement[bool]:
    return and_(
        Scan.status.in_([JobStatus.DONE, JobStatus.ERROR]),
        or_(Scan.ruleset.is_(None), Scan.ruleset != ruleset),
    )


def plan(sessions: sessionmaker[Session], ruleset: str) -> RescanPlan:
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(Scan).where(_stale(ruleset)))
    return RescanPlan(ruleset, int(count or 0))


def requeue(sessions: sessionmaker[Session], ruleset: str, *, limit: int | None = None) -> int:
    """Queue the stale scans again, a batch per transaction; returns how many."""
    total = 0
    while limit is None or total < limit:
        size = BATCH if limit is None else min(BATCH, limit - total)
        with sessions() as session:
            ids = session.scalars(
                select(Scan.id).where(_stale(ruleset)).order_by(Scan.id).limit(size)
            ).all()
            if not ids:
                break
            changed = session.execute(
                update(Scan).where(Scan.id.in_(ids), _stale(ruleset)).values(
                    status=JobStatus.QUEUED, attempts=0, claimed_by=None, task_id=None,
                    dispatched_at=None, queued_at=utcnow(), last_error=None,
                )
            )
            session.commit()
            total += int(changed.rowcount)  # type: ignore[attr-defined]
    return total
