"""Session cookies and CSRF tokens."""

from __future__ import annotations

import time

from capwatch.service.auth import SessionSigner, csrf_ok


def test_session_cookie_round_trip_tamper_expiry_and_key() -> None:
    signer = SessionSigner(b"k" * 32, 60)
    cookie, data = signer.issue(7)
    assert signer.read(cookie) == data
    payload, _, mac = cookie.rpartition(".")
    assert signer.read(payload[:-2] + "xx." + mac) is None
    assert signer.read(payload + "." + mac[:-2] + "AA") is None
    assert SessionSigner(b"j" * 32, 60).read(cookie) is None
    assert signer.read("") is None and signer.read("nodot") is None
    expired, _ = SessionSigner(b"k" * 32, -1).issue(7)
    assert signer.read(expired) is None
    assert csrf_ok(data, data.csrf)
    assert not csrf_ok(data, "forged") and not csrf_ok(data, None) and not csrf_ok(None, data.csrf)
    assert time.time() < data.expires
