"""Durability: killed workers, attempt limits, restarts with scans in flight, stale results."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from capwatch.model import ArtifactInfo, ScanResult, Verdict
from capwatch.service import jobs
from capwatch.service.schema import JobStatus, Scan
from capwatch.service.settings import TimeoutPolicy
from tests.service import hooks
from tests.service.conftest import Harness, stop
from tests.service.packages import clean_sdist, malicious_sdist


def _wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _scans(h: Harness) -> list[Scan]:
    with h.service.sessions() as session:
        return list(session.scalars(select(Scan).order_by(Scan.id)).all())


def test_worker_killed_mid_scan_is_retried(start_service, sqlite_url):
    h = start_service(sqlite_url, scan=hooks.die_on_first_attempt)
    response = h.upload(malicious_sdist())
    assert response.json()["verdict"] == "malicious"
    (scan,) = _scans(h)
    assert scan.status is JobStatus.DONE
    assert scan.attempts == 2
    assert scan.last_error is not None and "died" in scan.last_error


def test_worker_that_always_dies_ends_in_error_after_the_attempt_limit(start_service, db_url):
    h = start_service(db_url, scan=hooks.always_die, max_attempts=2, on_timeout=TimeoutPolicy.OPEN)
    response = h.upload(clean_sdist())
    body = response.json()
    assert body["status"] == "error"
    assert body["verdict"] == "error"
    assert body["gate"] == "allow"  # fail-open configured
    (scan,) = _scans(h)
    assert scan.attempts == 2
    assert "attempt 2 of 2" in (scan.last_error or "")
    detail = h.client.get(f"/api/v1/scans/{scan.id}", headers=h.auth_reader()).json()
    assert "failed 2 times" in detail["result"]["error"]


def test_restart_resumes_scans_in_flight_and_queued(start_service, db_url):
    first = start_service(db_url, scan=hooks.hang)
    a = first.upload(malicious_sdist(), "a.tar.gz", wait=0).json()
    b = first.upload(clean_sdist(), "b.tar.gz", wait=0).json()
    assert a["gate"] == "pending"
    _wait_for(lambda: any(s.status is JobStatus.SCANNING for s in _scans(first)))
    stop(first)  # the hanging worker is ended; its scan stays 'scanning' in the database
    statuses = {s.id: s.status for s in _scans(first)}
    assert statuses[a["id"]] is JobStatus.SCANNING
    assert statuses[b["id"]] is JobStatus.QUEUED

    second = start_service(db_url, tokens=first.tokens)
    _wait_for(lambda: all(s.status is JobStatus.DONE for s in _scans(second)))
    done = {s.id: s for s in _scans(second)}
    assert len(done) == 2
    assert done[a["id"]].verdict is Verdict.MALICIOUS
    assert done[a["id"]].attempts == 2
    assert "interrupted" in (done[a["id"]].last_error or "")
    assert done[b["id"]].verdict is Verdict.CLEAN
    assert done[b["id"]].attempts == 1


def test_wait_timeout_follows_the_configured_policy(start_service, sqlite_url):
    closed = start_service(sqlite_url, scan=hooks.slow)
    held = closed.upload(clean_sdist(), wait=0.3).json()
    assert held["status"] in ("queued", "scanning") and held["gate"] == "hold"
    later = closed.upload(clean_sdist(name="other"), wait=0).json()
    assert later["gate"] == "pending"


def test_fail_open_on_timeout(start_service, sqlite_url):
    h = start_service(sqlite_url, scan=hooks.slow, on_timeout=TimeoutPolicy.OPEN)
    assert h.upload(clean_sdist(), wait=0.3).json()["gate"] == "allow"


def test_hold_suspicious_policy(start_service, sqlite_url):
    from capwatch.service.jobs import Gate, gate_for
    from capwatch.service.settings import ServiceSettings

    scan = Scan(verdict=Verdict.SUSPICIOUS)
    assert gate_for(scan, None, ServiceSettings(), timed_out=False) is Gate.ALLOW
    assert gate_for(scan, None, ServiceSettings(hold_suspicious=True), timed_out=False) is Gate.HOLD


def test_a_result_whose_claim_was_taken_back_is_discarded(start_service, sqlite_url):
    h = start_service(sqlite_url, scan=hooks.hang)
    h.upload(clean_sdist(), wait=0)
    _wait_for(lambda: any(s.status is JobStatus.SCANNING for s in _scans(h)))
    (scan,) = _scans(h)
    stale = jobs.WorkItem(scan.id, scan.attempts, "not-the-claim", "", "x")
    result = ScanResult(ArtifactInfo("x", scan.sha256, 1), Verdict.CLEAN, 0.0)
    assert jobs.complete(h.service.sessions, stale, result) is False
    current = jobs.WorkItem(scan.id, scan.attempts, scan.claimed_by or "", "", "x")
    assert jobs.complete(h.service.sessions, current, result) is True
    assert jobs.complete(h.service.sessions, current, result) is False  # never twice
    with h.service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 1


def test_a_scan_past_the_hard_time_limit_ends_its_worker_and_is_retried_then_failed(
    start_service, sqlite_url
):
    h = start_service(sqlite_url, scan=hooks.hang, max_attempts=2)
    h.service.pool.hard_limit = 0.5  # the analysis limit plus grace, shortened for the test
    before = set(h.service.pool.worker_pids())
    scan_id = h.upload(clean_sdist(), wait=0).json()["id"]
    _wait_for(lambda: _scans(h)[0].status is JobStatus.ERROR)
    (scan,) = _scans(h)
    assert scan.id == scan_id and scan.attempts == 2
    assert "did not finish within 0.5 s" in (scan.last_error or "")
    assert "attempt 2 of 2" in (scan.last_error or "")
    after = set(h.service.pool.worker_pids())
    assert after and not after & before  # each hanging worker was ended and replaced
