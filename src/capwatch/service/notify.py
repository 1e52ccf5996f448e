"""Waking requests that wait for a verdict (``POST /api/v1/uploads?wait=N``).

The dispatcher thread calls :meth:`Notifier.finished`; waiting request handlers, on the event
loop, hold an :class:`asyncio.Event` per scan. Waiters always re-read the database after waking,
so a missed wake-up only costs the polling interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading


class Notifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    def register(self, scan_id: int) -> asyncio.Event:
        event = asyncio.Event()
        with self._lock:
            self._waiters.setdefault(scan_id, []).append((asyncio.get_running_loop(), event))
        return event

    def unregister(self, scan_id: int, event: asyncio.Event) -> None:
        with self._lock:
            waiters = self._waiters.get(scan_id, [])
            self._waiters[scan_id] = [(lp, ev) for lp, ev in waiters if ev is not event]
            if not self._waiters[scan_id]:
                del self._waiters[scan_id]

    def finished(self, scan_id: int) -> None:
        with self._lock:
            waiters = list(self._waiters.get(scan_id, []))
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # the loop is closed
                loop.call_soon_threadsafe(event.set)
