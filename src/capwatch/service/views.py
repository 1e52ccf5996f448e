"""The JSON shapes the API returns for scans, reviews and uploads (shared with the web UI)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from capwatch.service.jobs import Gate, gate_for, iso, latest_decision
from capwatch.service.reports import pending_for, reports_for
from capwatch.service.schema import Review, Scan, Upload
from capwatch.service.settings import ServiceSettings


def review_view(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "scan_id": review.scan_id,
        "decision": review.decision.value,
        "note": review.note,
        "reviewer": review.reviewer,
        "created_at": iso(review.created_at),
    }


def scan_summary(
    session: Session, scan: Scan, settings: ServiceSettings, *, timed_out: bool = False
) -> dict[str, Any]:
    decision = latest_decision(session, scan.id)
    gate: Gate = gate_for(
        scan, decision.decision if decision else None, settings, timed_out=timed_out
    )
    return {
        "id": scan.id,
        "sha256": scan.sha256,
        "status": scan.status.value,
        "verdict": scan.verdict.label if scan.verdict is not None else None,
        "score": scan.score,
        "gate": gate.value,
        "filename": scan.filename,
        "project": scan.project,
        "version": scan.version,
        "size": scan.size,
        "attempts": scan.attempts,
        "last_error": scan.last_error,
        "created_at": iso(scan.created_at),
        "started_at": iso(scan.started_at),
        "finished_at": iso(scan.finished_at),
        "review": review_view(decision) if decision else None,
    }


def scan_detail(session: Session, scan: Scan, settings: ServiceSettings) -> dict[str, Any]:
    view = scan_summary(session, scan, settings)
    uploads = session.scalars(
        select(Upload).where(Upload.scan_id == scan.id).order_by(Upload.id)
    ).all()
    view["uploads"] = [
        {
            "filename": u.filename, "project": u.project, "version": u.version,
            "uploader": u.uploader, "source": u.source, "created_at": iso(u.created_at),
        }
        for u in uploads
    ]
    view["reports"] = reports_for(session, scan.id)
    view["reports_pending"] = pending_for(session, scan.id)
    view["result"] = json.loads(scan.result_json) if scan.result_json else None
    view["drift"] = drift_view(session, scan)
    return view


def drift_view(session: Session, scan: Scan) -> dict[str, Any] | None:
    """The drift from the project's earlier release (``None`` when there was none): the
    previous scan and the ``capwatch.diff/1`` document."""
    if scan.drift_json is None or scan.previous_scan_id is None:
        return None
    previous = session.get(Scan, scan.previous_scan_id)
    return {
        "previous_scan_id": scan.previous_scan_id,
        "previous_filename": previous.filename if previous is not None else None,
        "previous_version": previous.release_version if previous is not None else None,
        "diff": json.loads(scan.drift_json),
    }
