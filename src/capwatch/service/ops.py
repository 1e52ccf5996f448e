"""``/healthz`` and ``/metrics`` (Prometheus text format), for load balancers and monitoring.

Neither needs a token (they say nothing about artifacts); expose them to your monitoring
network only. Figures come from the database, so every ``serve`` process reports the same ones
whichever queue mode runs the scans:

* ``capwatch_jobs{status}``: jobs per status (``queued`` and ``scanning`` are the queue depth);
* ``capwatch_broker_queue_depth``: Celery mode, messages waiting in the broker queue;
* ``capwatch_scans_per_second``: verdicts recorded over the last minute, per second;
* ``capwatch_verdicts{verdict}``: artifacts per current verdict;
* ``capwatch_scan_errors``: artifacts whose scan gave up (``error`` after the attempt limit);
* ``capwatch_failed_attempts``: artifacts that needed more than one attempt (retries);
* ``capwatch_verdict_changes``: verdicts a re-scan changed;
* ``capwatch_time_to_verdict_seconds{quantile}``: p50 and p99 from queueing to verdict, over the
  verdicts of the last hour (at most the last 10,000).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import func, select, text

from capwatch.model import Verdict
from capwatch.service.access import service_of
from capwatch.service.runtime import Service
from capwatch.service.schema import JobStatus, Scan, VerdictChange, utcnow

log = logging.getLogger("capwatch.service")

router = APIRouter(tags=["operations"])

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
WINDOW = 10_000


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _broker_depth(service: Service) -> int | None:
    if service.relay is None:
        return None
    from capwatch.service.celery_tasks import queue_depth

    return queue_depth(service.relay.app, service.settings)


def collect(service: Service) -> dict[str, Any]:
    """The figures ``/metrics`` shows."""
    now = utcnow()
    with service.sessions() as session:
        statuses: dict[JobStatus, int] = {k: v for k, v in session.execute(
            select(Scan.status, func.count()).group_by(Scan.status)).all()}
        verdicts: dict[Verdict, int] = {k: v for k, v in session.execute(
            select(Scan.verdict, func.count()).where(Scan.verdict.is_not(None))
            .group_by(Scan.verdict)).all() if k is not None}
        last_minute = session.scalar(select(func.count()).select_from(Scan).where(
            Scan.finished_at >= now - timedelta(seconds=60))) or 0
        retried = session.scalar(select(func.count()).select_from(Scan).where(
            Scan.last_error.is_not(None))) or 0
        changes = session.scalar(select(func.count()).select_from(VerdictChange)) or 0
        recent = session.execute(
            select(Scan.finished_at, Scan.queued_at, Scan.created_at)
            .where(Scan.finished_at >= now - timedelta(hours=1))
            .order_by(Scan.finished_at.desc()).limit(WINDOW)
        ).all()
    waits = [
        (row.finished_at - (row.queued_at or row.created_at)).total_seconds() for row in recent
    ]
    return {
        "jobs": {status: int(statuses.get(status, 0)) for status in JobStatus},
        "verdicts": {verdict: int(verdicts.get(verdict, 0)) for verdict in Verdict},
        "scans_per_second": last_minute / 60.0,
        "errors": int(statuses.get(JobStatus.ERROR, 0)),
        "retried": int(retried),
        "changes": int(changes),
        "p50": _quantile(waits, 0.5),
        "p99": _quantile(waits, 0.99),
        "window": len(waits),
    }


def render(service: Service) -> str:
    figures = collect(service)
    lines = [
        "# HELP capwatch_jobs Scan jobs per status (queued + scanning = queue depth).",
        "# TYPE capwatch_jobs gauge",
        *(f'capwatch_jobs{{status="{s.value}"}} {n}' for s, n in figures["jobs"].items()),
        "# HELP capwatch_scans_per_second Verdicts recorded over the last minute, per second.",
        "# TYPE capwatch_scans_per_second gauge",
        f"capwatch_scans_per_second {figures['scans_per_second']:.4f}",
        "# HELP capwatch_verdicts Artifacts per current verdict.",
        "# TYPE capwatch_verdicts gauge",
        *(f'capwatch_verdicts{{verdict="{v.label}"}} {n}' for v, n in figures["verdicts"].items()),
        "# HELP capwatch_scan_errors Artifacts whose scan gave up after the attempt limit.",
        "# TYPE capwatch_scan_errors gauge",
        f"capwatch_scan_errors {figures['errors']}",
        "# HELP capwatch_failed_attempts Artifacts that needed more than one attempt.",
        "# TYPE capwatch_failed_attempts gauge",
        f"capwatch_failed_attempts {figures['retried']}",
        "# HELP capwatch_verdict_changes Verdicts changed by a re-scan under another rule set.",
        "# TYPE capwatch_verdict_changes gauge",
        f"capwatch_verdict_changes {figures['changes']}",
        "# HELP capwatch_time_to_verdict_seconds From queueing to verdict, last hour.",
        "# TYPE capwatch_time_to_verdict_seconds summary",
        f'capwatch_time_to_verdict_seconds{{quantile="0.5"}} {figures["p50"]:.3f}',
        f'capwatch_time_to_verdict_seconds{{quantile="0.99"}} {figures["p99"]:.3f}',
        f"capwatch_time_to_verdict_seconds_count {figures['window']}",
    ]
    try:
        depth = _broker_depth(service)
    except Exception as exc:
        log.warning("metrics: broker unreachable: %s", exc)
        depth = -1
    if depth is not None:
        lines += [
            "# HELP capwatch_broker_queue_depth Messages waiting in the broker queue (-1: "
            "broker unreachable).",
            "# TYPE capwatch_broker_queue_depth gauge",
            f"capwatch_broker_queue_depth {depth}",
        ]
    return "\n".join(lines).replace(" nan", " NaN") + "\n"


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    return PlainTextResponse(render(service_of(request)), media_type=CONTENT_TYPE)


@router.get("/healthz", summary="Liveness and dependencies: 200 when usable, 503 when not")
def healthz(request: Request) -> JSONResponse:
    service = service_of(request)
    checks: dict[str, str] = {"queue": service.settings.queue.value}
    ok = True
    try:
        with service.sessions() as session:
            session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    if service.relay is not None:
        try:
            _broker_depth(service)
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
            ok = False
    checks["status"] = "ok" if ok else "unavailable"
    return JSONResponse(checks, status_code=200 if ok else 503)
