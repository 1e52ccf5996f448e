"""Where an index watcher keeps its place: files seen, projects pending, feed positions.

:class:`CursorStore` is what :class:`~capwatch.service.watcher.IndexWatcher` needs;
:class:`SqliteCursorStore` keeps it in a SQLite file, so a restarted watcher neither submits a
file twice nor loses a change it had read from the feed but not yet handled. One file can hold the
cursors of several indexes: every row is keyed by the index URL.

Every change is committed at once (the store is small and writes are rare: one per file
submitted), so a watcher killed at any point resumes where it was.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from capwatch.errors import SourceError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_files (
    index_url TEXT NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT,
    outcome TEXT NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (index_url, filename)
);
CREATE TABLE IF NOT EXISTS pending_projects (
    index_url TEXT NOT NULL,
    project TEXT NOT NULL,
    version TEXT NOT NULL,
    added_at REAL NOT NULL,
    PRIMARY KEY (index_url, project, version)
);
CREATE TABLE IF NOT EXISTS positions (
    index_url TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (index_url, name)
);
"""


@dataclass(frozen=True, slots=True)
class Pending:
    """A queued project."""

    versions: frozenset[str] | None
    """The versions that changed, as the feed named them (None: look at every version)."""
    queued_at: float
    """When the oldest of its queue entries was written (seconds since the epoch)."""


_ALL = ""
"""The ``version`` of a queued project whose every version is to be looked at."""


class CursorStore(Protocol):
    """A watcher's memory for one index."""

    def is_seen(self, filename: str) -> bool:
        """Whether ``filename`` was handled already (submitted, or skipped for good)."""
        ...

    def mark_seen(self, filename: str, *, sha256: str | None, outcome: str) -> None:
        """Remember ``filename`` as handled; ``outcome`` says how (``submitted``, ``skipped: ...``)."""
        ...

    def pending(self) -> dict[str, Pending]:
        """Projects known to have changed and not yet handled, oldest first."""
        ...

    def add_pending(self, changes: Iterable[tuple[str, str | None]]) -> None:
        """Queue ``(project, version)`` pairs to look at; version None means every version."""
        ...

    def done(self, project: str, versions: Iterable[str] | None = None) -> None:
        """Take ``versions`` of ``project`` off the queue (None: the whole project)."""
        ...

    def position(self, name: str) -> str | None:
        """A stored position (feed serial, a project's last serial ...), or None."""
        ...

    def set_position(self, name: str, value: str) -> None:
        """Store a position."""
        ...


class SqliteCursorStore:
    """A :class:`CursorStore` in a SQLite file (created on first use), for one index."""

    def __init__(self, path: Path | str, index_url: str) -> None:
        self.path = Path(path)
        self.index_url = index_url
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30.0, check_same_thread=False)
            self._db.executescript(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise SourceError(
                f"cannot open the watcher state file {path}: {exc}",
                diagnostic=(
                    f"cannot open the watcher state file {path}: {exc}; pass a writable path "
                    "with --state"
                ),
            ) from None
        self._lock = threading.Lock()

    def is_seen(self, filename: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM seen_files WHERE index_url = ? AND filename = ?",
                (self.index_url, filename),
            ).fetchone()
        return row is not None

    def mark_seen(self, filename: str, *, sha256: str | None, outcome: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO seen_files VALUES (?, ?, ?, ?, ?)",
            (self.index_url, filename, sha256, outcome, time.time()),
        )

    def seen_count(self) -> int:
        """How many files of this index were handled."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM seen_files WHERE index_url = ?", (self.index_url,)
            ).fetchone()
        return int(row[0])

    def pending(self) -> dict[str, Pending]:
        with self._lock:
            rows = self._db.execute(
                "SELECT project, version, added_at FROM pending_projects WHERE index_url = ? "
                "ORDER BY added_at, project",
                (self.index_url,),
            ).fetchall()
        versions: dict[str, set[str] | None] = {}
        since: dict[str, float] = {}
        for project, version, added_at in rows:
            name = str(project)
            since.setdefault(name, float(added_at))
            known = versions.setdefault(name, set())
            if version == _ALL:
                versions[name] = None
            elif known is not None:
                known.add(str(version))
        return {
            name: Pending(None if found is None else frozenset(found), since[name])
            for name, found in versions.items()
        }

    def add_pending(self, changes: Iterable[tuple[str, str | None]]) -> None:
        now = time.time()
        rows = [(self.index_url, project, _ALL if version is None else version, now)
                for project, version in changes]
        if rows:
            with self._lock:
                self._db.executemany(
                    "INSERT OR IGNORE INTO pending_projects VALUES (?, ?, ?, ?)", rows
                )
                self._db.commit()

    def done(self, project: str, versions: Iterable[str] | None = None) -> None:
        if versions is None:
            self._write(
                "DELETE FROM pending_projects WHERE index_url = ? AND project = ?",
                (self.index_url, project),
            )
            return
        with self._lock:
            self._db.executemany(
                "DELETE FROM pending_projects WHERE index_url = ? AND project = ? AND version = ?",
                [(self.index_url, project, version) for version in versions],
            )
            self._db.commit()

    def position(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM positions WHERE index_url = ? AND name = ?",
                (self.index_url, name),
            ).fetchone()
        return None if row is None else str(row[0])

    def set_position(self, name: str, value: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO positions VALUES (?, ?, ?)", (self.index_url, name, value)
        )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        with self._lock:
            self._db.execute(sql, params)
            self._db.commit()
