from __future__ import annotations

from collections.abc import Iterator

from capwatch.drift.model import Change, Drift
from capwatch.model import Confidence, Evidence, Finding, Location, Severity
from capwatch.rules.base import DriftRule


class DependencyAdded(DriftRule):
    """A new release depends on projects the previous release did not.

    Informational: new dependencies are routine, but a reviewer of an update wants them listed,
    because a hijacked release can pull its payload in through a new (often freshly registered
    or typosquatted) dependency instead of shipping it. Low severity when the new dependency's
    name imitates a popular project (see CW210), which honest maintainers rarely do.
    """

    id = "CW203"
    title = "New dependency"

    def check_drift(self, drift: Drift) -> Iterator[Finding]:
        from capwatch.names import typosquat_of

        added = [d for d in drift.dependencies if d.change is Change.ADDED]
        if not added:
            return
        squats = {d.name: typosquat_of(d.name) for d in added}
        imitations = [f"{n} (looks like {s.target})" for n, s in squats.items() if s is not None]
        names = ", ".join(d.name for d in added)
        message = f"new dependencies: {names}"
        if imitations:
            message += "; imitating popular names: " + ", ".join(imitations)
        source = (drift.new.path.rsplit("/", 1)[-1]) or "metadata"
        yield self.finding(
            message[:300],
            severity=Severity.LOW if imitations and drift.established else Severity.INFO,
            confidence=Confidence.MEDIUM,
            phase=None,
            evidence=[Evidence(Location(source), d.new) for d in added],
        )
