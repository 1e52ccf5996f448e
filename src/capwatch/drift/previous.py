"""Finding the release before a given one on the configured package index."""

from __future__ import annotations

from dataclasses import replace

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from capwatch.config import Limits
from capwatch.drift.command import scan_spec
from capwatch.engine import ScanOptions
from capwatch.errors import CapwatchError
from capwatch.model import Ecosystem, ScanResult, Verdict


def previous_spec(name: str, version: str, limits: Limits) -> str | None:
    """``name==X`` for the newest release older than ``version`` on the index pip is configured
    to use (not yanked; final releases only when ``version`` is final), or ``None``."""
    from capwatch.sources.index import Fetcher
    from capwatch.sources.select import candidates
    from capwatch.sources.transport import Transport

    try:
        current = Version(version)
    except InvalidVersion:
        return None
    project = canonicalize_name(name)
    files, _ = Fetcher(Transport(), limits=limits).listing(project)
    older = {c.version for c in candidates(project, files) if c.version < current and not c.yanked}
    if not current.is_prerelease:
        older = {v for v in older if not v.is_prerelease} or older
    return f"{project}=={max(older)}" if older else None


class PreviousFromIndex:
    """For ``scan --previous-from-index``: the previous release of each scanned result, scanned
    once per project and version, or a note saying why there is none."""

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self._scanned: dict[str, ScanResult | str] = {}

    def previous(self, result: ScanResult) -> ScanResult | str:
        a = result.artifact
        if result.verdict is Verdict.ERROR or a.ecosystem is not Ecosystem.PYPI:
            return "not a readable PyPI artifact"
        if not a.name or not a.version:
            return "no name and version in the artifact's metadata"
        key = f"{canonicalize_name(a.name)}=={a.version}"
        if key not in self._scanned:
            self._scanned[key] = self._find(a.name, a.version)
        return self._scanned[key]

    def _find(self, name: str, version: str) -> ScanResult | str:
        try:
            spec = previous_spec(name, version, self.options.limits)
            if spec is None:
                return f"no release of {name} older than {version} on the index"
            previous = scan_spec(spec, self.options)
        except CapwatchError as exc:
            return f"previous release not found: {exc.diagnostic}"
        if previous.verdict is Verdict.ERROR:
            return f"previous release could not be scanned: {previous.error}"
        return previous


def noted(result: ScanResult, note: str) -> ScanResult:
    return replace(result, stats={**result.stats, "drift": {"folded": False, "notes": [note]}})
