from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_COLLECT = ("host.fingerprint", "host.env.dump", "host.env.read")
_STRONG = frozenset({"host.fingerprint", "host.env.dump"})
_SEND = ("net.http.request", "net.socket", "net.dns", "net.download", "msg.send")


class FingerprintSent(Rule):
    """Collects facts about the machine and sends them out while installing or loading.

    Host name, user name, hardware address or the whole environment (or, weaker, single
    environment variables) gathered in the
    same file as a network request, DNS lookup or socket, all in ``install``, ``startup`` or
    ``import`` phase. This is how dependency-confusion probes and the first stage of targeted
    attacks report where they landed. Honest packages do not phone home when installed. The
    operating system and architecture alone are not counted: build scripts read them to choose
    what to compile. Identity or the whole environment sent during install or interpreter start
    is critical.
    """

    id = "CW104"
    title = "Sends host information over the network at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        collect = profile.uses_of(_COLLECT, EARLY)
        send = profile.uses_of(_SEND, EARLY)
        files = {u.location.path for u in collect} & {u.location.path for u in send}
        if not files:
            return
        collect = [u for u in collect if u.location.path in files]
        send = [u for u in send if u.location.path in files]
        fingerprint = any(u.capability in _STRONG for u in collect)
        phase = earliest([*collect, *send])
        strong_phase = min((u.phase for u in collect if u.capability in _STRONG), default=None)
        critical = strong_phase in (Phase.INSTALL, Phase.STARTUP)
        yield self.finding(
            f"Collects {describe(collect)} and reaches the network ({describe(send)})"
            f" at {phase.label if phase else 'load'} time",
            severity=Severity.CRITICAL if critical else Severity.HIGH if fingerprint else Severity.MEDIUM,
            confidence=Confidence.HIGH if fingerprint else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*send, *collect]),
            capabilities={u.capability for u in [*collect, *send]},
        )
