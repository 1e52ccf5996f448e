"""Scan jobs in the database: claiming, recording a verdict, retrying, recovering after a restart.

Every state change is one conditional ``UPDATE`` that names the claim it expects, so a result
from a worker whose claim was taken back (it was killed, the service restarted) is discarded
instead of written twice: each artifact gets exactly one verdict.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import assert_never

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from capwatch.engine import error_result
from capwatch.model import ArtifactInfo, ScanResult, Verdict
from capwatch.report.serialize import result_to_dict
from capwatch.service.releases import Folded, release_of
from capwatch.service.schema import (
    QUEUE_RANK,
    Decision,
    JobStatus,
    Review,
    Scan,
    VerdictChange,
    utcnow,
)
from capwatch.service.settings import ServiceSettings, TimeoutPolicy


class Gate(enum.Enum):
    """What the registry should do with an upload now."""

    ALLOW = "allow"
    HOLD = "hold"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One claimed scan, as sent to a worker process."""

    scan_id: int
    attempt: int
    claim: str
    path: str
    display: str


def new_claim() -> str:
    return uuid.uuid4().hex


@functools.cache
def current_ruleset() -> str:
    """The rule-set version of this process's code (computed once: it hashes the sources)."""
    from capwatch.dataset.ruleset import ruleset_version

    return ruleset_version()


class Claimed(enum.Enum):
    """Why :func:`claim_for_task` did not hand out a job."""

    UNKNOWN = "unknown"
    """No scan with that sha256 (the database was reset?)."""
    FINISHED = "finished"
    """The job already has its verdict: the task is a duplicate."""
    HELD = "held"
    """Another execution holds a live claim on it."""
    GAVE_UP = "gave-up"
    """The previous execution was lost and that was the last attempt: the job ended in error."""


def claim_for_task(
    sessions: sessionmaker[Session], store_path: Callable[[str], Path], sha256: str,
    task_id: str, *, max_attempts: int, lease_seconds: float,
) -> WorkItem | Claimed:
    """Claim the job of the artifact ``sha256`` for one execution of the task ``task_id``.

    A ``queued`` job is claimed. A ``scanning`` job is taken over when its claim belongs to the
    same task message (the message came back: the execution that held it was lost, e.g. its
    worker was killed, since a message is acknowledged only after its task returned) or when
    its claim is older than ``lease_seconds``; the lost execution counts as a failed attempt.
    Anything else is a duplicate message and is left alone.
    """
    with sessions() as session:
        row = session.scalar(select(Scan).where(Scan.sha256 == sha256))
        if row is None:
            return Claimed.UNKNOWN
        scan_id, status, held_by = row.id, row.status, row.claimed_by
        same_task, started = row.task_id == task_id, row.started_at
    if status in (JobStatus.DONE, JobStatus.ERROR):
        return Claimed.FINISHED
    if status is JobStatus.SCANNING:
        stale = started is not None and (utcnow() - started).total_seconds() > lease_seconds
        if not same_task and not stale:
            return Claimed.HELD
        why = ("its task came back: the worker running it was lost, or its result could not "
               "be recorded"
               if same_task else
               f"no result within {lease_seconds:g} s: the worker running it was lost")
        after = fail(sessions, scan_id, held_by, why, max_attempts)
        if after is JobStatus.ERROR:
            return Claimed.GAVE_UP
        if after is None:
            return Claimed.HELD
    with sessions() as session:
        claim = f"{os.getpid()}-{new_claim()}"  # which process holds it, for operators
        taken = session.execute(
            update(Scan)
            .where(Scan.id == scan_id, Scan.status == JobStatus.QUEUED)
            .values(
                status=JobStatus.SCANNING, attempts=Scan.attempts + 1, claimed_by=claim,
                task_id=task_id[:64], started_at=utcnow(),
            )
        )
        session.commit()
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return Claimed.HELD
        row = session.get(Scan, scan_id)
        assert row is not None
        session.refresh(row)
        return WorkItem(row.id, row.attempts, claim, str(store_path(row.sha256)), row.filename)


def claim_next(sessions: sessionmaker[Session], store_path: Callable[[str], Path]) -> WorkItem | None:
    """Take the oldest queued scan (``queued`` → ``scanning``), or None when none is waiting."""
    with sessions() as session:
        candidates = session.scalars(
            select(Scan.id).where(Scan.status == JobStatus.QUEUED).order_by(Scan.id).limit(8)
        ).all()
        for scan_id in candidates:
            claim = new_claim()
            taken = session.execute(
                update(Scan)
                .where(Scan.id == scan_id, Scan.status == JobStatus.QUEUED)
                .values(
                    status=JobStatus.SCANNING, attempts=Scan.attempts + 1, claimed_by=claim,
                    started_at=utcnow(),
                )
            )
            session.commit()
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            row = session.get(Scan, scan_id)
            assert row is not None
            session.refresh(row)
            return WorkItem(row.id, row.attempts, claim, str(store_path(row.sha256)), row.filename)
    return None


def _result_values(result: ScanResult) -> dict[str, object]:
    return {
        "ruleset": current_ruleset(),
        "verdict": result.verdict,
        "score": result.score,
        "rank": QUEUE_RANK[result.verdict],
        "result_json": json.dumps(result_to_dict(result), sort_keys=False),
        "finished_at": utcnow(),
        "claimed_by": None,
        "project_key": None,
        "release_version": None,
        "previous_scan_id": None,
        "drift_json": None,
    }


def complete(
    sessions: sessionmaker[Session], item: WorkItem, result: ScanResult,
    folded: Folded | None = None,
) -> bool:
    """Record ``result`` for the claim ``item`` holds; False (and nothing written) if it lost it.

    ``folded`` (from :func:`capwatch.service.releases.with_previous`) is ``result`` with the
    drift from the earlier release folded in: its result, release and drift are recorded.
    """
    if folded is not None:
        result = folded.result
    with sessions() as session:
        row = session.get(Scan, item.scan_id)
        if row is None:
            return False
        values = _result_values(result)
        values["status"] = JobStatus.DONE
        release = folded.release if folded is not None else release_of(
            result, row.project, row.version
        )
        values["project_key"] = release.key
        values["release_version"] = release.version[:100] if release.version else None
        if folded is not None:
            values["previous_scan_id"] = folded.previous_scan_id
            values["drift_json"] = folded.drift_json
        if row.project is None and result.artifact.name:
            values["project"] = result.artifact.name[:200]
        if row.version is None and result.artifact.version:
            values["version"] = result.artifact.version[:100]
        old_verdict, old_ruleset = row.verdict, row.ruleset
        done = session.execute(
            update(Scan)
            .where(
                Scan.id == item.scan_id, Scan.claimed_by == item.claim,
                Scan.status == JobStatus.SCANNING,
            )
            .values(**values)
        )
        recorded = bool(done.rowcount == 1)  # type: ignore[attr-defined]
        if recorded and old_verdict is not None and old_verdict is not result.verdict:
            # A re-scan under other rules changed the verdict: logged in the same transaction.
            session.add(VerdictChange(
                scan_id=item.scan_id, old_verdict=old_verdict, new_verdict=result.verdict,
                old_ruleset=old_ruleset, new_ruleset=current_ruleset(),
            ))
        session.commit()
        return recorded


def fail(
    sessions: sessionmaker[Session], scan_id: int, claim: str | None, message: str,
    max_attempts: int,
) -> JobStatus | None:
    """A scan attempt ended without a result: queue it again, or give up after ``max_attempts``.

    Returns the new status, or None when the claim was no longer held (nothing changed).
    """
    with sessions() as session:
        row = session.get(Scan, scan_id)
        if row is None or row.status is not JobStatus.SCANNING:
            return None
        if claim is not None and row.claimed_by != claim:
            return None
        condition = [Scan.id == scan_id, Scan.status == JobStatus.SCANNING]
        if claim is not None:
            condition.append(Scan.claimed_by == claim)
        note = f"attempt {row.attempts} of {max_attempts}: {message}"
        if row.attempts < max_attempts:
            values: dict[str, object] = {
                "status": JobStatus.QUEUED, "claimed_by": None, "last_error": note,
            }
            status = JobStatus.QUEUED
        else:
            failed = error_result(
                ArtifactInfo(row.filename, row.sha256, row.size),
                f"scan failed {row.attempts} times; last: {message}",
                time.perf_counter(),
            )
            values = _result_values(failed)
            values.update(status=JobStatus.ERROR, last_error=note)
            status = JobStatus.ERROR
        changed = session.execute(update(Scan).where(*condition).values(**values))
        session.commit()
        return status if changed.rowcount == 1 else None  # type: ignore[attr-defined]


def recover(sessions: sessionmaker[Session], max_attempts: int) -> int:
    """After a start: every scan left ``scanning`` by a previous run is retried (or given up)."""
    with sessions() as session:
        stuck = session.scalars(select(Scan.id).where(Scan.status == JobStatus.SCANNING)).all()
    for scan_id in stuck:
        fail(sessions, scan_id, None, "interrupted: the service stopped during the scan",
             max_attempts)
    return len(stuck)


def latest_decision(session: Session, scan_id: int) -> Review | None:
    return session.scalar(
        select(Review).where(Review.scan_id == scan_id).order_by(Review.id.desc()).limit(1)
    )


def gate_for(
    scan: Scan, decision: Decision | None, settings: ServiceSettings, *, timed_out: bool
) -> Gate:
    """The gate for ``scan`` now: a reviewer's decision wins, then the verdict, then the policy.

    ``timed_out`` says the caller waited for the verdict and it did not come: the configured
    :class:`TimeoutPolicy` answers instead of ``pending``.
    """
    match decision:
        case Decision.MALICIOUS:
            return Gate.HOLD
        case Decision.BENIGN:
            return Gate.ALLOW
        case Decision.NEEDS_INFO | None:
            pass
        case _:
            assert_never(decision)
    verdict = scan.verdict
    if verdict is None:
        return _policy(settings) if timed_out else Gate.PENDING
    match verdict:
        case Verdict.MALICIOUS:
            return Gate.HOLD
        case Verdict.SUSPICIOUS:
            return Gate.HOLD if settings.hold_suspicious else Gate.ALLOW
        case Verdict.CLEAN:
            return Gate.ALLOW
        case Verdict.ERROR:
            return _policy(settings)
        case _:
            assert_never(verdict)


def _policy(settings: ServiceSettings) -> Gate:
    match settings.on_timeout:
        case TimeoutPolicy.OPEN:
            return Gate.ALLOW
        case TimeoutPolicy.CLOSED:
            return Gate.HOLD
        case _:
            assert_never(settings.on_timeout)


def is_final(status: JobStatus) -> bool:
    match status:
        case JobStatus.DONE | JobStatus.ERROR:
            return True
        case JobStatus.QUEUED | JobStatus.SCANNING:
            return False
        case _:
            assert_never(status)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")
