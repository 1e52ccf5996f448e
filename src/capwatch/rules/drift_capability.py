from __future__ import annotations

from collections.abc import Iterator

from capwatch.drift.compare import SITES_KEPT
from capwatch.drift.model import CapabilityChange, Change, Drift
from capwatch.ecosystem.layout import NON_LIBRARY_DIRS
from capwatch.model import Confidence, Evidence, Finding, Location, Phase, Severity
from capwatch.profile import EARLY
from capwatch.rules.base import DriftRule

RISKY = frozenset(
    {
        "proc.spawn", "proc.shell", "code.exec.dynamic",
        "code.inject.memory", "net.http.request", "net.download", "net.socket", "net.server",
        "host.fingerprint", "host.env.dump", "host.process.list", "host.screen.capture",
        "host.clipboard", "host.keylog", "host.camera", "fs.read.credentials",
        "persist.registry", "persist.schedule", "evasion.hide", "evasion.antidebug",
        "install.pip", "msg.send",
    }
)
"""Capabilities whose arrival in an early phase is worth a finding; ``fs.write``, ``fs.delete``,
``host.env.read``, ``host.platform``, ``code.decode``, ``code.load.bytecode`` and the like come and
go in honest releases (checked on real release pairs, e.g. requests 2.31 -> 2.32 preloads its CA
bundle at import, setuptools 69 -> 70)."""

STRONG = frozenset(
    {
        "proc.shell", "code.exec.dynamic", "code.inject.memory", "net.http.request",
        "net.download", "net.socket", "fs.read.credentials", "host.env.dump", "host.keylog",
        "persist.registry", "persist.schedule",
    }
)
"""Gained capabilities that are hard to explain in install, start-up or import code."""


class CapabilityGainedEarly(DriftRule):
    """A new release runs a risky capability earlier than the previous release did.

    Compares the capabilities each release uses per phase. A risky capability (process
    execution, network, dynamic code, credential files, environment dumps, persistence,
    evasion...) that the new release uses in the ``install``, ``startup`` or ``import`` phase,
    while the previous release used it only later or not at all, is how a hijacked release looks:
    yesterday's code was fine, today's ``__init__.py`` reaches the network when imported.
    High severity for an established project (the previous release was not malicious), even when
    the same call would be unremarkable in a new project: confidence is high for install and
    start-up code and for network, shell, dynamic code and credential access, medium otherwise
    (honest releases occasionally add, say, an import-time ``subprocess`` call). Medium severity
    when the previous release was itself malicious. Capabilities such as file writes or reading
    one environment variable are left out, and so are capabilities whose every new use sits in
    tests, docs, examples or other tooling folders (``tests/testserver/server.py``).
    """

    id = "CW201"
    title = "Risky capability gained in an early phase"

    def check_drift(self, drift: Drift) -> Iterator[Finding]:
        by_phase: dict[Phase, list[str]] = {}
        sites: dict[Phase, list[Evidence]] = {}
        for change in drift.capabilities:
            if change.change is not Change.ADDED or change.phase not in EARLY:
                continue
            if change.capability not in RISKY:
                continue
            if change.earliest_before is not None and change.earliest_before <= change.phase:
                continue
            if _only_in_tooling(change):
                continue
            by_phase.setdefault(change.phase, []).append(change.capability)
            for site in change.sites:
                sites.setdefault(change.phase, []).append(
                    Evidence(Location(site.path, site.line), f"{site.via} ({site.capability})")
                )
        for phase, caps in sorted(by_phase.items()):
            strong = phase in (Phase.INSTALL, Phase.STARTUP) or bool(STRONG.intersection(caps))
            yield self.finding(
                f"{drift.new.version or 'the new release'} uses {', '.join(caps)} at {phase.label}"
                f", which {drift.old.version or 'the previous release'} did not",
                severity=Severity.HIGH if drift.established else Severity.MEDIUM,
                confidence=Confidence.HIGH if strong else Confidence.MEDIUM,
                phase=phase,
                evidence=sites.get(phase, []),
                capabilities=caps,
            )


def _only_in_tooling(change: CapabilityChange) -> bool:
    """Every site of the change lies in a tests/docs/tooling folder (sites are one per file, so
    the list is complete when shorter than the cap)."""
    if not change.sites or len(change.sites) >= SITES_KEPT:
        return False
    return all(_tooling(site.path) for site in change.sites)


_TOOLING_TOP = frozenset(
    {"test", "tests", "testing", "doc", "docs", "example", "examples", "benchmark", "benchmarks"}
)
"""Top-level folders that are tests or docs even when they hold an ``__init__.py`` (the layout
then calls them importable; no project imports its own test suite). Other tooling names
(``demo``, ``tools``, ``scripts``...) are real package names often enough to count only below
the top."""


def _tooling(path: str) -> bool:
    parts = path.split("/")
    if parts[0] in ("src", "lib"):
        parts = parts[1:]
    folders = [part.lower() for part in parts[:-1]]
    if not folders:
        return False
    return folders[0] in _TOOLING_TOP or any(f in NON_LIBRARY_DIRS for f in folders[1:])
