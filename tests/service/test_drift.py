"""Drift in the review service: a new release of a project already scanned is compared with its
newest earlier release, the drift findings fold into its verdict and gate, and the API and the
scan page show the diff. Releases are built here and never run."""

from __future__ import annotations

import json
import time

from sqlalchemy import select, update

from capwatch.report.serialize import result_from_dict
from capwatch.service import releases, rescan, scanjob
from capwatch.service.jobs import WorkItem, current_ruleset
from capwatch.service.schema import JobStatus, Role, Scan
from tests.service.conftest import Harness
from tests.service.packages import DRIFT_MARK, RELEASE_NAME, release_sdist
from tests.service.test_ui import sign_in

RISKY = {"CW201", "CW202"}


def _upload(h: Harness, version: str, *, payload: bool = False, **fields: str) -> dict:
    response = h.upload(release_sdist(version, payload=payload),
                        f"{RELEASE_NAME}-{version}.tar.gz", **fields)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "done", body
    return body


def _detail(h: Harness, scan_id: int) -> dict:
    response = h.client.get(f"/api/v1/scans/{scan_id}", headers=h.auth(Role.UPLOADER))
    assert response.status_code == 200
    return response.json()


def test_import_time_payload_in_a_new_release_is_drift_in_the_api_and_on_the_page(
    start_service, db_url
):
    h: Harness = start_service(db_url)
    old = _upload(h, "1.0")
    assert old["verdict"] == "clean" and old["gate"] == "allow"
    assert _detail(h, old["id"])["drift"] is None  # nothing earlier to compare with
    new = _upload(h, "1.1", payload=True)
    detail = _detail(h, new["id"])
    drift = detail["drift"]
    assert drift["previous_scan_id"] == old["id"]
    assert drift["previous_version"] == "1.0"
    diff = drift["diff"]
    assert diff["schema"] == "capwatch.diff/1" and diff["established"] is True
    assert diff["old"]["version"] == "1.0" and diff["new"]["version"] == "1.1"
    gained = [f for f in diff["findings"] if f["rule"] == "CW201"]
    assert gained and gained[0]["phase"] == "import"
    added = {(c["capability"], c["phase"]) for c in diff["capabilities"] if c["change"] == "added"}
    assert ("net.http.request", "import") in added
    assert [d["name"] for d in diff["dependencies"] if d["change"] == "added"] == ["reqeusts"]
    assert {m["field"] for m in diff["metadata"]} >= {"author_email", "summary"}
    # Folded into the new scan's own result, verdict and gate.
    result = detail["result"]
    assert "CW201" in {f["rule"] for f in result["findings"]}
    assert result["stats"]["drift"]["folded"] is True
    assert result["stats"]["drift"]["previous_version"] == "1.0"
    assert detail["verdict"] in ("suspicious", "malicious") and detail["verdict"] == result["verdict"]
    assert new["verdict"] == detail["verdict"]  # the upload's own answer already had it
    assert detail["gate"] == ("hold" if detail["verdict"] == "malicious" else "allow")

    sign_in(h)
    page = h.client.get(f"/ui/scans/{new['id']}")
    assert page.status_code == 200
    text = page.text
    assert 'id="drift"' in text and "Changes since 1.0" in text
    assert f'href="/ui/scans/{old["id"]}"' in text
    assert "net.http.request" in text and "reqeusts" in text
    assert "owner@mail.example.invalid" in text
    assert f"{RELEASE_NAME}/__init__.py" in text
    # Package text is escaped: the summary's script is shown, never markup.
    assert f"<script>document.title='{DRIFT_MARK}'" not in text
    assert f"&lt;script&gt;document.title=&#39;{DRIFT_MARK}&#39;&lt;/script&gt;" in text
    assert "script-src" not in page.headers["content-security-policy"]
    # The earlier release's page has no drift section.
    assert 'id="drift"' not in h.client.get(f"/ui/scans/{old['id']}").text


def test_an_older_version_uploaded_later_is_not_compared_with_a_newer_one(start_service,
                                                                          sqlite_url):
    h: Harness = start_service(sqlite_url)
    newest = _upload(h, "2.0")
    older = _upload(h, "1.0", payload=True)
    assert _detail(h, older["id"])["drift"] is None
    assert "CW201" not in {f["rule"] for f in _detail(h, older["id"])["result"]["findings"]}
    # A release in between is compared with the newest release below it, not with 2.0.
    middle = _upload(h, "1.5")
    drift = _detail(h, middle["id"])["drift"]
    assert drift["previous_scan_id"] == older["id"] and drift["diff"]["old"]["version"] == "1.0"
    assert newest["id"] != drift["previous_scan_id"]
    # Another project's releases are never compared, whatever their versions.
    other = h.upload(release_sdist("3.0", name="otherslug"), "otherslug-3.0.tar.gz").json()
    assert _detail(h, other["id"])["drift"] is None


def test_two_honest_releases_show_no_risky_drift(start_service, sqlite_url):
    h: Harness = start_service(sqlite_url)
    old = _upload(h, "1.0")
    new = _upload(h, "1.0.1")
    detail = _detail(h, new["id"])
    diff = detail["drift"]["diff"]
    assert detail["drift"]["previous_scan_id"] == old["id"]
    assert not RISKY & {f["rule"] for f in diff["findings"]}
    assert diff["verdict"] == "clean"
    assert detail["verdict"] == "clean" and detail["gate"] == "allow"
    sign_in(h)
    page = h.client.get(f"/ui/scans/{new['id']}").text
    assert "Changes since 1.0" in page and 'id="drift-verdict">clean<' in page


def test_recording_again_never_folds_twice(start_service, sqlite_url):
    """The drift step folds only fresh engine results, recording is claim-conditional, and a
    job run again (a re-scan) folds its fresh result once."""
    h: Harness = start_service(sqlite_url)
    _upload(h, "1.0")
    new = _upload(h, "1.1", payload=True)
    with h.service.sessions() as session:
        row = session.get(Scan, new["id"])
        assert row is not None and row.result_json is not None
        stored = result_from_dict(json.loads(row.result_json))
    count = sum(f.rule == "CW201" for f in stored.findings)
    assert count >= 1
    again = releases.with_previous(h.service.sessions, new["id"], stored)
    assert again.result is stored and again.drift_json is None
    # A stale claim records nothing, drift or not.
    item = WorkItem(new["id"], 9, "stale-claim", "", "x")
    assert scanjob.record(h.service.sessions, item, stored) is False
    with h.service.sessions() as session:
        row = session.scalar(select(Scan).where(Scan.id == new["id"]))
        assert row is not None and row.status is JobStatus.DONE
        assert row.drift_json is not None and row.previous_scan_id is not None
        again_stored = result_from_dict(json.loads(row.result_json or "{}"))
    assert sum(f.rule == "CW201" for f in again_stored.findings) == count
    # The job runs again (as under other rules): the same drift, folded once.
    with h.service.sessions() as session:
        session.execute(update(Scan).where(Scan.id == new["id"]).values(ruleset="older-rules"))
        session.commit()
    assert rescan.requeue(h.service.sessions, current_ruleset()) == 1
    h.service.wake()
    deadline = time.monotonic() + 30
    while _detail(h, new["id"])["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.05)
    detail = _detail(h, new["id"])
    assert detail["status"] == "done" and detail["drift"]["diff"]["old"]["version"] == "1.0"
    assert sum(f["rule"] == "CW201" for f in detail["result"]["findings"]) == count


def test_the_celery_task_path_records_drift_too(start_service, sqlite_url):
    """``run_job`` (what a Celery task runs) records through the same drift step."""
    h: Harness = start_service(sqlite_url)
    old = _upload(h, "1.0")
    h.service.pool.stop()  # the job below is run by hand, as a task would run it
    queued = h.upload(release_sdist("1.1", payload=True), f"{RELEASE_NAME}-1.1.tar.gz", wait=0)
    sha = queued.json()["sha256"]
    context = scanjob.JobContext(
        sessions=h.service.sessions, store_path=h.service.store.path_for,
        options=h.service.settings.scan_options, max_attempts=3, lease_seconds=600.0,
    )
    outcome, scan_id = scanjob.run_job(context, sha, "task-1")
    assert outcome is scanjob.Outcome.RECORDED
    assert scanjob.run_job(context, sha, "task-1")[0] is scanjob.Outcome.DUPLICATE
    detail = _detail(h, queued.json()["id"])
    assert scan_id == detail["id"] and detail["drift"]["previous_scan_id"] == old["id"]
    assert sum(f["rule"] == "CW201" for f in detail["result"]["findings"]) == 1
