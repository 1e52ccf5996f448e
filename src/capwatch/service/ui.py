"""The reviewer web UI: server-rendered pages, no script.

Sign-in takes a reviewer or admin token and sets an HMAC-signed session cookie (HttpOnly,
SameSite=Strict). Every form carries the session's CSRF token. Everything that comes from a
package (names, paths, code, decoded payloads, messages) reaches the page through Jinja2's
autoescaping, and the Content-Security-Policy allows no script at all.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from capwatch.artifact import Archive, MemberKind, open_artifact
from capwatch.errors import CapwatchError
from capwatch.model import Phase, Verdict
from capwatch.service.access import SESSION_COOKIE, service_of, session_of
from capwatch.service.api import record_review
from capwatch.service.auth import (
    Principal,
    SessionData,
    csrf_ok,
    principal_for_id,
    principal_for_token,
)
from capwatch.service.jobs import iso
from capwatch.service.schema import Decision, JobStatus, Review, Role, Scan
from capwatch.service.views import review_view, scan_detail, scan_summary

router = APIRouter(include_in_schema=False)

TEMPLATES = Path(__file__).parent / "templates"
LOGIN_CSRF_COOKIE = "cw_login_csrf"
PAGE_SIZE = 50
FILE_LIST_MAX = 2000

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)



def _when(value: str | None) -> str:
    """``2026-01-02T03:04:05.678Z`` → ``2026-01-02 03:04:05Z`` for people."""
    return "" if not value else value[:19].replace("T", " ") + "Z"


env.filters["when"] = _when


def _render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


def _signed_in(request: Request) -> tuple[Principal, SessionData] | None:
    data = session_of(request)
    if data is None:
        return None
    service = service_of(request)
    with service.sessions() as session:
        principal = principal_for_id(session, data.token_id)
    if principal is None or not principal.has(Role.REVIEWER):
        return None
    return principal, data


def _to_login() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


def _forbidden(message: str) -> HTMLResponse:
    return _render("error.html", 403, title="Forbidden", message=message, user=None, csrf="")


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/ui/queue" if _signed_in(request) else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = _render("login.html", title="Sign in", csrf=token, user=None, error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=service_of(request).settings.secure_cookies, max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request, token: Annotated[str, Form()], csrf: Annotated[str, Form()]
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return _forbidden("The sign-in form expired or did not come from this site; reload it.")
    service = service_of(request)
    with service.sessions() as session:
        principal = principal_for_token(session, token.strip())
    if principal is None:
        return _render("login.html", 401, title="Sign in", csrf=expected, user=None,
                       error="Unknown or revoked token.")
    if not principal.has(Role.REVIEWER):
        return _render("login.html", 403, title="Sign in", csrf=expected, user=None,
                       error=f"Token '{principal.name}' has role '{principal.role.value}'; "
                       "only reviewer and admin tokens can sign in.")
    cookie, _ = service.signer.issue(principal.token_id)
    response = RedirectResponse("/ui/queue", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, cookie, httponly=True, samesite="strict",
        secure=service.settings.secure_cookies, max_age=int(service.settings.session_hours * 3600),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
    if not csrf_ok(session_of(request), csrf):
        return _forbidden("CSRF check failed: reload the page and try again.")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


_VERDICTS = ("malicious", "suspicious", "error", "clean")


@router.get("/ui/queue")
def queue(
    request: Request, verdict: str = "", status: str = "", project: str = "",
    undecided: str = "", page: int = 1,
) -> Response:
    signed = _signed_in(request)
    if signed is None:
        return _to_login()
    principal, data = signed
    service = service_of(request)
    query = select(Scan)
    if verdict in _VERDICTS:
        query = query.where(Scan.verdict == Verdict[verdict.upper()])
    if status in {s.value for s in JobStatus}:
        query = query.where(Scan.status == JobStatus(status))
    if project.strip():
        query = query.where(Scan.project == project.strip())
    if undecided:
        query = query.where(~select(Review.id).where(Review.scan_id == Scan.id).exists())
    page = max(page, 1)
    with service.sessions() as session:
        rows = session.scalars(
            query.order_by(Scan.rank.desc(), Scan.score.desc(), Scan.id.desc())
            .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
        ).all()
        items = [scan_summary(session, row, service.settings) for row in rows[:PAGE_SIZE]]
    filters = {"verdict": verdict, "status": status, "project": project, "undecided": undecided}
    base = {k: v for k, v in filters.items() if v}
    return _render(
        "queue.html", title="Queue", user=principal, csrf=data.csrf, items=items,
        filters=filters, verdicts=_VERDICTS, statuses=[s.value for s in JobStatus], page=page,
        prev_url=f"/ui/queue?{urlencode({**base, 'page': page - 1})}" if page > 1 else None,
        next_url=(f"/ui/queue?{urlencode({**base, 'page': page + 1})}"
                  if len(rows) > PAGE_SIZE else None),
    )


def _phase_groups(result: dict[str, Any] | None) -> list[tuple[str, list[dict[str, Any]]]]:
    if not result:
        return []
    order = [p.label for p in Phase]
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in result.get("findings", []):
        groups.setdefault(finding.get("phase") or "no phase", []).append(finding)
    return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9)


CONTEXT_LINES = 3
CONTEXT_FILE_MAX = 2 * 1024 * 1024
CONTEXT_LINE_MAX = 400
CONTEXTS_MAX = 200


@dataclass(frozen=True, slots=True)
class CodeLine:
    number: int
    text: str
    hit: bool


def _open_stored(request: Request, scan: Scan) -> tuple[Archive | None, str | None]:
    """The stored artifact opened in memory (never extracted), or why it could not be."""
    service = service_of(request)
    try:
        data = service.store.read(scan.sha256)
        return open_artifact(data, scan.filename, service.settings.limits), None
    except (OSError, CapwatchError) as exc:
        message = exc.diagnostic if isinstance(exc, CapwatchError) else str(exc)
        return None, f"artifact unavailable: {message}"


def _file_list(archive: Archive | None) -> tuple[list[dict[str, Any]], str | None]:
    if archive is None:
        return [], None
    members = [
        {"path": m.path, "size": m.size, "kind": m.kind.value, "link": m.link_target}
        for m in archive.members[:FILE_LIST_MAX]
    ]
    note = (f"showing the first {FILE_LIST_MAX:,} of {len(archive.members):,} members"
            if len(archive.members) > FILE_LIST_MAX else None)
    return members, note


def _code_contexts(
    archive: Archive | None, result: dict[str, Any] | None
) -> dict[str, list[CodeLine]]:
    """For each evidence location ``path:line``, the lines around it, the line itself marked."""
    if archive is None or not result:
        return {}
    members = {m.path: m for m in archive.members if m.kind is MemberKind.FILE}
    texts: dict[str, list[str] | None] = {}
    contexts: dict[str, list[CodeLine]] = {}
    for finding in result.get("findings", []):
        for evidence in finding.get("evidence", []):
            location = evidence.get("location") or {}
            path, line = location.get("path", ""), int(location.get("line") or 0)
            key = f"{path}:{line}"
            if line <= 0 or key in contexts or len(contexts) >= CONTEXTS_MAX:
                continue
            if path not in texts:
                member = members.get(path)
                texts[path] = None
                if member is not None and member.size <= CONTEXT_FILE_MAX:
                    with contextlib.suppress(CapwatchError):
                        texts[path] = archive.read(member).decode("utf-8", "replace").splitlines()
            lines = texts[path]
            if not lines or line > len(lines):
                continue
            first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
            contexts[key] = [
                CodeLine(n, lines[n - 1][:CONTEXT_LINE_MAX], n == line)
                for n in range(first, last + 1)
            ]
    return contexts


@router.get("/ui/scans/{scan_id}")
def scan_page(request: Request, scan_id: int) -> Response:
    signed = _signed_in(request)
    if signed is None:
        return _to_login()
    principal, data = signed
    service = service_of(request)
    with service.sessions() as session:
        scan = session.get(Scan, scan_id)
        if scan is None:
            return _render("error.html", 404, title="Not found", user=principal, csrf=data.csrf,
                           message=f"No scan with id {scan_id}.")
        detail = scan_detail(session, scan, service.settings)
        reviews = [review_view(r) for r in session.scalars(
            select(Review).where(Review.scan_id == scan_id).order_by(Review.id.desc())
        ).all()]
    result = detail["result"]
    archive, files_note = _open_stored(request, scan)
    files, list_note = _file_list(archive)
    contexts = _code_contexts(archive, result)
    return _render(
        "scan.html", title=f"Scan {scan_id}", user=principal, csrf=data.csrf, scan=detail,
        result=result, groups=_phase_groups(result), reviews=reviews, files=files,
        files_note=files_note or list_note, contexts=contexts, decisions=[d.value for d in Decision],
        result_json=json.dumps(result, indent=2) if result else "",
    )


@router.post("/ui/scans/{scan_id}/decision")
def decide(
    request: Request, scan_id: int, decision: Annotated[str, Form()],
    csrf: Annotated[str, Form()], note: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    signed = _signed_in(request)
    if signed is None:
        return _to_login()
    principal, data = signed
    if not csrf_ok(data, csrf):
        return _forbidden("CSRF check failed: reload the page and try again.")
    if decision not in {d.value for d in Decision}:
        return _render("error.html", 400, title="Bad request", user=principal, csrf=data.csrf,
                       message=f"Unknown decision {decision!r}.")
    record_review(service_of(request), scan_id, principal, Decision(decision), note)
    return RedirectResponse(f"/ui/scans/{scan_id}", status_code=303)


@router.get("/ui/audit")
def audit_page(request: Request, page: int = 1) -> Response:
    signed = _signed_in(request)
    if signed is None:
        return _to_login()
    principal, data = signed
    service = service_of(request)
    page = max(page, 1)
    with service.sessions() as session:
        rows = session.execute(
            select(Review, Scan).join(Scan, Scan.id == Review.scan_id)
            .order_by(Review.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
        ).all()
        entries = [
            {**review_view(r), "filename": s.filename, "project": s.project,
             "verdict": s.verdict.label if s.verdict else None}
            for r, s in rows[:PAGE_SIZE]
        ]
    return _render(
        "audit.html", title="Audit log", user=principal, csrf=data.csrf, entries=entries,
        prev_url=f"/ui/audit?page={page - 1}" if page > 1 else None,
        next_url=f"/ui/audit?page={page + 1}" if len(rows) > PAGE_SIZE else None, iso=iso,
    )
