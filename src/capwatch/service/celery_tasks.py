"""Celery mode: the Celery application, the scan task, and the producer side (sending tasks,
reading the broker queue's depth).

Only imported when ``queue`` is ``celery`` (``capwatch worker``, ``serve --queue celery``,
``backfill`` and ``rescan`` in Celery mode): the embedded default never imports Celery nor
connects to a broker.

The task (:data:`TASK_NAME`) carries the artifact's sha256 and the rule-set version of the
sender; it runs :func:`capwatch.service.scanjob.run_job`. Settings that make it safe:

* ``acks_late`` and ``task_reject_on_worker_lost``: a message is acknowledged after its task
  returned; a worker process killed mid-scan sends it back to the queue, and the execution that
  gets it takes the job over (the claim names the task id) and counts the lost attempt;
* ``worker_prefetch_multiplier = 1``: a worker reserves one message per process, so a long scan
  does not hold others back;
* a soft time limit of the engine's ``seconds`` limit plus a grace period (the attempt is
  recorded failed and retried) and a hard ``time_limit`` 10 s later (the process is ended);
* database and broker errors are retried with exponential backoff (at most
  :data:`MAX_BACKOFF` s apart), up to :data:`MAX_RETRIES` times.
"""

from __future__ import annotations

import logging
import os
import random
from typing import TYPE_CHECKING

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import DBAPIError, OperationalError

from capwatch.service.database import make_engine, session_factory
from capwatch.service.jobs import current_ruleset
from capwatch.service.scanjob import JobContext, Outcome, run_job
from capwatch.service.store import ArtifactStore

if TYPE_CHECKING:
    from capwatch.service.settings import ServiceSettings

log = logging.getLogger("capwatch.service")

TASK_NAME = "capwatch.scan"
MAX_RETRIES = 20
MAX_BACKOFF = 30.0
TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, DBAPIError, BrokerError, OSError)
"""Errors a later attempt may not meet: the database or the broker was down or restarting."""


def backoff(retries: int) -> float:
    """Seconds before retry number ``retries + 1``: 1, 2, 4... at most MAX_BACKOFF, jittered."""
    base: float = min(2.0**retries, MAX_BACKOFF)
    return base * random.uniform(0.5, 1.0)


def make_celery(settings: ServiceSettings) -> Celery:
    """The Celery application for ``settings`` (broker, queue, limits); registers the task."""
    app = Celery("capwatch", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=settings.task_queue,
        task_soft_time_limit=settings.hard_seconds,
        task_time_limit=settings.hard_seconds + 10,
        task_serializer="json",
        accept_content=["json"],
        # Redis: an unacknowledged message goes back to the queue after this long; it must
        # outlast the longest task, or a running scan would be handed out again.
        broker_transport_options={"visibility_timeout": max(3600.0, 4 * settings.lease_seconds)},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        task_publish_retry=True,
        task_publish_retry_policy={
            "max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2.0,
        },
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    _register(app, settings)
    return app


_contexts: dict[int, JobContext] = {}


def _context(settings: ServiceSettings) -> JobContext:
    """This process's database engine and store (made after the fork, once per process)."""
    pid = os.getpid()
    context = _contexts.get(pid)
    if context is None:
        engine = make_engine(settings.database_url)
        context = JobContext(
            sessions=session_factory(engine),
            store_path=ArtifactStore(settings.artifacts_dir).path_for,
            options=settings.scan_options,
            max_attempts=settings.max_attempts,
            lease_seconds=settings.lease_seconds,
        )
        _contexts.clear()
        _contexts[pid] = context
    return context


def _register(app: Celery, settings: ServiceSettings) -> None:
    @app.task(  # type: ignore[untyped-decorator]
        name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True,
        max_retries=MAX_RETRIES,
    )
    def scan(self: Task, sha256: str, ruleset: str | None = None) -> str:
        task_id = str(self.request.id)
        try:
            outcome, scan_id = run_job(
                _context(settings), sha256, task_id, timeouts=(SoftTimeLimitExceeded,)
            )
        except TRANSIENT as exc:
            delay = backoff(self.request.retries)
            log.warning("task %s for %s: %s; retrying in %.1f s", task_id, sha256[:12],
                        type(exc).__name__, delay,
                        extra={"task_id": task_id, "sha256": sha256, "retry": delay})
            raise self.retry(exc=exc, countdown=delay) from None
        if outcome is Outcome.REQUEUED:
            raise self.retry(countdown=backoff(self.request.retries))
        if ruleset is not None and ruleset != current_ruleset():
            log.info("scan %s ran under rule set %s (the sender had %s)", scan_id,
                     current_ruleset(), ruleset)
        return str(outcome.value)


def send_scan(app: Celery, settings: ServiceSettings, sha256: str) -> str:
    """Publish one scan task; returns its task id. Raises on a broker that stays down."""
    result = app.send_task(TASK_NAME, args=[sha256, current_ruleset()], queue=settings.task_queue)
    return str(result.id)


def queue_depth(app: Celery, settings: ServiceSettings) -> int:
    """Messages waiting in the broker queue (not counting those reserved by workers)."""
    from amqp.exceptions import NotFound
    from kombu.exceptions import ChannelError

    with app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1)
        try:
            ok = connection.default_channel.queue_declare(
                queue=settings.task_queue, passive=True
            )
        except (ChannelError, NotFound):  # no queue yet: nothing waiting
            return 0
        return int(ok.message_count)
