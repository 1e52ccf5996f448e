"""Scan workers: one process per core, fed by a dispatcher thread that reads jobs from the database.

Nothing is scanned in the web server's event loop or threads. The dispatcher claims a queued scan
(:func:`capwatch.service.jobs.claim_next`), sends it to an idle worker process and records the
result under the claim. A worker that dies mid-scan (killed, crashed, out of memory) or outlives
the per-artifact time limit plus a grace period is replaced, and its scan is queued again until
``max_attempts``, after which it ends in ``error`` with the reason. Only results that still hold
their claim are written, so no verdict is lost or written twice.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from capwatch.batch import GRACE_SECONDS, default_jobs
from capwatch.engine import ScanOptions
from capwatch.model import ScanResult
from capwatch.service import jobs
from capwatch.service.jobs import WorkItem
from capwatch.service.scanjob import execute, record
from capwatch.service.settings import ServiceSettings

log = logging.getLogger("capwatch.service")

ScanFunction = Callable[[WorkItem, ScanOptions], ScanResult]
"""What a worker runs for one item; must be a module-level function (it is pickled by name)."""


def scan_item(item: WorkItem, options: ScanOptions) -> ScanResult:
    """Read the stored artifact and scan it with the engine (the shared
    :func:`capwatch.service.scanjob.execute`)."""
    return execute(item, options)


def _worker_main(
    conn: multiprocessing.connection.Connection, options: ScanOptions, scan: ScanFunction
) -> None:
    # The service ends its workers itself; a Ctrl-C meant for the server must not kill a scan
    # half-way (it would count as a failed attempt).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if item is None:
            return
        try:
            result = scan(item, options)
        except Exception as exc:  # the engine never raises for bad artifacts; this is a bug
            conn.send((item.claim, None, f"scan raised {type(exc).__name__}: {exc}"))
            continue
        try:
            conn.send((item.claim, result, None))
        except (BrokenPipeError, ConnectionResetError):
            return


@dataclass(slots=True)
class _Slot:
    process: BaseProcess
    conn: multiprocessing.connection.Connection
    item: WorkItem | None = None
    started: float = 0.0


class ScanPool:
    """The worker processes and the dispatcher thread that feeds them."""

    def __init__(
        self,
        settings: ServiceSettings,
        sessions: sessionmaker[Session],
        store_path: Callable[[str], Path],
        on_finished: Callable[[int], None],
        scan: ScanFunction = scan_item,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.store_path = store_path
        self.on_finished = on_finished
        self.scan = scan
        self.options = settings.scan_options
        self.size = settings.workers or default_jobs()
        self.hard_limit = settings.limits.seconds + GRACE_SECONDS
        self.context: Any = multiprocessing.get_context("forkserver")
        with contextlib.suppress(AttributeError, ValueError):
            self.context.set_forkserver_preload(["capwatch.engine", "capwatch.rules"])
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake_r, self._wake_w = multiprocessing.Pipe(duplex=False)
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        recovered = jobs.recover(self.sessions, self.settings.max_attempts)
        if recovered:
            log.info("requeued %d scan(s) interrupted by the previous stop", recovered)
        with self._lock:
            self._slots = [self._spawn() for _ in range(self.size)]
        self._thread = threading.Thread(target=self._run, name="capwatch-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop dispatching and end the workers; scans in flight stay ``scanning`` and are
        retried at the next start."""
        self._stop.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            for slot in self._slots:
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
            for slot in self._slots:
                slot.process.join(timeout=1 if slot.item is None else 0)
                if slot.process.is_alive():
                    slot.process.kill()
                    slot.process.join(timeout=5)
                slot.conn.close()
            self._slots = []

    def wake(self) -> None:
        """Tell the dispatcher that new work may be waiting."""
        with contextlib.suppress(OSError):
            self._wake_w.send_bytes(b"!")

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [s.process.pid for s in self._slots if s.process.pid is not None]

    def busy_pids(self) -> dict[int, int]:
        """Scan id → pid of the worker scanning it."""
        with self._lock:
            return {
                s.item.scan_id: s.process.pid
                for s in self._slots
                if s.item is not None and s.process.pid is not None
            }

    # -- dispatching ----------------------------------------------------------------------

    def _spawn(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main, args=(child, self.options, self.scan), daemon=True,
            name="capwatch-scan-worker",
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:
                log.exception("scan dispatcher error; retrying in 1 s")
                self._stop.wait(1.0)

    def _step(self) -> None:
        with self._lock:
            slots = list(self._slots)
        for slot in slots:
            if slot.item is None and not self._stop.is_set():
                if not slot.process.is_alive():
                    self._replace(slot)
                    continue
                item = jobs.claim_next(self.sessions, self.store_path)
                if item is None:
                    break
                slot.item, slot.started = item, time.monotonic()
                try:
                    slot.conn.send(item)
                except OSError:
                    self._lost(slot, "worker process was gone when the scan was handed to it")
        busy = [s for s in slots if s.item is not None]
        waitables: list[Any] = [self._wake_r, *(s.conn for s in busy)]
        ready = multiprocessing.connection.wait(waitables, timeout=0.5)
        if self._wake_r in ready:
            with contextlib.suppress(EOFError, OSError):
                while self._wake_r.poll():
                    self._wake_r.recv_bytes()
        if self._stop.is_set():
            return
        for slot in busy:
            if slot.conn in ready:
                self._receive(slot)
            elif time.monotonic() - slot.started > self.hard_limit:
                self._lost(
                    slot, f"scan did not finish within {self.hard_limit:g} s (seconds limit plus "
                    "grace); worker ended",
                )

    def _receive(self, slot: _Slot) -> None:
        item = slot.item
        assert item is not None
        try:
            claim, result, problem = slot.conn.recv()
        except (EOFError, OSError):
            slot.process.join(timeout=2)
            self._lost(slot, f"worker process died (exit code {slot.process.exitcode}) during the scan")
            return
        slot.item = None
        if claim != item.claim:
            return
        if result is None:
            self._finish_failed(item, str(problem))
            return
        if record(self.sessions, item, result):
            self.on_finished(item.scan_id)
        else:
            log.warning("scan %d: result discarded, its claim was taken back", item.scan_id)

    def _finish_failed(self, item: WorkItem, message: str) -> None:
        status = jobs.fail(
            self.sessions, item.scan_id, item.claim, message, self.settings.max_attempts
        )
        log.warning("scan %d attempt %d failed: %s", item.scan_id, item.attempt, message)
        if status is not None and jobs.is_final(status):
            self.on_finished(item.scan_id)
        elif status is not None:
            self.wake()

    def _lost(self, slot: _Slot, message: str) -> None:
        item = slot.item
        slot.item = None
        self._replace(slot)
        if item is not None:
            self._finish_failed(item, message)

    def _replace(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        with contextlib.suppress(OSError):
            slot.conn.close()
        fresh = self._spawn()
        with self._lock:
            if slot in self._slots:
                self._slots[self._slots.index(slot)] = fresh
