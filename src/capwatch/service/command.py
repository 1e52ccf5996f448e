"""The ``capwatch serve`` and ``capwatch admin`` subcommands.

Heavy imports (FastAPI, SQLAlchemy, uvicorn) happen only when these commands run, so ``capwatch
scan`` starts as fast as before.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from capwatch.errors import UsageError

EXIT_OK = 0
TOKEN_ENV = "CAPWATCH_OBSERVATIONS_TOKEN"
"""Where the observations token comes from without --observations-token-file."""


def _limit(value: str) -> tuple[str, str]:
    name, sep, number = value.partition("=")
    if not sep or not name.strip() or not number.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), number.strip()


def _db_and_data(parser: argparse.ArgumentParser) -> None:
    from capwatch.service.settings import DEFAULT_DATA_DIR

    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR,
        help=f"artifact store, embedded database and session key (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--db", metavar="URL",
        help="SQLAlchemy database URL, e.g. postgresql://user@host/db (default: SQLite in "
        "--data-dir)",
    )


def add_intel_options(parser: argparse.ArgumentParser) -> None:
    """``--intel-db FILE`` / ``--no-intel``, as for ``capwatch scan``."""
    intel = parser.add_mutually_exclusive_group()
    intel.add_argument(
        "--intel-db", type=Path, metavar="FILE",
        help="known-malware index from 'capwatch intel import' that every scan consults "
        "(default: the one 'capwatch scan' uses, in the cache directory, when it exists)",
    )
    intel.add_argument("--no-intel", action="store_true",
                       help="do not consult a known-malware index")


def intel_db_from(args: argparse.Namespace) -> Path | None:
    """The index ``--intel-db``/``--no-intel`` ask for (the default one when it exists)."""
    from capwatch.intel import default_intel_db

    if args.intel_db is not None:
        path: Path = args.intel_db.expanduser()
        if not path.is_file():
            raise UsageError(
                f"--intel-db {args.intel_db}: no such index (create it with 'capwatch intel import')"
            )
        return path.resolve()
    if args.no_intel:
        return None
    default = default_intel_db()
    return default if default.is_file() else None


def register_serve(sub: Any) -> argparse.ArgumentParser:
    from capwatch.service.feeds import FEED_KINDS

    parser: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the review service (API and reviewer web UI)",
        description=(
            "Run the review service: a JSON API for uploads and reviews (OpenAPI at "
            "/openapi.json), a reviewer web UI at /, and scan workers on every core. The "
            "database schema is migrated at start; scans interrupted by a stop are resumed."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    _db_and_data(parser)
    parser.add_argument("-j", "--workers", type=int, default=0,
                        help="scan worker processes (default: one per core)")
    parser.add_argument("--max-upload-mb", type=float, default=100.0,
                        help="largest upload accepted, in MiB (default: 100)")
    parser.add_argument("--hold-suspicious", action="store_true",
                        help="gate 'hold' for suspicious verdicts too (default: only malicious)")
    parser.add_argument(
        "--on-timeout", choices=["open", "closed"], default="closed",
        help="gate when an upload waited and no verdict came, or the scan failed: open = "
        "allow, closed = hold (default: closed)",
    )
    parser.add_argument("--max-attempts", type=int, default=3,
                        help="scan attempts per artifact before 'error' (default: 3)")
    parser.add_argument("--inspector-url", default="https://inspector.pypi.io",
                        help="base of inspector links in observation bodies (default: "
                        "https://inspector.pypi.io)")
    parser.add_argument("--public-url", default=None,
                        help="URL the service is reached at (default: http://HOST:PORT)")
    parser.add_argument("--secure-cookies", action="store_true",
                        help="mark the session cookie Secure (serve behind HTTPS)")
    parser.add_argument("--limit", action="append", type=_limit, default=[], metavar="NAME=VALUE",
                        help="override an analysis limit, as for 'capwatch scan' (repeatable)")
    add_intel_options(parser)
    report = parser.add_argument_group("reporting to the registry")
    report.add_argument(
        "--observations-url", metavar="URL",
        help="the registry's observations API root (PyPI: https://pypi.org/danger-api); a "
        "reviewer's 'malicious' decision is sent there (default: nothing is sent)",
    )
    report.add_argument(
        "--observations-token-file", type=Path, metavar="FILE",
        help=f"file holding the token for --observations-url (default: ${TOKEN_ENV})",
    )
    report.add_argument("--report-auto-malicious", action="store_true",
                        help="also send 'malicious' verdicts at once, before any reviewer decision")
    report.add_argument("--report-attempts", type=int, default=5, metavar="N",
                        help="attempts per observation before it is recorded failed (default: 5)")
    from capwatch.service.scale_command import add_queue_options

    add_queue_options(parser)
    watch = parser.add_argument_group("watching a package index")
    watch.add_argument(
        "--watch-index", action="append", default=[], metavar="URL",
        help="poll this simple API root (e.g. https://pypi.org/simple/) for new files and scan "
        "them (repeatable)",
    )
    watch.add_argument("--watch-interval", type=float, default=60.0, metavar="S",
                       help="seconds between the starts of two polls (default: 60)")
    watch.add_argument("--watch-feed", choices=list(FEED_KINDS), default="auto",
                       help="change feed of the watched index (default: auto, as for "
                       "'capwatch watch')")
    return parser


def _observations_token(args: argparse.Namespace) -> str | None:
    if args.observations_token_file is not None:
        try:
            path: Path = args.observations_token_file.expanduser()
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                f"cannot read --observations-token-file {args.observations_token_file}: {exc}"
            ) from None
        if not token:
            raise UsageError(f"--observations-token-file {args.observations_token_file} is empty")
        return token
    return os.environ.get(TOKEN_ENV, "").strip() or None


def register_admin(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "admin", help="administer the review service (tokens)",
        description="Administer the review service's database.",
    )
    actions = parser.add_subparsers(dest="admin_command", metavar="ACTION")
    create = actions.add_parser(
        "create-token", help="create an API token and print it once",
        description="Create a token with a role and print it; only its hash is stored, so it "
        "cannot be shown again.",
    )
    create.add_argument("--role", required=True, choices=["uploader", "reviewer", "admin"])
    create.add_argument("--name", required=True, help="who or what the token is for")
    _db_and_data(create)
    revoke = actions.add_parser("revoke-token", help="revoke every token with this name")
    revoke.add_argument("--name", required=True)
    _db_and_data(revoke)
    return parser


def settings_from(args: argparse.Namespace) -> Any:
    from capwatch.config import Limits
    from capwatch.service.settings import MiB, ServiceSettings, TimeoutPolicy

    if args.workers < 0:
        raise UsageError("--workers takes a positive number (0 means one per core)")
    if args.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    if args.max_upload_mb <= 0:
        raise UsageError("--max-upload-mb must be positive")
    if args.report_attempts < 1:
        raise UsageError("--report-attempts must be at least 1")
    if args.watch_interval <= 0:
        raise UsageError("--watch-interval takes a positive number of seconds")
    for url in args.watch_index:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--watch-index must be an http(s) URL, got {url!r}")
    token = None
    if args.observations_url is not None:
        if not args.observations_url.startswith(("http://", "https://")):
            raise UsageError(
                f"--observations-url must be an http(s) URL, got {args.observations_url!r}"
            )
        token = _observations_token(args)
        if token is None:
            raise UsageError(
                f"--observations-url needs a token: pass --observations-token-file FILE or set "
                f"{TOKEN_ENV}"
            )
    elif args.report_auto_malicious:
        raise UsageError("--report-auto-malicious needs --observations-url")
    from capwatch.service.scale_command import queue_settings

    return queue_settings(args, ServiceSettings(
        data_dir=args.data_dir.expanduser(),
        db_url=args.db,
        workers=args.workers,
        max_upload_bytes=int(args.max_upload_mb * MiB),
        hold_suspicious=args.hold_suspicious,
        on_timeout=TimeoutPolicy(args.on_timeout),
        max_attempts=args.max_attempts,
        limits=Limits().with_overrides(dict(args.limit)),
        intel_db=intel_db_from(args),
        inspector_base_url=args.inspector_url,
        public_url=args.public_url or f"http://{args.host}:{args.port}",
        secure_cookies=args.secure_cookies,
        observations_url=args.observations_url,
        observations_token=token,
        report_auto_malicious=args.report_auto_malicious,
        report_max_attempts=args.report_attempts,
        watch_indexes=tuple(args.watch_index),
        watch_interval=args.watch_interval,
        watch_feed=args.watch_feed,
    ))


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from capwatch.service.app import create_app
    from capwatch.service.runtime import Service
    from capwatch.sources.transport import redact_url

    settings = settings_from(args)
    service = Service(settings)
    print(
        f"capwatch review service: open {settings.public_url}/ (API {settings.public_url}"
        f"/api/v1, OpenAPI {settings.public_url}/openapi.json); data in {settings.data_dir}",
        file=sys.stderr,
    )
    if args.log_format == "json":
        from capwatch.service.logs import configure
        from capwatch.service.settings import LogFormat

        configure(LogFormat.JSON)
    elif settings.watch_indexes or settings.observations_url is not None:
        # What the watcher and the reporter do (files submitted, reports sent) goes to stderr
        # next to uvicorn's own lines.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     capwatch: %(message)s"))
        logger = logging.getLogger("capwatch")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    for index in settings.watch_indexes:
        print(f"watching {redact_url(index)} every {settings.watch_interval:g} s", file=sys.stderr)
    if settings.observations_url is not None:
        what = "decisions and verdicts" if settings.report_auto_malicious else "decisions"
        print(f"reporting malicious {what} to {redact_url(settings.observations_url)}",
              file=sys.stderr)
    if settings.intel_db is not None:
        print(f"known-malware index: {settings.intel_db}", file=sys.stderr)
    if settings.queue.value == "celery":
        print(f"scans run on 'capwatch worker' processes: queue {settings.task_queue} on "
              f"{redact_url(settings.broker_url)}", file=sys.stderr)
    uvicorn.run(create_app(service), host=args.host, port=args.port, log_level="info")
    return EXIT_OK


def run_admin(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import update

    from capwatch.service.auth import create_token
    from capwatch.service.database import make_engine, migrate, session_factory
    from capwatch.service.schema import Role, Token
    from capwatch.service.settings import sqlite_url

    if args.admin_command is None:
        raise UsageError("capwatch admin needs an action: create-token or revoke-token")
    engine = make_engine(args.db or sqlite_url(args.data_dir.expanduser()))
    try:
        migrate(engine)
        with session_factory(engine)() as session:
            if args.admin_command == "create-token":
                token = create_token(session, args.name, Role(args.role))
                print(token)
                print(f"created {args.role} token '{args.name}'; it is shown only this once",
                      file=sys.stderr)
                return EXIT_OK
            changed = session.execute(
                update(Token).where(Token.name == args.name, Token.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
            session.commit()
            count = int(changed.rowcount)  # type: ignore[attr-defined]
            if not count:
                raise UsageError(f"no active token named '{args.name}'")
            print(f"revoked {count} token(s) named '{args.name}'", file=sys.stderr)
            return EXIT_OK
    finally:
        engine.dispose()
