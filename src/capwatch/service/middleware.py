"""ASGI middleware: security headers on every response, and request body limits (413)."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""No script at all, from anywhere: the UI has none, and nothing a package says can add one."""

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

UPLOAD_PATH = "/api/v1/uploads"
MULTIPART_OVERHEAD = 64 * 1024
"""Room for multipart boundaries and form fields around the file itself."""
OTHER_BODY_LIMIT = 1024 * 1024


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class _BodyTooLarge(HTTPException):
    """Raised from ``receive`` while the body streams in; an ``HTTPException`` so that FastAPI's
    body parsing passes it on as a 413 instead of a generic 400."""


class BodyLimit:
    """413 for bodies over the limit: at once from ``Content-Length``, else while streaming."""

    def __init__(self, app: ASGIApp, upload_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    def _limit(self, path: str) -> int:
        return self.upload_bytes + MULTIPART_OVERHEAD if path == UPLOAD_PATH else OTHER_BODY_LIMIT

    def _message(self, path: str) -> str:
        if path == UPLOAD_PATH:
            return (f"upload is larger than the limit of {self.upload_bytes:,} bytes "
                    "(the service's --max-upload-mb)")
        return f"request body is larger than {OTHER_BODY_LIMIT:,} bytes"

    async def _reject(self, send: Send, path: str) -> None:
        body = json.dumps({"detail": self._message(path)}).encode()
        await send({
            "type": "http.response.start", "status": 413,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self._limit(path)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._reject(send, path)
                    return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(413, self._message(path))
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _BodyTooLarge:
            if not started:
                await self._reject(send, path)
