from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_NET = ("net.http.request", "net.download", "net.socket", "msg.send")


class EarlyNetwork(Rule):
    """Reaches the network while being installed, or at every interpreter start.

    A request, download or socket in ``install`` phase (``setup.py``, in-tree build backends,
    custom commands) or ``startup`` phase (``.pth`` files, ``sitecustomize``). Some build scripts
    download sources or binaries, so on its own this asks for a reviewer rather than a verdict;
    other rules say when what is fetched or sent makes it malware.
    """

    id = "CW111"
    title = "Uses the network at install or interpreter start"

    def check(self, profile: Profile) -> Iterator[Finding]:
        uses = profile.uses_of(_NET, (Phase.INSTALL, Phase.STARTUP))
        if not uses:
            return
        phase = earliest(uses)
        yield self.finding(
            f"Network use at {phase.label if phase is not None else 'install'} time: {describe(uses)}",
            severity=Severity.MEDIUM,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses),
            capabilities={u.capability for u in uses},
        )
