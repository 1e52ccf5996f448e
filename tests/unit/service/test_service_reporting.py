"""Sending observations to a real local HTTP receiver that fails, then recovers."""

from __future__ import annotations

import json
import socket

import pytest
from tests.unit.service.service_testlib import Receiver, serve

from capwatch.errors import UsageError
from capwatch.service.osv import OBSERVATION_CONTENT_TYPE
from capwatch.service.reporting import ObservationSender, SendOutcome

BODY = {"kind": "is_malware", "summary": "bad", "inspector_url": "https://inspector.pypi.io/project/x/1/"}


def _sender(url: str, *, attempts: int = 4, waits: list[float] | None = None) -> ObservationSender:
    recorded = waits if waits is not None else []
    return ObservationSender(
        f"{url}/danger-api", "pypi-SECRET", timeout=5.0, max_attempts=attempts, backoff=0.5,
        sleep=recorded.append,
    )


def test_failures_then_recovery_are_retried_with_backoff() -> None:
    waits: list[float] = []
    with serve(Receiver(failures=2, fail_status=503)) as receiver, _sender(receiver.url, waits=waits) as sender:
        outcome = sender.send("Evil_Pkg", BODY)
    assert outcome == SendOutcome(ok=True, status=202, attempts=3, error=None)
    assert waits == [0.5, 1.0]
    assert len(receiver.requests) == 3
    last = receiver.requests[-1]
    assert last.method == "POST" and last.path == "/danger-api/projects/Evil_Pkg/observations"
    assert last.headers["authorization"] == "Bearer pypi-SECRET"
    assert last.headers["content-type"] == OBSERVATION_CONTENT_TYPE
    assert json.loads(last.body) == BODY


def test_429_is_retried_honouring_retry_after() -> None:
    waits: list[float] = []
    receiver = Receiver(failures=1, fail_status=429, extra_headers={"Retry-After": "3"})
    with serve(receiver), _sender(receiver.url, waits=waits) as sender:
        outcome = sender.send("x", BODY)
    assert outcome.ok and outcome.attempts == 2
    assert waits == [3.0]


def test_client_errors_are_final() -> None:
    with serve(Receiver(failures=5, fail_status=400)) as receiver, _sender(receiver.url) as sender:
        outcome = sender.send("x", BODY)
    assert not outcome.ok and outcome.status == 400 and outcome.attempts == 1
    assert outcome.error is not None and "HTTP 400" in outcome.error and "try later" in outcome.error
    assert "SECRET" not in outcome.error


def test_gives_up_after_max_attempts() -> None:
    with serve(Receiver(failures=10, fail_status=500)) as receiver, _sender(receiver.url, attempts=3) as sender:
        outcome = sender.send("x", BODY)
    assert outcome == SendOutcome(ok=False, status=500, attempts=3, error=outcome.error)
    assert len(receiver.requests) == 3


def test_connection_refused_is_retried_and_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    with _sender(f"http://127.0.0.1:{port}", attempts=2, waits=waits) as sender:
        outcome = sender.send("x", BODY)
    assert not outcome.ok and outcome.status is None and outcome.attempts == 2
    assert outcome.error is not None and "cannot reach" in outcome.error
    assert waits == [0.5]


def test_bad_configuration_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        ObservationSender("ftp://x", "t", timeout=1, max_attempts=1, backoff=0)
    with pytest.raises(UsageError):
        ObservationSender("https://x", "", timeout=1, max_attempts=1, backoff=0)
    with pytest.raises(UsageError):
        ObservationSender("https://x", "t", timeout=1, max_attempts=0, backoff=0)
