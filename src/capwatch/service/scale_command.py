"""The ``capwatch worker``, ``capwatch backfill`` and ``capwatch rescan`` subcommands, and the
queue options ``serve`` shares with them (``--queue``, ``--broker``, ``--task-queue``,
``--log-format``). Celery is imported only when a command runs in Celery mode.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket
import sys
from pathlib import Path
from typing import Any

from capwatch.errors import UsageError

EXIT_OK = 0
BROKER_ENV = "CAPWATCH_BROKER_URL"
QUEUE_ENV = "CAPWATCH_QUEUE"


def add_queue_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scale-out (Celery workers)")
    group.add_argument(
        "--queue", choices=["embedded", "celery"], default=os.environ.get(QUEUE_ENV, "embedded"),
        help="where scans run: embedded = worker processes of 'capwatch serve' (nothing else to "
        "run); celery = 'capwatch worker' processes through --broker (default: $CAPWATCH_QUEUE "
        "or embedded)",
    )
    group.add_argument(
        "--broker", metavar="URL", default=os.environ.get(BROKER_ENV, "redis://127.0.0.1:6379/0"),
        help="Celery broker, redis://HOST:PORT/DB or amqp://USER:PASS@HOST:5672// (default: "
        f"${BROKER_ENV} or redis://127.0.0.1:6379/0)",
    )
    group.add_argument("--task-queue", default="capwatch-scans", metavar="NAME",
                       help="broker queue of the scan tasks (default: capwatch-scans)")
    group.add_argument("--log-format", choices=["text", "json"], default="text",
                       help="log lines as text or one JSON object per line (default: text)")


def queue_settings(args: argparse.Namespace, settings: Any) -> Any:
    """``settings`` with the queue options of ``args`` applied."""
    from capwatch.service.settings import QueueMode

    if args.queue not in {mode.value for mode in QueueMode}:
        raise UsageError(f"--queue (or ${QUEUE_ENV}) must be embedded or celery, got {args.queue!r}")
    if args.queue == "celery" and not args.broker.startswith(("redis://", "rediss://", "amqp://",
                                                               "amqps://", "pyamqp://")):
        raise UsageError(f"--broker must be a redis:// or amqp:// URL, got {args.broker!r}")
    return dataclasses.replace(
        settings, queue=QueueMode(args.queue), broker_url=args.broker, task_queue=args.task_queue,
    )


def _common(parser: argparse.ArgumentParser, *, queue: bool = True) -> None:
    from capwatch.service.command import _db_and_data

    _db_and_data(parser)
    if queue:
        add_queue_options(parser)


def _limit(value: str) -> tuple[str, str]:
    from capwatch.service.command import _limit as parse

    return parse(value)


def register_worker(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "worker", help="run a Celery scan worker (scale-out mode)",
        description="Run a Celery worker that scans the artifacts 'capwatch serve --queue celery' "
        "(and 'backfill', 'rescan') enqueue: same --db (PostgreSQL), same artifact store "
        "(--data-dir on shared storage), same --broker. Start as many as you like, on as many "
        "machines; see docs/operations.md.",
    )
    _common(parser)
    parser.add_argument("-c", "--concurrency", type=int, default=0,
                        help="scan processes of this worker (default: one per core)")
    parser.add_argument("--max-attempts", type=int, default=3,
                        help="scan attempts per artifact before 'error' (default: 3)")
    parser.add_argument("--limit", action="append", type=_limit, default=[], metavar="NAME=VALUE",
                        help="override an analysis limit, as for 'capwatch scan' (repeatable)")
    parser.add_argument("-n", "--hostname", default=None,
                        help="worker node name (default: capwatch-PID@HOST)")
    from capwatch.service.command import add_intel_options

    add_intel_options(parser)
    return parser


def register_backfill(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "backfill", help="enqueue every artifact of an index or a list, resumably",
        description="Submit a large set of artifacts to the review service's database and queue: "
        "every file of a package index (--index), the files changed after a changelog serial "
        "(--index --since), or a list of paths or URLs (--from-file). Streams (memory stays "
        "flat), prints progress, and resumes where an interrupted run stopped.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--index", metavar="URL", help="simple API root, e.g. "
                        "https://pypi.org/simple/")
    source.add_argument("--from-file", type=Path, metavar="LIST",
                        help="one artifact path or URL per line (first tab-separated field)")
    parser.add_argument("--since", type=int, metavar="SERIAL",
                        help="with --index: only releases changed after this changelog serial "
                        "(XML-RPC feed)")
    parser.add_argument("--rate", type=float, default=5.0, metavar="R",
                        help="at most R requests per second to the index or URLs (default: 5; "
                        "0: no limit)")
    parser.add_argument("--max", type=int, default=None, metavar="N",
                        help="stop after N artifacts (the next run goes on from there)")
    parser.add_argument("--max-upload-mb", type=float, default=100.0,
                        help="skip artifacts larger than this, in MiB (default: 100)")
    _common(parser)
    return parser


def register_rescan(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "rescan", help="re-scan artifacts whose verdict came from another rule-set version",
        description="Queue again every finished scan whose rule-set version differs from this "
        "capwatch's. Old verdicts stay until new ones are recorded; changed verdicts are logged "
        "(verdict_changes) and newly malicious artifacts go to the top of the reviewer queue.",
    )
    parser.add_argument("--dry-run", action="store_true", help="only count them")
    parser.add_argument("--max", type=int, default=None, metavar="N",
                        help="queue at most N (the next run queues the rest)")
    _common(parser)
    return parser


def _base_settings(args: argparse.Namespace, **values: Any) -> Any:
    from capwatch.service.logs import configure
    from capwatch.service.settings import LogFormat, ServiceSettings

    configure(LogFormat(args.log_format))
    settings = ServiceSettings(data_dir=args.data_dir.expanduser(), db_url=args.db, **values)
    return queue_settings(args, settings)


def run_worker(args: argparse.Namespace) -> int:
    from capwatch.config import Limits
    from capwatch.service.database import make_engine, migrate
    from capwatch.service.settings import QueueMode

    if args.concurrency < 0:
        raise UsageError("--concurrency takes a positive number (0: one per core)")
    if args.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    args.queue = "celery"
    from capwatch.service.command import intel_db_from

    settings = _base_settings(
        args, max_attempts=args.max_attempts, limits=Limits().with_overrides(dict(args.limit)),
        intel_db=intel_db_from(args),
    )
    assert settings.queue is QueueMode.CELERY
    engine = make_engine(settings.database_url)
    migrate(engine)  # workers may start before the first serve
    engine.dispose()
    from capwatch.batch import default_jobs
    from capwatch.service.celery_tasks import make_celery

    app = make_celery(settings)
    hostname = args.hostname or f"capwatch-{os.getpid()}@{socket.gethostname()}"
    argv = [
        "worker", "--queues", settings.task_queue, "--hostname", hostname,
        "--concurrency", str(args.concurrency or default_jobs()), "--pool", "prefork",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle",
    ]
    print(f"capwatch worker {hostname}: queue {settings.task_queue} on "
          f"{_redact(settings.broker_url)}, database {_redact(settings.database_url)}",
          file=sys.stderr)
    app.worker_main(argv)
    return EXIT_OK


def _redact(url: str) -> str:
    from capwatch.sources.transport import redact_url

    return redact_url(url)


def _enqueuing_service(settings: Any) -> Any:
    """A service that only enqueues: the database migrated, the relay running in Celery mode,
    no scan workers (embedded ``serve`` processes scan what is queued in the database)."""
    from capwatch.service.database import migrate
    from capwatch.service.runtime import Service

    service = Service(settings)
    migrate(service.engine)
    if service.relay is not None:
        service.relay.start()
    return service


def _close(service: Any) -> None:
    if service.relay is not None:
        service.relay.stop()
        if not service.relay.flush():
            print("some tasks could not be sent (broker down?); a running 'serve --queue "
                  "celery' or the next run sends them", file=sys.stderr)
        service.relay.close()
    service.engine.dispose()


def run_backfill(args: argparse.Namespace) -> int:
    from capwatch.service.backfill import Progress, backfill_index, backfill_list
    from capwatch.service.settings import MiB

    if args.since is not None and args.index is None:
        raise UsageError("--since goes with --index")
    if args.rate < 0:
        raise UsageError("--rate takes a positive number (0: no limit)")
    if args.index is not None and not args.index.startswith(("http://", "https://")):
        raise UsageError(f"--index must be an http(s) URL, got {args.index!r}")
    settings = _base_settings(args, max_upload_bytes=int(args.max_upload_mb * MiB))
    service = _enqueuing_service(settings)

    def report(progress: Progress) -> None:
        print(f"backfill: {progress.line()}", file=sys.stderr, flush=True)

    try:
        if args.from_file is not None:
            progress = backfill_list(service, args.from_file, rate=args.rate or None,
                                     report=report, limit=args.max)
        else:
            progress = backfill_index(service, args.index, since=args.since,
                                      rate=args.rate or None, report=report)
    except KeyboardInterrupt:
        print("backfill: interrupted; run the same command again to go on", file=sys.stderr)
        return 130
    finally:
        _close(service)
    print(f"backfill done: {progress.line()}", file=sys.stderr)
    return EXIT_OK


def run_rescan(args: argparse.Namespace) -> int:
    from capwatch.service import rescan
    from capwatch.service.jobs import current_ruleset

    settings = _base_settings(args)
    service = _enqueuing_service(settings)
    try:
        ruleset = current_ruleset()
        planned = rescan.plan(service.sessions, ruleset)
        print(f"rule set {ruleset}: {planned.stale} finished scan(s) came from another rule set",
              file=sys.stderr)
        if args.dry_run or not planned.stale:
            return EXIT_OK
        count = rescan.requeue(service.sessions, ruleset, limit=args.max)
        service.wake()
        print(f"queued {count} re-scan(s); verdict changes are recorded in verdict_changes",
              file=sys.stderr)
    finally:
        _close(service)
    return EXIT_OK
