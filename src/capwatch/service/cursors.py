"""Named cursors kept in the service database, so a watcher's position survives restarts.

:class:`DbCursorStore` is the database-backed store the index watcher uses when it runs inside
``capwatch serve`` (or with ``--db``): ``get`` returns the last value saved under a name,
``set`` saves one (insert or update, committed at once).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.schema import Cursor, utcnow


class DbCursorStore:
    def __init__(self, sessions: sessionmaker[Session], prefix: str = "") -> None:
        self.sessions = sessions
        self.prefix = prefix

    def get(self, name: str) -> str | None:
        with self.sessions() as session:
            row = session.get(Cursor, self.prefix + name)
            return None if row is None else row.value

    def set(self, name: str, value: str) -> None:
        with self.sessions() as session:
            row = session.get(Cursor, self.prefix + name)
            if row is None:
                session.add(Cursor(name=self.prefix + name, value=value, updated_at=utcnow()))
            else:
                row.value = value
                row.updated_at = utcnow()
            session.commit()
