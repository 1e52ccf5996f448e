"""Named cursors kept in the service database, so a watcher's position survives restarts.

:class:`DbCursorStore` keeps named values in the ``cursors`` table: ``get`` returns the last
value saved under a name, ``set`` saves one (insert or update, committed at once), ``items``
lists the values under a name prefix and ``delete`` removes names.

:class:`DbWatchCursor` is the index watcher's :class:`~capwatch.service.cursor.CursorStore` on
top of it, used when the watcher runs inside ``capwatch serve``: the files seen, the queue of
changed projects and the feed positions of one index live in the service's own database (SQLite
or PostgreSQL, whichever ``--db`` names), next to the scans they led to, with no second state
file. Names are ``watch:<16 hex of the index URL>:<kind>:<key>``; a key too long for the column
is replaced by its sha256 (the value keeps what the name cannot).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.cursor import Pending
from capwatch.service.schema import Cursor, utcnow

NAME_MAX = 500
"""Length of the ``cursors.name`` column."""


class DbCursorStore:
    def __init__(self, sessions: sessionmaker[Session], prefix: str = "") -> None:
        self.sessions = sessions
        self.prefix = prefix

    def get(self, name: str) -> str | None:
        with self.sessions() as session:
            row = session.get(Cursor, self.prefix + name)
            return None if row is None else row.value

    def set(self, name: str, value: str) -> None:
        self.set_many({name: value})

    def set_many(self, values: dict[str, str]) -> None:
        """Save several values in one transaction."""
        if not values:
            return
        with self.sessions() as session:
            for name, value in values.items():
                row = session.get(Cursor, self.prefix + name)
                if row is None:
                    session.add(Cursor(name=self.prefix + name, value=value, updated_at=utcnow()))
                else:
                    row.value = value
                    row.updated_at = utcnow()
            session.commit()

    def items(self, prefix: str) -> dict[str, str]:
        """Every saved name starting with ``prefix`` (without the store's prefix) and its value."""
        full = self.prefix + prefix
        with self.sessions() as session:
            rows = session.execute(
                select(Cursor.name, Cursor.value).where(Cursor.name.startswith(full, autoescape=True))
            ).all()
        return {str(name)[len(self.prefix):]: str(value) for name, value in rows}

    def delete(self, names: Iterable[str]) -> None:
        keys = [self.prefix + name for name in names]
        if not keys:
            return
        with self.sessions() as session:
            session.execute(delete(Cursor).where(Cursor.name.in_(keys)))
            session.commit()


def _key(text: str, room: int) -> str:
    return text if len(text) <= room else "sha256=" + hashlib.sha256(text.encode()).hexdigest()


class DbWatchCursor:
    """A :class:`~capwatch.service.cursor.CursorStore` for one index, in the service database."""

    def __init__(self, sessions: sessionmaker[Session], index_url: str) -> None:
        self.index_url = index_url
        digest = hashlib.sha256(index_url.rstrip("/").encode()).hexdigest()[:16]
        self.store = DbCursorStore(sessions, prefix=f"watch:{digest}:")
        self._room = NAME_MAX - len(self.store.prefix) - len("pending:")

    def _seen(self, filename: str) -> str:
        return "seen:" + _key(filename, self._room)

    def _pending(self, project: str, version: str | None) -> str:
        return "pending:" + _key(f"{project}\n{version or ''}", self._room)

    def is_seen(self, filename: str) -> bool:
        return self.store.get(self._seen(filename)) is not None

    def mark_seen(self, filename: str, *, sha256: str | None, outcome: str) -> None:
        value = {"filename": filename, "sha256": sha256, "outcome": outcome, "at": time.time()}
        self.store.set(self._seen(filename), json.dumps(value))

    def seen_count(self) -> int:
        return len(self.store.items("seen:"))

    def pending(self) -> dict[str, Pending]:
        entries = sorted(
            (json.loads(value) for value in self.store.items("pending:").values()),
            key=lambda entry: (float(entry["at"]), str(entry["project"])),
        )
        versions: dict[str, set[str] | None] = {}
        since: dict[str, float] = {}
        for entry in entries:
            name, version = str(entry["project"]), entry["version"]
            since.setdefault(name, float(entry["at"]))
            known = versions.setdefault(name, set())
            if version is None:
                versions[name] = None
            elif known is not None:
                known.add(str(version))
        return {
            name: Pending(None if found is None else frozenset(found), since[name])
            for name, found in versions.items()
        }

    def add_pending(self, changes: Iterable[tuple[str, str | None]]) -> None:
        queued = set(self.store.items("pending:"))
        now = time.time()
        fresh: dict[str, str] = {}
        for project, version in changes:
            name = self._pending(project, version)
            if name not in queued and name not in fresh:
                fresh[name] = json.dumps({"project": project, "version": version, "at": now})
        self.store.set_many(fresh)

    def done(self, project: str, versions: Iterable[str] | None = None) -> None:
        if versions is None:
            names = [
                name for name, value in self.store.items("pending:").items()
                if json.loads(value)["project"] == project
            ]
        else:
            names = [self._pending(project, version) for version in versions]
        self.store.delete(names)

    def position(self, name: str) -> str | None:
        return self.store.get("pos:" + _key(name, self._room))

    def set_position(self, name: str, value: str) -> None:
        self.store.set("pos:" + _key(name, self._room), value)
