"""The one scan-job implementation both queue modes run: claim → read from the store → scan →
record the result under the claim (with the drift from the project's earlier release folded in,
:func:`record`).

The embedded pool (:mod:`capwatch.service.workers`) runs the three steps on two sides of a pipe:
its dispatcher thread claims (:func:`capwatch.service.jobs.claim_next`) and records
(:func:`record`), its worker process calls :func:`execute`. A Celery task
(:mod:`capwatch.service.celery_tasks`) calls :func:`run_job`, which does all three in the worker
process with :func:`capwatch.service.jobs.claim_for_task`. Either way a result is written only
while its claim holds, so each artifact gets exactly one verdict per rule-set version.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from capwatch.engine import ScanOptions, scan_bytes
from capwatch.model import ScanResult
from capwatch.service import jobs
from capwatch.service.jobs import Claimed, WorkItem
from capwatch.service.releases import with_previous
from capwatch.service.schema import JobStatus

log = logging.getLogger("capwatch.service")

SLOW_SCAN_ENV = "CAPWATCH_TEST_SLOW_SCAN"
"""TEST HOOK, never set it in production: seconds to sleep before the first attempt at scanning
an artifact whose stored file name starts with :data:`SLOW_SCAN_PREFIX`. The integration tests
(tests/service/test_scale.py) use it to have a scan in flight when they kill a worker or the
database connections; without the variable (or for any other file name, or a later attempt) it
does nothing."""
SLOW_SCAN_PREFIX = "capwatch-test-slow"


def _test_delay(item: WorkItem) -> None:
    value = os.environ.get(SLOW_SCAN_ENV)
    if value and item.attempt == 1 and item.display.startswith(SLOW_SCAN_PREFIX):
        time.sleep(float(value))


def execute(item: WorkItem, options: ScanOptions) -> ScanResult:
    """Read the stored artifact and scan it with the engine (bounded by ``options.limits``)."""
    _test_delay(item)
    return scan_bytes(Path(item.path).read_bytes(), item.display, options)


def record(sessions: sessionmaker[Session], item: WorkItem, result: ScanResult) -> bool:
    """Record the engine's ``result`` for the claim ``item`` holds, with the drift from the
    project's earlier release folded in (:mod:`capwatch.service.releases`); False (and nothing
    written) when the claim was taken back. Both queue modes record through here."""
    return jobs.complete(sessions, item, result, with_previous(sessions, item.scan_id, result))


class Outcome(enum.Enum):
    RECORDED = "recorded"
    """The verdict was written."""
    DUPLICATE = "duplicate"
    """Nothing to do: the job is finished or another execution holds it."""
    DISCARDED = "discarded"
    """The scan ran but its claim was taken back meanwhile; its result was not written."""
    REQUEUED = "requeued"
    """The attempt failed and the job is queued again (the task retries it)."""
    GAVE_UP = "gave-up"
    """The attempt limit was reached: the job ended in ``error``."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What one worker process needs to run jobs."""

    sessions: sessionmaker[Session]
    store_path: Callable[[str], Path]
    options: ScanOptions
    max_attempts: int
    lease_seconds: float


def run_job(
    context: JobContext, sha256: str, task_id: str,
    timeouts: tuple[type[BaseException], ...] = (),
) -> tuple[Outcome, int | None]:
    """Claim, scan and record the job of artifact ``sha256``; returns the outcome and scan id.

    Exceptions from the database propagate (the caller retries later: the claim is either not
    taken or taken by this task id, which a retry of the same task takes over). ``timeouts``
    are the exceptions a time limit raises inside the scan: the attempt is recorded as failed.
    """
    claimed = jobs.claim_for_task(
        context.sessions, context.store_path, sha256, task_id,
        max_attempts=context.max_attempts, lease_seconds=context.lease_seconds,
    )
    if claimed is Claimed.GAVE_UP:
        return Outcome.GAVE_UP, None
    if isinstance(claimed, Claimed):
        log.info("task %s for %s: nothing to do (%s)", task_id, sha256[:12], claimed.value,
                 extra={"sha256": sha256, "task_id": task_id, "outcome": claimed.value})
        return Outcome.DUPLICATE, None
    item = claimed
    started = time.perf_counter()
    try:
        result = execute(item, context.options)
    except timeouts as exc:
        problem = f"scan did not finish within the time limit ({type(exc).__name__})"
        return _failed(context, item, problem), item.scan_id
    except Exception as exc:  # the engine never raises for bad artifacts; a bug or a lost file
        return _failed(context, item, f"scan raised {type(exc).__name__}: {exc}"), item.scan_id
    if not record(context.sessions, item, result):
        log.warning("scan %d: result discarded, its claim was taken back", item.scan_id)
        return Outcome.DISCARDED, item.scan_id
    log.info("scan %d %s: %s in %.2f s", item.scan_id, item.display, result.verdict.label,
             time.perf_counter() - started,
             extra={"scan_id": item.scan_id, "sha256": sha256, "verdict": result.verdict.label,
                    "attempt": item.attempt, "task_id": task_id})
    return Outcome.RECORDED, item.scan_id


def _failed(context: JobContext, item: WorkItem, problem: str) -> Outcome:
    log.warning("scan %d attempt %d failed: %s", item.scan_id, item.attempt, problem)
    status = jobs.fail(context.sessions, item.scan_id, item.claim, problem, context.max_attempts)
    if status is JobStatus.ERROR:
        return Outcome.GAVE_UP
    return Outcome.REQUEUED if status is JobStatus.QUEUED else Outcome.DISCARDED
