"""Scale-out mode with real Celery workers as separate processes, against the machine's
PostgreSQL, Redis and RabbitMQ (skipped when one is down; ``.ci/run`` starts them), plus a private
redis-server and a private PostgreSQL cluster for the restart tests.

Each test has its own database and broker queue, so tests running in parallel do not meet.
The test-only hook ``CAPWATCH_TEST_SLOW_SCAN`` (see :mod:`capwatch.service.scanjob`) makes the
first attempt at a file named ``capwatch-test-slow*`` sleep, so a scan is in flight when a test
kills something.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from capwatch.model import Verdict
from capwatch.service.schema import JobStatus, Scan, VerdictChange
from capwatch.service.settings import QueueMode
from tests.service.celery_procs import (
    PrivatePostgres,
    PrivateRedis,
    Workers,
    free_port,
    tcp_open,
    wait_until,
)
from tests.service.conftest import PG_SERVER, Harness, _pg_admin, _pg_available
from tests.service.packages import clean_sdist, malicious_sdist

pytestmark = pytest.mark.scale

REDIS = "redis://127.0.0.1:6379/0"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
SLOW = {"CAPWATCH_TEST_SLOW_SCAN": "60"}
"""First attempts at capwatch-test-slow* files sleep a minute: long enough to kill something."""


def _need(broker: str) -> None:
    port = 6379 if broker.startswith("redis") else 5672
    if not tcp_open(port):
        pytest.skip(f"broker not reachable on 127.0.0.1:{port}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}")
    name = f"capwatch_scale_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def queue_name() -> str:
    return f"capwatch-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    started = Workers(tmp_path)
    yield started
    started.stop_all()


def _celery(start_service, db: str, broker: str, queue: str, **overrides) -> Harness:
    return start_service(db, queue=QueueMode.CELERY, broker_url=broker, task_queue=queue,
                         **overrides)


def _start_worker(workers: Workers, h: Harness, **kwargs) -> object:
    s = h.service.settings
    return workers.start(db=s.database_url, data_dir=s.data_dir, broker=s.broker_url,
                         queue=s.task_queue, **kwargs)


def _scans(h: Harness) -> list[Scan]:
    with h.service.sessions() as session:
        return list(session.scalars(select(Scan).order_by(Scan.id)).all())


def _all_done(h: Harness, count: int) -> bool:
    scans = _scans(h)
    return len(scans) == count and all(s.status is JobStatus.DONE for s in scans)


@pytest.mark.parametrize("broker", [REDIS, RABBITMQ], ids=["redis", "rabbitmq"])
def test_uploads_flow_to_verdicts(pg_url, queue_name, workers, start_service, broker):
    _need(broker)
    h = _celery(start_service, pg_url, broker, queue_name)
    _start_worker(workers, h, concurrency=2)
    evil = malicious_sdist()
    bad = h.upload(evil, "evilpkg-1.0.tar.gz").json()
    good = h.upload(clean_sdist(), "nicepkg-1.0.tar.gz").json()
    assert (bad["verdict"], bad["gate"]) == ("malicious", "hold")
    assert (good["verdict"], good["gate"]) == ("clean", "allow")
    assert h.upload(evil, "again.tar.gz").json()["duplicate"] is True
    first, _ = _scans(h)
    assert first.attempts == 1 and first.ruleset and first.dispatched_at is not None
    health = h.client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"queue": "celery", "database": "ok", "broker": "ok", "status": "ok"}
    metrics = h.client.get("/metrics").text
    assert 'capwatch_verdicts{verdict="malicious"} 1' in metrics
    assert 'capwatch_jobs{status="done"} 2' in metrics
    assert "capwatch_broker_queue_depth 0" in metrics


def test_worker_killed_mid_scan_is_retried_once(pg_url, queue_name, workers, start_service):
    """SIGKILL the pool process running a scan: its message goes back to the queue
    (acks_late + reject_on_worker_lost) and the job ends with exactly one verdict."""
    _need(REDIS)
    h = _celery(start_service, pg_url, REDIS, queue_name)
    nodes = [_start_worker(workers, h, env=SLOW) for _ in range(2)]
    body = h.upload(malicious_sdist(), "capwatch-test-slow-1.0.tar.gz", wait=0).json()
    wait_until(lambda: _scans(h)[0].status is JobStatus.SCANNING, 30, "the scan to start")
    (scan,) = _scans(h)
    pid = int((scan.claimed_by or "").split("-", 1)[0])
    assert pid in [p for node in nodes for p in node.pool_pids()]  # a pool process holds it
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: _all_done(h, 1), 60, "the verdict after the retry")
    (scan,) = _scans(h)
    assert scan.id == body["id"] and scan.verdict is Verdict.MALICIOUS
    assert scan.attempts == 2
    assert "its task came back" in (scan.last_error or "")
    with h.service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(VerdictChange)) == 0


def test_whole_worker_node_killed_job_finishes_on_another(pg_url, queue_name, workers,
                                                          start_service):
    """RabbitMQ: SIGKILL a whole worker node mid-scan; the broker hands the unacknowledged
    message to the other node, which takes the job over."""
    _need(RABBITMQ)
    h = _celery(start_service, pg_url, RABBITMQ, queue_name)
    first = _start_worker(workers, h, env=SLOW)
    h.upload(clean_sdist(), "capwatch-test-slow-2.0.tar.gz", wait=0)
    wait_until(lambda: _scans(h)[0].status is JobStatus.SCANNING, 30, "the scan to start")
    second = _start_worker(workers, h, env=SLOW)
    first.kill_node()
    wait_until(lambda: _all_done(h, 1), 60, "the verdict from the other node")
    (scan,) = _scans(h)
    assert scan.verdict is Verdict.CLEAN and scan.attempts == 2
    assert second.process.poll() is None


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server binary")
def test_broker_restart_loses_no_job(pg_url, queue_name, workers, start_service, tmp_path):
    """A private redis-server without persistence holds the tasks, is killed and started again
    empty: the relay sees queued jobs and an empty queue and sends their tasks again."""
    redis = PrivateRedis(free_port(), tmp_path)
    redis.start()
    try:
        h = _celery(start_service, pg_url, redis.url, queue_name, redispatch_after=1.0)
        for n in range(3):
            h.upload(clean_sdist(name=f"pkg{n}"), f"pkg{n}-1.0.tar.gz", wait=0)
        wait_until(lambda: all(s.dispatched_at for s in _scans(h)), 20, "the tasks to be sent")
        redis.kill()  # the three messages are gone with it
        redis.start()
        _start_worker(workers, h, concurrency=2)
        wait_until(lambda: _all_done(h, 3), 60, "every verdict after the broker restart")
        assert {s.attempts for s in _scans(h)} == {1}
    finally:
        workers.stop_all()
        redis.kill()


@pytest.mark.skipif(not PrivatePostgres.available(), reason="no PostgreSQL binaries to initdb")
def test_database_restart_is_survived(queue_name, workers, start_service, tmp_path):
    """A private PostgreSQL cluster is stopped for a few seconds while a scan is in flight and
    others are queued: tasks retry with backoff, and every job ends with one verdict."""
    _need(REDIS)
    # not under tmp_path: the postgres user must reach it (pytest's folders are root's only)
    folder = Path(tempfile.mkdtemp(prefix="capwatch-test-pg-"))
    pg = PrivatePostgres(folder, free_port())
    pg.init()
    try:
        h = _celery(start_service, pg.url, REDIS, queue_name)
        _start_worker(workers, h, env={"CAPWATCH_TEST_SLOW_SCAN": "3"})
        h.upload(malicious_sdist(), "capwatch-test-slow-3.0.tar.gz", wait=0)
        for n in range(3):
            h.upload(clean_sdist(name=f"after{n}"), f"after{n}-1.0.tar.gz", wait=0)
        wait_until(lambda: _scans(h)[0].status is JobStatus.SCANNING, 30, "the slow scan")
        pg.stop()
        time.sleep(4)  # the slow scan ends while the database is down
        pg.start()
        wait_until(lambda: _all_done(h, 4), 90, "every verdict after the database restart")
        scans = _scans(h)
        assert scans[0].verdict is Verdict.MALICIOUS
        assert all(s.verdict is Verdict.CLEAN for s in scans[1:])
        assert "OperationalError; retrying" in workers.started[0].output()  # it was down
    finally:
        workers.stop_all()
        pg.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
