"""Scan functions the tests hand to the worker pool (imported by name in worker processes)."""

from __future__ import annotations

import os
import signal
import time

from capwatch.engine import ScanOptions
from capwatch.model import ScanResult
from capwatch.service.jobs import WorkItem
from capwatch.service.workers import scan_item


def die_on_first_attempt(item: WorkItem, options: ScanOptions) -> ScanResult:
    """The worker is killed mid-scan on the first attempt, then scans normally."""
    if item.attempt == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return scan_item(item, options)


def always_die(item: WorkItem, options: ScanOptions) -> ScanResult:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def hang(item: WorkItem, options: ScanOptions) -> ScanResult:
    """Never finishes (until the worker is ended): a scan still in flight at a stop."""
    time.sleep(3600)
    raise AssertionError("unreachable")


def slow(item: WorkItem, options: ScanOptions) -> ScanResult:
    time.sleep(3)
    return scan_item(item, options)
