"""The JSON API, on SQLite and on PostgreSQL (each test gets a fresh database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DatabaseError

from capwatch.report.serialize import result_from_dict, result_to_dict
from capwatch.service.schema import Review, Role, Scan, Token, Upload
from tests.service.conftest import Harness
from tests.service.packages import PAYLOAD, clean_sdist, clean_wheel, malicious_sdist


def test_malicious_upload_is_held_and_the_same_file_is_scanned_once(start_service, db_url):
    h: Harness = start_service(db_url)
    data = malicious_sdist()
    first = h.upload(data, "evilpkg-1.0.tar.gz", project="evilpkg", uploader="mallory")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "done"
    assert body["verdict"] == "malicious"
    assert body["gate"] == "hold"
    assert body["duplicate"] is False
    again = h.upload(data, "renamed.tar.gz")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["duplicate"] is True
    with h.service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 1
        assert session.scalar(select(func.count()).select_from(Upload)) == 2
        assert session.scalar(select(Scan.attempts)) == 1

    detail = h.client.get(f"/api/v1/scans/{body['id']}", headers=h.auth(Role.UPLOADER)).json()
    assert detail["sha256"] == body["sha256"]
    assert [u["uploader"] for u in detail["uploads"]] == ["mallory", None]
    # The stored result is the engine's JSON shape, unchanged.
    result = result_from_dict(detail["result"])
    assert result_to_dict(result) == detail["result"]
    assert result.artifact.name == "evilpkg"
    assert any(e.decoded and "curl" in e.decoded for f in result.findings for e in f.evidence)
    assert PAYLOAD.strip().splitlines()[-1] in json.dumps(detail["result"])


def test_clean_wheel_is_allowed(start_service, db_url):
    h: Harness = start_service(db_url)
    response = h.upload(clean_wheel(), "nicewheel-1.0-py3-none-any.whl")
    assert response.status_code == 201
    assert response.json()["verdict"] == "clean"
    assert response.json()["gate"] == "allow"


def test_tokens_and_roles(start_service, db_url):
    h: Harness = start_service(db_url)
    client = h.client
    files = {"file": ("x.tar.gz", clean_sdist(), "application/octet-stream")}
    assert client.post("/api/v1/uploads", files=files).status_code == 401
    bad = {"Authorization": "Bearer cw_not-a-token"}
    assert client.post("/api/v1/uploads", files=files, headers=bad).status_code == 401
    assert client.get("/api/v1/scans").status_code == 401
    assert client.get("/api/v1/scans", headers=bad).status_code == 401
    denied = client.post("/api/v1/uploads", files=files, headers=h.auth(Role.REVIEWER))
    assert denied.status_code == 403
    assert "uploader" in denied.json()["detail"]
    scan_id = h.upload(clean_sdist()).json()["id"]
    review = {"decision": "benign", "note": "fine"}
    assert client.post(f"/api/v1/scans/{scan_id}/review", json=review).status_code == 401
    assert client.post(
        f"/api/v1/scans/{scan_id}/review", json=review, headers=h.auth(Role.UPLOADER)
    ).status_code == 403
    assert client.post(
        f"/api/v1/scans/{scan_id}/review", json=review, headers=h.auth(Role.REVIEWER)
    ).status_code == 201
    assert client.post(
        f"/api/v1/scans/{scan_id}/review", json=review, headers=h.auth(Role.ADMIN)
    ).status_code == 201
    assert h.upload(malicious_sdist(), role=Role.ADMIN).status_code == 201
    # Only the hash of a token is stored.
    with h.service.sessions() as session:
        hashes = session.scalars(select(Token.token_hash)).all()
    assert all(token not in hashes for token in h.tokens.values())


def test_non_artifact_upload_is_refused_with_a_reason(start_service, db_url):
    h: Harness = start_service(db_url)
    text = h.upload(b"<html>not a package</html>\n", "evil.tar.gz")
    assert text.status_code == 422
    assert "not a package artifact" in text.json()["detail"]
    empty = h.upload(b"", "empty.whl")
    assert empty.status_code == 422
    assert "empty" in empty.json()["detail"]
    with h.service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 0


def test_oversized_upload_gets_413(start_service, db_url):
    h: Harness = start_service(db_url, max_upload_bytes=2000)
    # Far over: refused from Content-Length before the body is read.
    big = h.upload(b"\x1f\x8b" + b"x" * 200_000, "big.tar.gz")
    assert big.status_code == 413
    assert "limit of 2,000 bytes" in big.json()["detail"]
    # Just over: the body fits the request limit, the store refuses the file itself.
    near = h.upload(b"\x1f\x8b" + b"x" * 2500, "near.tar.gz")
    assert near.status_code == 413
    assert "2,000 bytes" in near.json()["detail"]
    with h.service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 0
    assert not [p for p in h.service.store.root.rglob("*") if p.is_file()]


def test_list_filters_and_paging(start_service, db_url):
    h: Harness = start_service(db_url)
    bad = h.upload(malicious_sdist(), "evilpkg-1.0.tar.gz").json()
    good = h.upload(clean_sdist(), "nicepkg-1.0.tar.gz").json()
    auth = h.auth(Role.REVIEWER)

    def ids(**params: object) -> list[int]:
        response = h.client.get("/api/v1/scans", params=params, headers=auth)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [good["id"], bad["id"]]
    assert ids(verdict="malicious") == [bad["id"]]
    assert ids(verdict="clean") == [good["id"]]
    assert ids(status="done") == [good["id"], bad["id"]]
    assert ids(status="queued") == []
    assert ids(project="evilpkg") == [bad["id"]]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert ids(since=future) == []
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert len(ids(since=past)) == 2
    page = h.client.get("/api/v1/scans", params={"limit": 1}, headers=auth).json()
    assert page["total"] == 2 and page["next_offset"] == 1
    rest = h.client.get("/api/v1/scans", params={"limit": 1, "offset": 1}, headers=auth).json()
    assert [i["id"] for i in rest["items"]] == [bad["id"]] and rest["next_offset"] is None
    assert h.client.get("/api/v1/scans", params={"verdict": "x"}, headers=auth).status_code == 422
    assert h.client.get("/api/v1/scans/999999", headers=auth).status_code == 404


def test_review_audit_log_osv_and_observation(start_service, db_url):
    h: Harness = start_service(db_url)
    scan = h.upload(malicious_sdist(), "evilpkg-1.0.tar.gz").json()
    sid = scan["id"]
    auth = h.auth(Role.REVIEWER)
    assert h.client.get(f"/api/v1/scans/{sid}/osv", headers=auth).status_code == 409
    observation = h.client.get(f"/api/v1/scans/{sid}/observation", headers=auth)
    assert observation.status_code == 200
    assert "inspector" in json.dumps(observation.json())
    made = h.client.post(
        f"/api/v1/scans/{sid}/review", headers=auth,
        json={"decision": "malicious", "note": "curl | sh at install"},
    )
    assert made.status_code == 201
    assert made.json()["reviewer"] == "test-reviewer"
    record = h.client.get(f"/api/v1/scans/{sid}/osv", headers=auth)
    assert record.status_code == 200, record.text
    assert scan["sha256"] in json.dumps(record.json())
    assert "evilpkg" in json.dumps(record.json())
    h.client.post(f"/api/v1/scans/{sid}/review", headers=auth,
                  json={"decision": "benign", "note": "actually a test fixture"})
    assert h.client.get(f"/api/v1/scans/{sid}", headers=auth).json()["gate"] == "allow"
    assert h.client.get(f"/api/v1/scans/{sid}/osv", headers=auth).status_code == 409
    log = h.client.get("/api/v1/audit", headers=auth).json()
    assert [e["decision"] for e in log] == ["benign", "malicious"]
    history = h.client.get(f"/api/v1/scans/{sid}/reviews", headers=auth).json()
    assert [e["note"] for e in history] == ["curl | sh at install", "actually a test fixture"]
    bad = h.client.post(f"/api/v1/scans/{sid}/review", headers=auth, json={"decision": "maybe"})
    assert bad.status_code == 422
    assert h.client.post("/api/v1/scans/424242/review", headers=auth,
                         json={"decision": "benign"}).status_code == 404


def test_openapi_document(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    doc = h.client.get("/openapi.json").json()
    for path in ("/api/v1/uploads", "/api/v1/scans", "/api/v1/scans/{scan_id}",
                 "/api/v1/scans/{scan_id}/review", "/api/v1/scans/{scan_id}/osv",
                 "/api/v1/scans/{scan_id}/observation"):
        assert path in doc["paths"]


def test_streamed_upload_over_the_limit_gets_413_without_content_length(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url, max_upload_bytes=4096)
    boundary = "capwatchboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"big.tar.gz\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()

    def body():
        yield head
        for _ in range(200):
            yield b"\x1f\x8b" + b"y" * 1022
        yield f"\r\n--{boundary}--\r\n".encode()

    response = h.client.post(
        "/api/v1/uploads", content=body(), headers={
            **h.auth(Role.UPLOADER), "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 413
    assert "4,096 bytes" in response.json()["detail"]


def test_a_few_megabytes_upload_is_accepted(start_service, sqlite_url):
    import os

    from tests.helpers import wheel_bytes

    h: Harness = start_service(sqlite_url)
    data = wheel_bytes({"bigwheel/__init__.py": "X = 1\n", "bigwheel/blob.bin": os.urandom(3_000_000)},
                       name="bigwheel")
    response = h.upload(data, "bigwheel-0.1-py3-none-any.whl")
    assert response.status_code == 201, response.text
    assert response.json()["verdict"] in ("clean", "suspicious")


def test_the_same_new_file_uploaded_concurrently_gets_one_scan(start_service, db_url):
    from concurrent.futures import ThreadPoolExecutor

    from capwatch.service.uploads import submit_upload

    h: Harness = start_service(db_url)
    data = malicious_sdist(name="racepkg")
    with ThreadPoolExecutor(max_workers=6) as pool:
        submissions = list(pool.map(
            lambda i: submit_upload(h.service, data, f"racepkg-{i}.tar.gz"), range(6)
        ))
    assert len({s.scan_id for s in submissions}) == 1
    assert sum(s.created for s in submissions) == 1
    with h.service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 1
        assert session.scalar(select(func.count()).select_from(Upload)) == 6


def test_the_audit_log_refuses_updates_and_deletes_in_the_database(start_service, db_url):
    h: Harness = start_service(db_url)
    sid = h.upload(malicious_sdist()).json()["id"]
    made = h.client.post(f"/api/v1/scans/{sid}/review", headers=h.auth(Role.REVIEWER),
                         json={"decision": "malicious", "note": "payload at install"})
    assert made.status_code == 201
    for change in (update(Review).values(note="nothing to see"), delete(Review)):
        with h.service.sessions() as session:
            with pytest.raises(DatabaseError, match="append-only"):
                session.execute(change)
                session.commit()
            session.rollback()
    with h.service.sessions() as session:
        (review,) = session.scalars(select(Review)).all()
    assert review.note == "payload at install"
