"""An on-disk cache of scan results, so that an evaluation resumes and reruns are fast.

One JSON file per artifact (the ``capwatch.scan/1`` form of :func:`result_to_dict`) at
``<root>/<namespace>/<sha[:2]>/<sha>.json``. The namespace is the ruleset version
(:mod:`capwatch.dataset.ruleset`) plus, when limits differ from the defaults, a hash of them: a
result is reused only for the same artifact bytes, scanner code and settings. Derived family ids
sit beside results as ``<sha>.family``.

Writes are atomic (a temporary file renamed into place), so an interrupted run leaves only
complete entries; an unreadable entry is a miss. Every result is stored, ``error`` ones too: a
time-out on a busy machine would otherwise be scanned again, for up to the whole time limit, on
every run. ``retry_errors`` makes cached ``error`` results misses, so they are scanned again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

from capwatch.config import Limits
from capwatch.model import ScanResult, Verdict
from capwatch.report.serialize import result_from_dict, result_to_dict

DEFAULT_CACHE_DIR = Path("~/.cache/capwatch/eval")


def namespace(ruleset: str, limits: Limits) -> str:
    """The cache folder for one ruleset version and one set of limits."""
    if limits == Limits():
        return ruleset
    text = repr(dataclasses.astuple(limits)).encode()
    return f"{ruleset}-limits-{hashlib.sha256(text).hexdigest()[:8]}"


class ResultCache:
    """Results by artifact sha256 under one namespace; ``root=None`` caches nothing."""

    def __init__(self, root: Path | None, space: str, *, retry_errors: bool = False) -> None:
        self.folder = root.expanduser() / space if root is not None else None
        self.retry_errors = retry_errors
        self.hits = 0
        self.stored = 0
        self.write_errors = 0

    def _path(self, sha256: str, suffix: str) -> Path | None:
        if self.folder is None or len(sha256) < 8 or not sha256.isalnum():
            return None
        return self.folder / sha256[:2] / f"{sha256}{suffix}"

    def get(self, sha256: str) -> ScanResult | None:
        path = self._path(sha256, ".json")
        if path is None:
            return None
        try:
            result = result_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None
        if self.retry_errors and result.verdict is Verdict.ERROR:
            return None
        self.hits += 1
        return result

    def put(self, sha256: str, result: ScanResult) -> None:
        path = self._path(sha256, ".json")
        if path is not None and self._write(path, json.dumps(result_to_dict(result))):
            self.stored += 1

    def get_family(self, sha256: str) -> str | None:
        path = self._path(sha256, ".family")
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def put_family(self, sha256: str, family: str) -> None:
        path = self._path(sha256, ".family")
        if path is not None:
            self._write(path, family)

    def _write(self, path: Path, text: str) -> bool:
        """Write atomically; a cache that cannot be written is counted, never fatal."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        except OSError:
            self.write_errors += 1
            return False
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, path)
        except BaseException as exc:
            Path(temporary).unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise
            self.write_errors += 1
            return False
        return True
