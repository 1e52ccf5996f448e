"""``capwatch admin`` and ``capwatch serve`` from the command line."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from capwatch.cli import main
from capwatch.errors import UsageError
from capwatch.service.auth import principal_for_token
from capwatch.service.cursors import DbCursorStore
from capwatch.service.database import make_engine, migrate, session_factory
from capwatch.service.schema import Role
from capwatch.service.settings import sqlite_url
from tests.service.packages import malicious_sdist


def test_create_token_prints_it_once_and_stores_its_hash(tmp_path: Path, capsys) -> None:
    assert main(["admin", "create-token", "--role", "uploader", "--name", "ci",
                 "--data-dir", str(tmp_path)]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("cw_") and len(token) > 40
    assert token.encode() not in (tmp_path / "capwatch.db").read_bytes()
    engine = make_engine(sqlite_url(tmp_path))
    with session_factory(engine)() as session:
        principal = principal_for_token(session, token)
        assert principal is not None and principal.role is Role.UPLOADER
    assert main(["admin", "revoke-token", "--name", "ci", "--data-dir", str(tmp_path)]) == 0
    with session_factory(engine)() as session:
        assert principal_for_token(session, token) is None
    engine.dispose()
    assert main(["admin", "revoke-token", "--name", "ci", "--data-dir", str(tmp_path)]) == 2
    assert main(["admin"]) == 2


def test_cursor_store_survives_a_new_connection(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    engine = make_engine(url)
    migrate(engine)
    DbCursorStore(session_factory(engine)).set("https://index.example/simple", "serial:42")
    engine.dispose()
    again = make_engine(url)
    store = DbCursorStore(session_factory(again))
    assert store.get("https://index.example/simple") == "serial:42"
    assert store.get("other") is None
    store.set("https://index.example/simple", "serial:43")
    assert store.get("https://index.example/simple") == "serial:43"
    again.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_on_the_embedded_default(tmp_path: Path, capsys) -> None:
    assert main(["admin", "create-token", "--role", "admin", "--name", "root",
                 "--data-dir", str(tmp_path)]) == 0
    token = capsys.readouterr().out.strip()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "capwatch", "serve", "--port", str(port), "--data-dir",
         str(tmp_path), "-j", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "COLUMNS": "100"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "capwatch serve did not come up"
            time.sleep(0.2)
        assert httpx.get(base + "/", follow_redirects=False).headers["location"] == "/login"
        response = httpx.post(
            base + "/api/v1/uploads", params={"wait": 10},
            files={"file": ("evilpkg-1.0.tar.gz", malicious_sdist())},
            headers={"Authorization": f"Bearer {token}"}, timeout=30,
        )
        assert response.json()["verdict"] == "malicious", response.text
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    output = process.stdout.read().decode() if process.stdout else ""
    assert f"open http://127.0.0.1:{port}/" in output
    assert (tmp_path / "artifacts").is_dir()


def _serve_settings(*argv: str) -> Any:
    from capwatch.cli import build_parser
    from capwatch.service.command import settings_from

    return settings_from(build_parser().parse_args(["serve", *argv]))


def test_serve_options_for_reporting_and_watching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAPWATCH_OBSERVATIONS_TOKEN", raising=False)
    plain = _serve_settings()
    assert plain.observations_url is None and plain.watch_indexes == ()
    assert plain.inspector_base_url == "https://inspector.pypi.io"
    token_file = tmp_path / "token"
    token_file.write_text("pypi-from-file\n")
    settings = _serve_settings(
        "--observations-url", "https://pypi.org/danger-api", "--observations-token-file",
        str(token_file), "--report-auto-malicious", "--report-attempts", "3",
        "--watch-index", "https://pypi.org/simple/", "--watch-index", "http://127.0.0.1:8080/simple/",
        "--watch-interval", "5", "--watch-feed", "rss",
    )
    assert settings.observations_token == "pypi-from-file"
    assert "pypi-from-file" not in repr(settings)
    assert (settings.report_auto_malicious, settings.report_max_attempts) == (True, 3)
    assert settings.watch_indexes == ("https://pypi.org/simple/", "http://127.0.0.1:8080/simple/")
    assert (settings.watch_interval, settings.watch_feed) == (5.0, "rss")
    monkeypatch.setenv("CAPWATCH_OBSERVATIONS_TOKEN", "pypi-from-env")
    assert _serve_settings("--observations-url", "https://x.test/danger-api").observations_token == "pypi-from-env"
    monkeypatch.delenv("CAPWATCH_OBSERVATIONS_TOKEN")
    for argv, message in (
        (["--observations-url", "https://x.test/danger-api"], "needs a token"),
        (["--observations-url", "ftp://x"], "http(s) URL"),
        (["--report-auto-malicious"], "needs --observations-url"),
        (["--watch-index", "file:///srv/simple"], "http(s) URL"),
        (["--watch-interval", "0"], "positive"),
        (["--observations-url", "https://x.test/", "--observations-token-file", str(tmp_path / "nope")],
         "cannot read"),
    ):
        with pytest.raises(UsageError, match=re.escape(message)):
            _serve_settings(*argv)


def test_serve_queue_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from capwatch.service.settings import QueueMode

    monkeypatch.delenv("CAPWATCH_QUEUE", raising=False)
    monkeypatch.delenv("CAPWATCH_BROKER_URL", raising=False)
    plain = _serve_settings()
    assert plain.queue is QueueMode.EMBEDDED
    scaled = _serve_settings("--queue", "celery", "--broker", "amqp://guest:guest@mq:5672//",
                             "--task-queue", "scans-eu")
    assert (scaled.queue, scaled.broker_url, scaled.task_queue) == (
        QueueMode.CELERY, "amqp://guest:guest@mq:5672//", "scans-eu")
    with pytest.raises(UsageError, match="redis:// or amqp://"):
        _serve_settings("--queue", "celery", "--broker", "http://mq/")
    monkeypatch.setenv("CAPWATCH_QUEUE", "celery")
    monkeypatch.setenv("CAPWATCH_BROKER_URL", "redis://cache:6379/2")
    from_env = _serve_settings()
    assert (from_env.queue, from_env.broker_url) == (QueueMode.CELERY, "redis://cache:6379/2")
    monkeypatch.setenv("CAPWATCH_QUEUE", "kafka")
    with pytest.raises(UsageError, match="embedded or celery"):
        _serve_settings()
