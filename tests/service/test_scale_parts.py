"""The scale-out parts that need no broker: claims by task, re-scans and verdict changes,
backfill from a list (resumable), /healthz and /metrics, JSON logs, an embedded default that
never imports Celery."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from capwatch.cli import main
from capwatch.model import Verdict
from capwatch.service import jobs, rescan
from capwatch.service.backfill import backfill_list
from capwatch.service.jobs import Claimed, WorkItem, claim_for_task, current_ruleset
from capwatch.service.logs import JsonFormatter
from capwatch.service.schema import JobStatus, Scan, VerdictChange, utcnow
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


def test_claims_by_task_take_over_only_a_lost_execution(start_service, db_url):
    h = start_service(db_url, scan=hooks.hang)
    h.service.pool.stop()  # claims are made by hand here
    sessions, path = h.service.sessions, h.service.store.path_for
    sha = h.upload(clean_sdist(), wait=0).json()["sha256"]

    def claim(task: str, lease: float = 600.0) -> WorkItem | Claimed:
        return claim_for_task(sessions, path, sha, task, max_attempts=3, lease_seconds=lease)

    first = claim("task-a")
    assert isinstance(first, WorkItem) and first.attempt == 1
    assert claim("task-b") is Claimed.HELD  # a duplicate message while task-a runs
    again = claim("task-a")  # task-a's message came back: its execution was lost
    assert isinstance(again, WorkItem) and again.attempt == 2 and again.claim != first.claim
    stale = claim("task-c", lease=0.0)  # or its claim outlived the lease
    assert isinstance(stale, WorkItem) and stale.attempt == 3
    assert claim("task-c") is Claimed.GAVE_UP  # that was the last attempt
    (scan,) = _scans(h)
    assert scan.status is JobStatus.ERROR and "attempt 3 of 3" in (scan.last_error or "")
    assert claim("task-d") is Claimed.FINISHED
    assert claim_for_task(sessions, path, "0" * 64, "x", max_attempts=3,
                          lease_seconds=1) is Claimed.UNKNOWN
    assert jobs.complete(sessions, again, _result(scan)) is False  # lost claims write nothing


def _result(scan: Scan):
    from capwatch.model import ArtifactInfo, ScanResult

    return ScanResult(ArtifactInfo("x", scan.sha256, 1), Verdict.CLEAN, 0.0)


def test_rescan_records_verdict_changes_and_queues_new_malicious_first(start_service, db_url):
    h = start_service(db_url)
    bad = h.upload(malicious_sdist(), "evil-1.0.tar.gz").json()
    good = h.upload(clean_sdist(), "nice-1.0.tar.gz").json()
    assert bad["verdict"] == "malicious"
    stop(h)  # no worker may claim the re-queued scans before their state is read
    with h.service.sessions() as session:  # as if older rules had missed it
        session.execute(update(Scan).values(ruleset="older-rules"))
        session.execute(update(Scan).where(Scan.id == bad["id"]).values(
            verdict=Verdict.CLEAN, rank=0, score=0.0))
        session.commit()
    planned = rescan.plan(h.service.sessions, current_ruleset())
    assert planned.stale == 2
    assert rescan.requeue(h.service.sessions, current_ruleset()) == 2
    queued = {s.id: s for s in _scans(h)}
    assert queued[bad["id"]].status is JobStatus.QUEUED
    assert queued[bad["id"]].verdict is Verdict.CLEAN  # the old verdict stays until the new one
    h = start_service(db_url, tokens=h.tokens)
    _wait_for(lambda: all(s.status is JobStatus.DONE for s in _scans(h)))
    done = {s.id: s for s in _scans(h)}
    assert done[bad["id"]].verdict is Verdict.MALICIOUS and done[bad["id"]].rank == 3
    assert {s.ruleset for s in done.values()} == {current_ruleset()}
    with h.service.sessions() as session:
        changes = session.scalars(select(VerdictChange)).all()
    assert [(c.scan_id, c.old_verdict, c.new_verdict, c.old_ruleset) for c in changes] == [
        (bad["id"], Verdict.CLEAN, Verdict.MALICIOUS, "older-rules")]
    listing = h.client.get("/api/v1/scans", params={"verdict": "malicious"},
                           headers=h.auth_reader()).json()
    assert [item["id"] for item in listing["items"]] == [bad["id"]]
    assert rescan.plan(h.service.sessions, current_ruleset()).stale == 0
    assert good["id"] in done
    metrics = h.client.get("/metrics").text
    assert "capwatch_verdict_changes 1" in metrics


def test_rescan_command(tmp_path: Path, capsys):
    assert main(["rescan", "--data-dir", str(tmp_path), "--dry-run"]) == 0
    assert "0 finished scan(s)" in capsys.readouterr().err


def test_backfill_from_a_list_resumes_and_skips_what_is_not_a_package(start_service, sqlite_url,
                                                                      tmp_path):
    h = start_service(sqlite_url)
    h.service.pool.stop()  # only the queue is looked at
    folder = tmp_path / "files"
    folder.mkdir()
    names = []
    for n in range(4):
        (folder / f"p{n}-1.0.tar.gz").write_bytes(clean_sdist(name=f"p{n}"))
        names.append(f"files/p{n}-1.0.tar.gz\tp{n}\t1.0")
    (folder / "notes.txt").write_text("not an archive\n")
    listing = tmp_path / "list.tsv"
    listing.write_text("path\tname\tversion\n" + "\n".join(
        [names[0], names[1], "files/notes.txt", names[2], names[0], names[3], "files/missing.tgz"]
    ) + "\n")
    first = backfill_list(h.service, listing, limit=2)
    assert (first.submitted, first.duplicates) == (2, 0)
    second = backfill_list(h.service, listing)  # goes on after the first two
    assert (second.submitted, second.duplicates, second.refused, second.failed) == (2, 1, 1, 1)
    assert len(_scans(h)) == 4
    assert {s.status for s in _scans(h)} == {JobStatus.QUEUED}
    third = backfill_list(h.service, listing)  # nothing left
    assert (third.submitted, third.duplicates) == (0, 0)


def test_backfill_command_from_a_list(tmp_path: Path, capsys):
    (tmp_path / "a.tar.gz").write_bytes(malicious_sdist())
    (tmp_path / "list.txt").write_text("a.tar.gz\n")
    assert main(["backfill", "--from-file", str(tmp_path / "list.txt"),
                 "--data-dir", str(tmp_path / "data")]) == 0
    assert "backfill done: 1 new" in capsys.readouterr().err


def test_health_and_metrics_in_embedded_mode(start_service, sqlite_url):
    h = start_service(sqlite_url)
    h.upload(malicious_sdist())
    health = h.client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"queue": "embedded", "database": "ok", "status": "ok"}
    response = h.client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    for line in ['capwatch_jobs{status="done"} 1', 'capwatch_verdicts{verdict="malicious"} 1',
                 "capwatch_scan_errors 0", "capwatch_time_to_verdict_seconds_count 1"]:
        assert line in text
    assert "capwatch_broker_queue_depth" not in text
    for line in text.splitlines():  # Prometheus text format: comments or "name{labels} number"
        assert line.startswith("# ") or float(line.rsplit(" ", 1)[1]) >= 0


def test_time_to_verdict_counts_from_the_latest_queueing(start_service, sqlite_url):
    h = start_service(sqlite_url)
    h.upload(clean_sdist())
    with h.service.sessions() as session:
        session.execute(update(Scan).values(
            created_at=utcnow() - timedelta(days=3), queued_at=utcnow() - timedelta(seconds=2),
            finished_at=utcnow()))
        session.commit()
    from capwatch.service.ops import collect

    assert 1.5 < collect(h.service)["p50"] < 3.0


def test_json_log_lines_carry_the_extra_fields():
    record = logging.LogRecord("capwatch.service", logging.INFO, __file__, 1, "scan %d done",
                               (7,), None)
    record.scan_id = 7
    record.verdict = "malicious"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "scan 7 done" and line["level"] == "info"
    assert line["scan_id"] == 7 and line["verdict"] == "malicious"
    assert line["time"].endswith("Z")


def test_the_embedded_default_never_imports_celery_or_a_broker_client(tmp_path: Path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fastapi.testclient import TestClient\n"
        "from capwatch.service.app import create_app\n"
        "from capwatch.service.runtime import Service\n"
        "from capwatch.service.settings import ServiceSettings\n"
        f"service = Service(ServiceSettings(data_dir=Path({str(tmp_path)!r}), workers=1))\n"
        "with TestClient(create_app(service)) as client:\n"
        "    assert client.get('/healthz').status_code == 200\n"
        "    assert client.get('/metrics').status_code == 200\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('celery', 'kombu', 'redis', 'amqp'))\n"
        "print(bad)\n"
        "assert not bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_backfill_of_an_index_takes_every_file_once_and_resumes(start_service, sqlite_url):
    import httpx

    from capwatch.service.backfill import backfill_index
    from tests.unit.service.test_service_watcher_unit import INDEX, FakeIndex, _sdist

    h = start_service(sqlite_url)
    h.service.pool.stop()
    fake = FakeIndex()
    for project, version in [("alpha", "1.0"), ("alpha", "2.0"), ("beta", "1.0")]:
        fake.add(project, *_sdist(project, version))

    def client() -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(fake.handle))

    first = backfill_index(h.service, INDEX, client=client(), rate=1000)
    assert first.submitted == 3 and len(_scans(h)) == 3
    fake.add("gamma", *_sdist("gamma", "1.0"))  # the listing was taken: a full backfill is done
    again = backfill_index(h.service, INDEX, client=client())
    assert again.submitted == 0
    since = backfill_index(h.service, INDEX, since=3, client=client())  # changelog after serial 3
    assert since.submitted == 1
    assert sorted(s.filename for s in _scans(h))[-1].startswith("gamma")


def test_rate_limit_spaces_requests():
    from capwatch.service.backfill import RateLimit

    slept: list[float] = []
    limit = RateLimit(4.0, sleep=slept.append)
    for _ in range(3):
        limit.wait()
    # (the fake sleep does not pass time: the waits are 1/4 s and 2/4 s after the first call)
    assert len(slept) == 2 and 0.2 < slept[0] <= 0.25 and 0.45 < slept[1] <= 0.5
    unlimited = RateLimit(None, sleep=slept.append)
    unlimited.wait()
    unlimited.wait()
    assert len(slept) == 2


def test_processes_starting_together_migrate_a_new_postgresql_database_once(db_url):
    if not db_url.startswith("postgresql"):
        return  # SQLite: one file per service, no concurrent starts to order
    import threading

    from capwatch.service.database import make_engine, migrate

    engines = [make_engine(db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def start(engine) -> None:
        try:
            migrate(engine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
