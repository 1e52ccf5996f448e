"""Reporting inside the service: a reviewer's (or an automatic) malicious verdict is sent to a
real local HTTP receiver off the request path, retried, and its outcome recorded and shown."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from capwatch.service.schema import PendingReport, Role
from tests.service.conftest import Harness, stop
from tests.service.packages import clean_sdist, malicious_sdist
from tests.service.test_ui import sign_in
from tests.unit.service.service_testlib import Received, Receiver, serve

TOKEN = "pypi-SECRET-observations-token"


@dataclass
class GatedReceiver(Receiver):
    """Holds every request until the test opens the gate."""

    gate: threading.Event = field(default_factory=threading.Event)

    def answer(self, request: Received) -> tuple[int, bytes]:
        assert self.gate.wait(20), "the test never opened the gate"
        return super().answer(request)


def _reporting(receiver: Receiver, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "observations_url": f"{receiver.url}/danger-api", "observations_token": TOKEN,
        "report_backoff": 0.01, "report_max_attempts": 4,
    }
    settings.update(overrides)
    return settings


def _review(h: Harness, scan_id: int, decision: str = "malicious") -> None:
    response = h.client.post(
        f"/api/v1/scans/{scan_id}/review", json={"decision": decision, "note": "confirmed"},
        headers=h.auth(Role.REVIEWER),
    )
    assert response.status_code == 201, response.text


def _wait_for(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _reports(h: Harness, scan_id: int) -> list[dict[str, Any]]:
    body = h.client.get(f"/api/v1/scans/{scan_id}", headers=h.auth_reader()).json()
    reports: list[dict[str, Any]] = body["reports"]
    return reports


def _pending(h: Harness) -> int:
    with h.service.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(PendingReport)) or 0)


def test_a_malicious_decision_is_sent_off_the_request_path_and_retried_until_accepted(
    start_service: Callable[..., Harness], sqlite_url: str
) -> None:
    receiver = GatedReceiver(failures=2, fail_status=503, ok_status=202)
    with serve(receiver):
        h = start_service(sqlite_url, **_reporting(receiver))
        scan = h.upload(malicious_sdist(), "evilpkg-1.0.tar.gz").json()
        assert scan["verdict"] == "malicious"
        assert receiver.requests == []  # without the option, verdicts are not reported
        _review(h, scan["id"])  # returns while the receiver still holds the first request
        detail = h.client.get(f"/api/v1/scans/{scan['id']}", headers=h.auth_reader()).json()
        assert detail["reports"] == [] and detail["reports_pending"][0]["trigger"] == "review"
        receiver.gate.set()
        reports = _wait_for(lambda: _reports(h, scan["id"]))
    assert len(reports) == 1
    report = reports[0]
    assert (report["ok"], report["status"], report["attempts"], report["error"], report["trigger"]) == (
        True, 202, 3, None, "review")
    assert len(receiver.requests) == 3
    sent = receiver.requests[-1]
    assert sent.method == "POST" and sent.path == "/danger-api/projects/evilpkg/observations"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    body = json.loads(sent.body)
    assert body["kind"] == "is_malware" and "malicious" in body["summary"]
    assert body["inspector_url"] == "https://inspector.pypi.io/project/evilpkg/1.0/"
    assert _pending(h) == 0
    # The scan page shows the outcome.
    sign_in(h)
    page = h.client.get(f"/ui/scans/{scan['id']}").text
    assert "ok (HTTP 202) after 3 attempt(s) · reviewer decision" in page
    # A later confirmation does not send it again.
    _review(h, scan["id"])
    time.sleep(0.3)
    assert len(receiver.requests) == 3 and len(_reports(h, scan["id"])) == 1


def test_an_endpoint_that_always_fails_is_recorded_failed(
    start_service: Callable[..., Harness], sqlite_url: str
) -> None:
    with serve(Receiver(failures=1000, fail_status=503)) as receiver:
        h = start_service(sqlite_url, **_reporting(receiver, report_max_attempts=2))
        scan = h.upload(malicious_sdist(), "evilpkg-1.0.tar.gz").json()
        _review(h, scan["id"])
        [report] = _wait_for(lambda: _reports(h, scan["id"]))
        assert (report["ok"], report["status"], report["attempts"]) == (False, 503, 2)
        assert "HTTP 503" in report["error"] and TOKEN not in report["error"]
        assert len(receiver.requests) == 2
        # After a failure, a new malicious decision queues the report again.
        _review(h, scan["id"])
        _wait_for(lambda: len(_reports(h, scan["id"])) == 2)
        assert len(receiver.requests) == 4
    sign_in(h)
    assert "failed (HTTP 503) after 2 attempt(s)" in h.client.get(f"/ui/scans/{scan['id']}").text


def test_automatic_malicious_verdicts_are_reported_when_enabled(
    start_service: Callable[..., Harness], db_url: str
) -> None:
    with serve(Receiver()) as receiver:
        h = start_service(db_url, **_reporting(receiver, report_auto_malicious=True))
        bad = h.upload(malicious_sdist(), "evilpkg-1.0.tar.gz").json()
        good = h.upload(clean_sdist(), "nicepkg-1.0.tar.gz").json()
        assert (bad["verdict"], good["verdict"]) == ("malicious", "clean")
        [report] = _wait_for(lambda: _reports(h, bad["id"]))
        assert report["ok"] and report["trigger"] == "auto" and report["attempts"] == 1
        _review(h, bad["id"])  # already reported: not sent twice
        _review(h, good["id"], "benign")
        time.sleep(0.3)
        assert len(receiver.requests) == 1 and _reports(h, good["id"]) == []


def test_a_pending_report_survives_a_restart(
    start_service: Callable[..., Harness], sqlite_url: str
) -> None:
    with serve(Receiver(failures=1000, fail_status=503)) as down:
        # A long backoff: the report is between two attempts when the service stops.
        first = start_service(sqlite_url, **_reporting(down, report_backoff=60.0))
        scan = first.upload(malicious_sdist(), "evilpkg-1.0.tar.gz").json()
        _review(first, scan["id"])
        _wait_for(lambda: down.requests)
        started = time.monotonic()
        stop(first)
        assert time.monotonic() - started < 10  # the stop interrupted the backoff
    with serve(Receiver()) as up:
        second = start_service(sqlite_url, tokens=first.tokens, **_reporting(up))
        [report] = _wait_for(lambda: _reports(second, scan["id"]))
        assert (report["ok"], report["attempts"], report["trigger"]) == (True, 1, "review")
        assert len(up.requests) == 1 and _pending(second) == 0


def test_a_decision_recorded_before_the_verdict_is_sent_once_the_scan_ends(
    start_service: Callable[..., Harness], sqlite_url: str
) -> None:
    from tests.service.hooks import slow

    with serve(Receiver()) as receiver:
        h = start_service(sqlite_url, scan=slow, **_reporting(receiver))
        scan = h.upload(malicious_sdist(), "evilpkg-1.0.tar.gz", wait=0).json()
        assert scan["status"] in ("queued", "scanning")
        _review(h, scan["id"])
        detail = h.client.get(f"/api/v1/scans/{scan['id']}", headers=h.auth_reader()).json()
        assert detail["reports"] == [] and len(detail["reports_pending"]) == 1
        assert receiver.requests == []
        [report] = _wait_for(lambda: _reports(h, scan["id"]))
        assert report["ok"] and report["attempts"] == 1 and len(receiver.requests) == 1
