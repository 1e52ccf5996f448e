"""The watcher's cursor in the service database behaves as the SQLite state file does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from capwatch.service.cursor import CursorStore, SqliteCursorStore
from capwatch.service.cursors import DbWatchCursor
from capwatch.service.database import make_engine, migrate, session_factory
from capwatch.service.feeds import XmlRpcFeed
from capwatch.service.watcher import IndexWatcher
from tests.unit.service.test_service_watcher_unit import INDEX, Calls, FakeIndex, _sdist


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


def _exercise(cursor: CursorStore) -> list[object]:
    """The same operations on any store; returns what it observed."""
    seen: list[object] = []
    long_name = "x" * 600 + ".tar.gz"
    assert not cursor.is_seen("a-1.0.tar.gz")
    cursor.mark_seen("a-1.0.tar.gz", sha256="ab" * 32, outcome="submitted")
    cursor.mark_seen(long_name, sha256=None, outcome="skipped: too large")
    cursor.mark_seen("a-1.0.tar.gz", sha256="ab" * 32, outcome="submitted")
    seen += [cursor.is_seen("a-1.0.tar.gz"), cursor.is_seen(long_name), cursor.is_seen("b.whl")]
    cursor.add_pending([("alpha", "1.0"), ("alpha", "1.1"), ("beta", None)])
    time.sleep(0.01)
    cursor.add_pending([("alpha", "1.0"), ("gamma%_", "2")])  # no duplicate; LIKE characters
    pending = cursor.pending()
    seen.append([(name, p.versions) for name, p in pending.items()])
    cursor.done("alpha", ["1.0"])
    seen.append({name: p.versions for name, p in cursor.pending().items()})
    cursor.done("beta")
    cursor.done("gamma%_")
    seen.append({name: p.versions for name, p in cursor.pending().items()})
    assert cursor.position("feed:xmlrpc") is None
    cursor.set_position("feed:xmlrpc", "41")
    cursor.set_position("feed:xmlrpc", "42")
    seen.append(cursor.position("feed:xmlrpc"))
    return seen


def test_database_cursor_matches_the_sqlite_state_file(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    expected = _exercise(SqliteCursorStore(tmp_path / "state.sqlite", INDEX))
    assert expected[:3] == [True, True, False]
    assert _exercise(DbWatchCursor(sessions, INDEX)) == expected
    # Another index in the same database has a cursor of its own.
    other = DbWatchCursor(sessions, "https://other.test/simple/")
    assert not other.is_seen("a-1.0.tar.gz") and other.pending() == {}
    assert other.position("feed:xmlrpc") is None


def test_a_watcher_on_the_database_cursor_resumes_after_a_restart(sessions: sessionmaker[Session]) -> None:
    fake = FakeIndex()
    fake.add("alpha", *_sdist("alpha", "1.0"))
    calls = Calls()
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))

    def watcher() -> IndexWatcher:
        return IndexWatcher(INDEX, calls, DbWatchCursor(sessions, INDEX), client,
                            feed=XmlRpcFeed("https://index.test/pypi", client))

    assert watcher().poll_once() == []  # a feed starts now
    fake.add("alpha", *_sdist("alpha", "1.1"))
    fake.add("beta", *_sdist("beta", "0.1"))
    assert sorted(s.filename for s in watcher().poll_once()) == ["alpha-1.1.tar.gz", "beta-0.1.tar.gz"]
    assert watcher().poll_once() == []  # restarted: nothing twice
    fake.add("beta", *_sdist("beta", "0.2"))
    assert [s.filename for s in watcher().poll_once()] == ["beta-0.2.tar.gz"]
    assert [c[0] for c in calls.made] == ["alpha-1.1.tar.gz", "beta-0.1.tar.gz", "beta-0.2.tar.gz"]
    client.close()
