"""Service settings: one frozen dataclass, filled from the ``capwatch serve`` command line."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from capwatch.config import Limits

if TYPE_CHECKING:
    from capwatch.engine import ScanOptions

MiB = 1024 * 1024

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "capwatch"


class TimeoutPolicy(enum.Enum):
    """The gate an upload gets when the caller waited and no verdict came in time (or the scan
    itself failed): ``open`` lets it through (``allow``), ``closed`` holds it (``hold``)."""

    OPEN = "open"
    CLOSED = "closed"


class QueueMode(enum.Enum):
    """Where scan jobs run: worker processes inside ``capwatch serve`` (the default, nothing else
    to run), or Celery tasks on ``capwatch worker`` processes (a broker and a shared database and
    artifact store)."""

    EMBEDDED = "embedded"
    CELERY = "celery"


class LogFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"
    """One JSON object per line (time, level, logger, message, and the record's extra fields)."""


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'capwatch.db'}"


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    data_dir: Path = DEFAULT_DATA_DIR
    """Artifact store (``artifacts/``), the embedded database and the session key live here."""
    db_url: str | None = None
    """SQLAlchemy URL; ``None`` means SQLite in ``data_dir``. PostgreSQL: ``postgresql+psycopg://``."""
    workers: int = 0
    """Scan worker processes; 0 means one per core."""
    max_upload_bytes: int = 100 * MiB
    """Largest upload accepted; larger ones get 413."""
    max_wait_seconds: float = 10.0
    """The most an upload may ask to ``wait`` for its verdict."""
    hold_suspicious: bool = False
    """Whether a ``suspicious`` verdict holds the upload (``malicious`` always does)."""
    on_timeout: TimeoutPolicy = TimeoutPolicy.CLOSED
    """Gate when the caller waited and no verdict came in time, or the scan ended in ``error``."""
    max_attempts: int = 3
    """Scan attempts per artifact (a worker killed mid-scan, a restart) before ``error``."""
    limits: Limits = field(default_factory=Limits)
    """Analysis limits passed to the engine."""
    intel_db: Path | None = None
    """Known-malware index (``capwatch intel import``) every scan consults, as ``capwatch scan
    --intel-db`` does; None: none."""
    inspector_base_url: str = "https://inspector.pypi.io"
    """Base of the inspector links in observation bodies (``<base>/project/<name>/...``)."""
    public_url: str = "http://127.0.0.1:8000"
    """Where the service itself is reachable (links in reports)."""
    secure_cookies: bool = False
    """Mark the session cookie ``Secure`` (set when served over HTTPS)."""
    session_hours: float = 12.0
    """How long a reviewer's session cookie stays valid."""
    observations_url: str | None = None
    """The registry's observations API root (PyPI: ``https://pypi.org/danger-api``); None: no
    reports are sent."""
    observations_token: str | None = field(default=None, repr=False)
    """The bearer token for ``observations_url`` (never shown in a repr or a log line)."""
    report_auto_malicious: bool = False
    """Also report ``malicious`` verdicts automatically, before any reviewer decision."""
    report_max_attempts: int = 5
    """Attempts per observation (connection errors, 5xx, 429) before it is recorded failed."""
    report_backoff: float = 2.0
    """Seconds before the second attempt; doubled after each failure."""
    report_timeout: float = 30.0
    """Network timeout per attempt, in seconds."""
    watch_indexes: tuple[str, ...] = ()
    """Simple API roots the service watches (one watcher thread each)."""
    watch_interval: float = 60.0
    """Seconds between the starts of two polls of a watched index."""
    watch_feed: str = "auto"
    """The change feed of watched indexes: ``auto``, ``xmlrpc``, ``rss`` or ``none``."""
    watch_timeout: float = 30.0
    """Network timeout per request to a watched index (a stop waits at most this long)."""

    queue: QueueMode = QueueMode.EMBEDDED
    """Where scans run (see :class:`QueueMode`)."""
    broker_url: str = "redis://127.0.0.1:6379/0"
    """Celery mode: the broker (``redis://...`` or ``amqp://...``)."""
    task_queue: str = "capwatch-scans"
    """Celery mode: the broker queue the scan tasks go to."""
    redispatch_after: float = 60.0
    """Celery mode: a job still ``queued`` this many seconds after its task was sent, while the
    broker queue is empty, is sent again (its message was lost, e.g. a broker restart without
    persistence). Duplicates are harmless: a task only runs a job it can claim."""
    relay_interval: float = 1.0
    """Celery mode: seconds between two looks at the outbox (it is also woken by each submit)."""

    @property
    def scan_options(self) -> ScanOptions:
        """What the engine is given for every scan (the same options ``capwatch scan`` builds)."""
        from capwatch.engine import ScanOptions

        return ScanOptions(limits=self.limits, intel_db=self.intel_db)

    @property
    def hard_seconds(self) -> float:
        """The hard time limit per artifact: the engine's own limit plus a grace period."""
        return self.limits.seconds + 10.0

    @property
    def lease_seconds(self) -> float:
        """A ``scanning`` job older than this has lost its worker (whatever the broker says)."""
        return self.hard_seconds + 30.0

    @property
    def database_url(self) -> str:
        return self.db_url or sqlite_url(self.data_dir)

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"
