"""Fixtures for the service tests: a service per test on SQLite, and on PostgreSQL when it is
reachable (each PostgreSQL test gets a database of its own, created and dropped here)."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from capwatch.service.app import create_app
from capwatch.service.auth import create_token
from capwatch.service.database import make_engine, migrate, session_factory
from capwatch.service.runtime import Service
from capwatch.service.schema import Role
from capwatch.service.settings import ServiceSettings
from capwatch.service.workers import ScanFunction, scan_item

PG_SERVER = os.environ.get("CAPWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)


def _pg_available() -> bool:
    try:
        with _pg_admin():
            return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}")
    name = f"capwatch_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_SERVER.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


@dataclass
class Harness:
    """A running service behind a TestClient, and a token per role."""

    service: Service
    client: TestClient
    tokens: dict[Role, str]

    def auth(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def auth_reader(self) -> dict[str, str]:
        return self.auth(Role.REVIEWER)

    def upload(self, data: bytes, filename: str = "pkg-1.0.tar.gz", *, wait: float = 10,
               role: Role = Role.UPLOADER, **fields: str) -> Any:
        return self.client.post(
            "/api/v1/uploads", params={"wait": wait} if wait else {},
            files={"file": (filename, data, "application/octet-stream")},
            data=fields, headers=self.auth(role),
        )


def make_tokens(url: str) -> dict[Role, str]:
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as session:
        tokens = {role: create_token(session, f"test-{role.value}", role) for role in Role}
    engine.dispose()
    return tokens


@pytest.fixture
def start_service(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    """Start a service on a database URL; stopped at the end of the test."""
    running: list[TestClient] = []

    def start(url: str, *, scan: ScanFunction = scan_item, tokens: dict[Role, str] | None = None,
              **overrides: Any) -> Harness:
        settings = dataclasses.replace(
            ServiceSettings(data_dir=tmp_path / "data", db_url=url, workers=1), **overrides
        )
        tokens = tokens or make_tokens(url)
        service = Service(settings, scan=scan)
        client = TestClient(create_app(service))
        client.__enter__()
        running.append(client)
        return Harness(service, client, tokens)

    yield start
    for client in running:
        client.__exit__(None, None, None)


def stop(harness: Harness) -> None:
    harness.client.__exit__(None, None, None)
