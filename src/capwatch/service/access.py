"""Who is calling: bearer tokens for the API, the session cookie for the web UI (and API reads).

Writes through the API take a bearer token only, so a browser session can never be ridden by
another site's form to reach them; the web UI's forms carry a CSRF token instead.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from capwatch.service.auth import Principal, SessionData, principal_for_id, principal_for_token
from capwatch.service.runtime import Service
from capwatch.service.schema import Role

SESSION_COOKIE = "cw_session"


def service_of(request: Request) -> Service:
    service = request.app.state.service
    assert isinstance(service, Service)
    return service


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def session_of(request: Request) -> SessionData | None:
    return service_of(request).signer.read(request.cookies.get(SESSION_COOKIE))


def _lookup_token(service: Service, token: str) -> Principal | None:
    with service.sessions() as session:
        return principal_for_token(session, token)


def _lookup_id(service: Service, token_id: int) -> Principal | None:
    with service.sessions() as session:
        return principal_for_id(session, token_id)


async def caller(request: Request, *, allow_cookie: bool) -> Principal:
    service = service_of(request)
    token = bearer(request)
    if token is not None:
        principal = await run_in_threadpool(_lookup_token, service, token)
        if principal is None:
            raise HTTPException(401, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        return principal
    if allow_cookie:
        data = session_of(request)
        if data is not None:
            found = await run_in_threadpool(_lookup_id, service, data.token_id)
            if found is not None:
                return found
    raise HTTPException(
        401, "authentication required: send 'Authorization: Bearer <token>'",
        headers={"WWW-Authenticate": "Bearer"},
    )


def require_role(principal: Principal, *roles: Role) -> Principal:
    if not principal.has(*roles):
        wanted = " or ".join(r.value for r in (*roles, Role.ADMIN))
        raise HTTPException(
            403, f"token '{principal.name}' has role '{principal.role.value}'; this needs {wanted}"
        )
    return principal


async def reader(request: Request) -> Principal:
    """Any valid token (or a signed-in reviewer's session): read access."""
    return await caller(request, allow_cookie=True)


async def uploader(request: Request) -> Principal:
    return require_role(await caller(request, allow_cookie=False), Role.UPLOADER)


async def reviewer(request: Request) -> Principal:
    return require_role(await caller(request, allow_cookie=False), Role.REVIEWER)
