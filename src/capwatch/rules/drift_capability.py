from __future__ import annotations

from collections.abc import Iterator

from capwatch.drift.model import Change, Drift
from capwatch.model import Confidence, Evidence, Finding, Location, Phase, Severity
from capwatch.profile import EARLY
from capwatch.rules.base import DriftRule

RISKY = frozenset(
    {
        "proc.spawn", "proc.shell", "code.exec.dynamic", "code.load.bytecode",
        "code.inject.memory", "net.http.request", "net.download", "net.socket", "net.server",
        "host.fingerprint", "host.env.dump", "host.process.list", "host.screen.capture",
        "host.clipboard", "host.keylog", "host.camera", "fs.read.credentials", "fs.delete",
        "persist.registry", "persist.schedule", "evasion.hide", "evasion.antidebug",
        "install.pip", "msg.send",
    }
)
"""Capabilities whose arrival in an early phase is worth a finding; ``fs.write``,
``host.env.read``, ``host.platform``, ``code.decode`` and the like come and go in honest releases."""

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
    one environment variable are left out.
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
