"""Tokens, roles, reviewer sessions and CSRF tokens.

A token is shown once when created (``capwatch admin create-token``); the database keeps only its
sha256. API calls send it as ``Authorization: Bearer <token>``. Reviewers sign in to the web UI
with their token and get a session cookie: an HMAC-signed, expiring record of the token id and a
CSRF secret. Every request re-checks that the token still exists and is not revoked, so revoking a
token ends its sessions too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from capwatch.service.schema import Role, Token

TOKEN_PREFIX = "cw_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a token's id, name and role."""

    token_id: int
    name: str
    role: Role

    def has(self, *roles: Role) -> bool:
        return self.role is Role.ADMIN or self.role in roles


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, role: Role) -> str:
    """Store a new token's hash and return the token itself (the only time it is known)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(Token(name=name, role=role, token_hash=hash_token(token)))
    session.commit()
    return token


def principal_for_token(session: Session, token: str) -> Principal | None:
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(Token).where(Token.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    return Principal(row.id, row.name, row.role)


def principal_for_id(session: Session, token_id: int) -> Principal | None:
    row = session.get(Token, token_id)
    if row is None or row.revoked_at is not None:
        return None
    return Principal(row.id, row.name, row.role)


def load_secret(data_dir: Path) -> bytes:
    """The key that signs session cookies, created on first start and kept in ``data_dir``."""
    path = data_dir / "session.key"
    if path.exists():
        return path.read_bytes()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    path.touch(mode=0o600)
    path.write_bytes(key)
    return key


@dataclass(frozen=True, slots=True)
class SessionData:
    token_id: int
    csrf: str
    expires: float


class SessionSigner:
    def __init__(self, key: bytes, lifetime_seconds: float) -> None:
        self.key = key
        self.lifetime = lifetime_seconds

    def _mac(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, payload, hashlib.sha256).digest()).decode()

    def issue(self, token_id: int) -> tuple[str, SessionData]:
        data = SessionData(token_id, secrets.token_urlsafe(24), time.time() + self.lifetime)
        payload = base64.urlsafe_b64encode(
            json.dumps({"t": data.token_id, "c": data.csrf, "e": data.expires}).encode()
        )
        return f"{payload.decode()}.{self._mac(payload)}", data

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie or "." not in cookie or len(cookie) > 1000:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(payload.encode())):
            return None
        try:
            raw = json.loads(base64.urlsafe_b64decode(payload.encode()))
            data = SessionData(int(raw["t"]), str(raw["c"]), float(raw["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return data if data.expires > time.time() else None


def csrf_ok(session: SessionData | None, submitted: str | None) -> bool:
    return bool(session and submitted and hmac.compare_digest(session.csrf, submitted))
