"""Service settings: one frozen dataclass, filled from the ``capwatch serve`` command line."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from capwatch.config import Limits

MiB = 1024 * 1024

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "capwatch"


class TimeoutPolicy(enum.Enum):
    """The gate an upload gets when the caller waited and no verdict came in time (or the scan
    itself failed): ``open`` lets it through (``allow``), ``closed`` holds it (``hold``)."""

    OPEN = "open"
    CLOSED = "closed"


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
    inspector_base_url: str = "https://inspector.pypi.io/project"
    """Base of the inspector links in observation bodies."""
    public_url: str = "http://127.0.0.1:8000"
    """Where the service itself is reachable (links in reports)."""
    secure_cookies: bool = False
    """Mark the session cookie ``Secure`` (set when served over HTTPS)."""
    session_hours: float = 12.0
    """How long a reviewer's session cookie stays valid."""

    @property
    def database_url(self) -> str:
        return self.db_url or sqlite_url(self.data_dir)

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"
