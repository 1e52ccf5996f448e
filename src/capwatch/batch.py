"""Scanning many artifacts on every core, robust to artifacts that crash or stall a worker.

Each worker process scans one artifact at a time. The parent hands out work, collects results
as they finish, and watches the clock: a worker that outlives the per-artifact time limit (plus a
grace period) is killed and replaced, and its artifact gets an ``error`` result. A worker that
dies (a crash in a C extension, the kernel's OOM killer) is replaced the same way. The batch
always finishes, with one result per target.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from capwatch.engine import ScanOptions, error_result, scan_path
from capwatch.model import ArtifactInfo, ScanResult

GRACE_SECONDS = 10.0
"""How much longer than ``Limits.seconds`` the parent waits before ending a worker."""


@dataclass(frozen=True, slots=True)
class Job:
    index: int
    path: Path
    display: str


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _worker(conn: multiprocessing.connection.Connection, options: ScanOptions) -> None:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        result = scan_path(job.path, options, display=job.display)
        try:
            conn.send((job.index, result))
        except (BrokenPipeError, ConnectionResetError):
            return  # the parent is gone (interrupted or killed): nothing left to report to


@dataclass(slots=True)
class _Slot:
    process: BaseProcess
    conn: multiprocessing.connection.Connection
    job: Job | None = None
    started: float = 0.0


def scan_many(
    jobs: Iterable[Job],
    options: ScanOptions,
    *,
    workers: int,
    on_result: Callable[[int, ScanResult], None],
) -> None:
    """Scan every job, calling ``on_result(index, result)`` as each finishes (any order)."""
    pending: Iterator[Job] = iter(jobs)
    if workers <= 1:
        for job in pending:
            on_result(job.index, scan_path(job.path, options, display=job.display))
        return
    _Pool(options, workers, on_result).run(pending)


class _Pool:
    def __init__(
        self, options: ScanOptions, workers: int, on_result: Callable[[int, ScanResult], None]
    ) -> None:
        self.options = options
        self.workers = workers
        self.on_result = on_result
        self.context: Any = multiprocessing.get_context("forkserver")
        with contextlib.suppress(AttributeError, ValueError):
            self.context.set_forkserver_preload(["capwatch.engine", "capwatch.rules"])
        self.hard_limit = options.limits.seconds + GRACE_SECONDS

    def _spawn(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(child, self.options), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _give(self, slot: _Slot, pending: Iterator[Job]) -> bool:
        job = next(pending, None)
        if job is None:
            slot.job = None
            return False
        slot.job, slot.started = job, time.monotonic()
        slot.conn.send(job)
        return True

    def _fail(self, slot: _Slot, message: str) -> None:
        job = slot.job
        if job is not None:
            self.on_result(
                job.index,
                error_result(ArtifactInfo(job.display, "", 0), message, time.perf_counter() - (time.monotonic() - slot.started)),
            )
        slot.job = None

    def run(self, pending: Iterator[Job]) -> None:
        slots: list[_Slot] = []
        for _ in range(self.workers):
            slot = self._spawn()
            if not self._give(slot, pending):
                slot.conn.send(None)
                slot.process.join(timeout=5)
                break
            slots.append(slot)
        try:
            while any(s.job is not None for s in slots):
                busy = [s for s in slots if s.job is not None]
                ready = multiprocessing.connection.wait([s.conn for s in busy], timeout=0.5)
                for slot in busy:
                    if slot.conn in ready:
                        try:
                            index, result = slot.conn.recv()
                        except (EOFError, OSError):
                            code = slot.process.exitcode
                            self._replace(slots, slot, f"worker process died (exit code {code}) while scanning")
                            self._give(slots[-1], pending)
                            continue
                        slot.job = None
                        self.on_result(index, result)
                        self._give(slot, pending)
                    elif time.monotonic() - slot.started > self.hard_limit:
                        self._replace(
                            slots, slot,
                            f"scan did not finish within {self.hard_limit:g} s "
                            "(seconds limit plus grace); worker ended",
                        )
                        self._give(slots[-1], pending)
        finally:
            for slot in slots:
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
            for slot in slots:
                slot.process.join(timeout=2)
                if slot.process.is_alive():
                    slot.process.kill()

    def _replace(self, slots: list[_Slot], slot: _Slot, message: str) -> None:
        self._fail(slot, message)
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()
        slots.remove(slot)
        slots.append(self._spawn())
