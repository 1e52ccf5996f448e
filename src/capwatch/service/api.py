"""The JSON API under ``/api/v1`` (documented in docs/service.md and at /openapi.json)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from capwatch.model import Verdict
from capwatch.report.serialize import result_from_dict
from capwatch.service import osv
from capwatch.service.access import reader, reviewer, service_of, uploader
from capwatch.service.auth import Principal
from capwatch.service.jobs import is_final
from capwatch.service.reports import download_url_of
from capwatch.service.runtime import Service
from capwatch.service.schema import Decision, JobStatus, Review, Scan
from capwatch.service.store import TooLarge
from capwatch.service.uploads import NotAnArtifact, submit_upload
from capwatch.service.views import review_view, scan_detail, scan_summary

log = logging.getLogger("capwatch.service")

router = APIRouter(prefix="/api/v1", tags=["api"])

POLL_SECONDS = 0.5
"""While waiting for a verdict, the database is re-read at least this often."""


class ReviewIn(BaseModel):
    decision: Decision
    note: str = Field(default="", max_length=10_000)


def _scan_or_404(session: Session, scan_id: int) -> Scan:
    scan = session.get(Scan, scan_id)
    if scan is None:
        raise HTTPException(404, f"no scan with id {scan_id}")
    return scan


def _summary(service: Service, scan_id: int, timed_out: bool) -> dict[str, Any]:
    with service.sessions() as session:
        return scan_summary(session, _scan_or_404(session, scan_id), service.settings,
                            timed_out=timed_out)


def _status(service: Service, scan_id: int) -> JobStatus:
    with service.sessions() as session:
        return _scan_or_404(session, scan_id).status


@router.post(
    "/uploads",
    summary="Upload an artifact for scanning (uploader token)",
    responses={413: {"description": "upload larger than the limit"},
               422: {"description": "not a package artifact"}},
)
async def upload(
    request: Request,
    principal: Annotated[Principal, Depends(uploader)],
    file: Annotated[UploadFile, File(description="the artifact: sdist, wheel, egg")],
    project: Annotated[str | None, Form()] = None,
    version: Annotated[str | None, Form()] = None,
    uploader_name: Annotated[str | None, Form(alias="uploader")] = None,
    source: Annotated[str | None, Form()] = None,
    wait: Annotated[float, Query(ge=0, le=10, description="seconds to wait for the verdict")] = 0,
) -> JSONResponse:
    service = service_of(request)
    wait = min(wait, service.settings.max_wait_seconds)
    try:
        submission = await run_in_threadpool(
            submit_upload, service, file.file, file.filename or "upload",
            project=project, version=version, uploader=uploader_name, source=source,
            token_id=principal.token_id,
        )
    except TooLarge as exc:
        raise HTTPException(413, exc.diagnostic) from None
    except NotAnArtifact as exc:
        raise HTTPException(422, exc.diagnostic) from None
    timed_out = False
    if wait > 0 and not is_final(submission.status):
        event = service.notifier.register(submission.scan_id)
        try:
            deadline = time.monotonic() + wait
            while True:
                event.clear()
                status = await run_in_threadpool(_status, service, submission.scan_id)
                if is_final(status):
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), timeout=min(left, POLL_SECONDS))
        finally:
            service.notifier.unregister(submission.scan_id, event)
    view = await run_in_threadpool(_summary, service, submission.scan_id, timed_out)
    body = {key: view[key] for key in ("id", "sha256", "status", "verdict", "gate")}
    body["duplicate"] = not submission.created
    return JSONResponse(body, status_code=201 if submission.created else 200)


@router.get("/scans/{scan_id}", summary="A scan's status and full result")
def get_scan(
    scan_id: int, request: Request, principal: Annotated[Principal, Depends(reader)]
) -> dict[str, Any]:
    service = service_of(request)
    with service.sessions() as session:
        return scan_detail(session, _scan_or_404(session, scan_id), service.settings)


@router.get("/scans", summary="List scans, newest first, with filters and paging")
def list_scans(
    request: Request,
    principal: Annotated[Principal, Depends(reader)],
    verdict: Annotated[str | None, Query(pattern="^(clean|suspicious|malicious|error)$")] = None,
    status: Annotated[JobStatus | None, Query()] = None,
    project: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="created at or after (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    service = service_of(request)
    query = select(Scan)
    if verdict is not None:
        query = query.where(Scan.verdict == Verdict[verdict.upper()])
    if status is not None:
        query = query.where(Scan.status == status)
    if project:
        query = query.where(Scan.project == project)
    if since is not None:
        query = query.where(Scan.created_at >= (since if since.tzinfo else since.replace(tzinfo=UTC)))
    with service.sessions() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Scan.id.desc()).limit(limit).offset(offset)).all()
        items = [scan_summary(session, row, service.settings) for row in rows]
    next_offset = offset + len(items)
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset if next_offset < total else None,
    }


def record_review(
    service: Service, scan_id: int, principal: Principal, decision: Decision, note: str
) -> dict[str, Any]:
    """Append a decision to the audit log (rows are never updated or deleted)."""
    with service.sessions() as session:
        _scan_or_404(session, scan_id)
        review = Review(
            scan_id=scan_id, decision=decision, note=note.strip(), reviewer=principal.name,
            token_id=principal.token_id,
        )
        session.add(review)
        session.commit()
        view = review_view(review)
    for hook in service.review_hooks:
        try:
            hook(scan_id, decision)
        except Exception:  # a failing reporter must not undo or hide a recorded decision
            log.exception("after-review hook failed for scan %d", scan_id)
    return view


@router.post("/scans/{scan_id}/review", status_code=201, summary="Record a reviewer decision")
def review(
    scan_id: int, body: ReviewIn, request: Request,
    principal: Annotated[Principal, Depends(reviewer)],
) -> dict[str, Any]:
    return record_review(service_of(request), scan_id, principal, body.decision, body.note)


@router.get("/scans/{scan_id}/reviews", summary="A scan's decisions, oldest first")
def scan_reviews(
    scan_id: int, request: Request, principal: Annotated[Principal, Depends(reader)]
) -> list[dict[str, Any]]:
    service = service_of(request)
    with service.sessions() as session:
        _scan_or_404(session, scan_id)
        rows = session.scalars(
            select(Review).where(Review.scan_id == scan_id).order_by(Review.id)
        ).all()
        return [review_view(r) for r in rows]


@router.get("/audit", summary="The audit log of every decision, newest first")
def audit(
    request: Request, principal: Annotated[Principal, Depends(reader)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    service = service_of(request)
    with service.sessions() as session:
        rows = session.scalars(
            select(Review).order_by(Review.id.desc()).limit(limit).offset(offset)
        ).all()
        return [review_view(r) for r in rows]


def osv_for(service: Service, scan_id: int) -> dict[str, Any]:
    with service.sessions() as session:
        scan = _scan_or_404(session, scan_id)
        reviews = session.scalars(
            select(Review).where(Review.scan_id == scan_id).order_by(Review.id)
        ).all()
        if not reviews or reviews[-1].decision is not Decision.MALICIOUS or not scan.result_json:
            raise HTTPException(
                409, "an OSV record is issued only for an artifact whose latest reviewer "
                "decision is 'malicious'",
            )
        confirmations = [r for r in reviews if r.decision is Decision.MALICIOUS]
        result = result_from_dict(json.loads(scan.result_json))
        return osv.osv_record(
            result,
            record_id=f"MAL-CAPWATCH-{scan.id}",
            published=confirmations[0].created_at,
            modified=reviews[-1].created_at,
            details_note=reviews[-1].note or None,
            credits=tuple(dict.fromkeys(r.reviewer for r in confirmations)),
        )


@router.get("/scans/{scan_id}/osv", summary="OSV record of a confirmed malicious artifact")
def get_osv(
    scan_id: int, request: Request, principal: Annotated[Principal, Depends(reader)]
) -> dict[str, Any]:
    return osv_for(service_of(request), scan_id)


@router.get("/scans/{scan_id}/observation", summary="Body for the registry's observations API")
def get_observation(
    scan_id: int, request: Request, principal: Annotated[Principal, Depends(reader)]
) -> dict[str, Any]:
    service = service_of(request)
    with service.sessions() as session:
        scan = _scan_or_404(session, scan_id)
        if not scan.result_json:
            raise HTTPException(409, f"scan {scan_id} has no result yet (status {scan.status.value})")
        result = result_from_dict(json.loads(scan.result_json))
        source = download_url_of(session, scan_id)
    try:
        return osv.observation_body(
            result, inspector_base_url=service.settings.inspector_base_url, download_url=source
        )
    except osv.RecordError as exc:
        raise HTTPException(409, exc.diagnostic) from None
