from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.python.analyzer import PLACEHOLDER
from capwatch.model import CapabilityUse, Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_COLLECT = ("host.fingerprint", "host.env.dump")
_STRONG = frozenset({"host.fingerprint", "host.env.dump"})
_SEND = ("net.http.request", "net.socket", "net.dns", "net.download", "msg.send")


class FingerprintSent(Rule):
    """Collects facts about the machine and sends them out while installing or loading.

    Host name, user name, hardware address or the whole environment gathered next to a network
    request, DNS lookup or socket (in the same file at install or start-up, in the same function
    at import), all in ``install``, ``startup`` or ``import`` phase. Reading single
    configuration variables does not count. This is how dependency-confusion probes and the first stage of targeted
    attacks report where they landed. Honest packages do not phone home when installed. The
    operating system and architecture alone are not counted: build scripts read them to choose
    what to compile. Identity or the whole environment sent during install or interpreter start
    is critical. A DNS lookup counts as sending when the name it looks up has a domain written
    in the code (``f"{data}.example.invalid"``, or a constant name); resolving a name only
    computed at run time, such as the machine's own host name, asks nothing of anyone else.
    """

    id = "CW104"
    title = "Sends host information over the network at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        collect = profile.uses_of(_COLLECT, EARLY)
        send = [u for u in profile.uses_of(_SEND, EARLY) if u.capability != "net.dns" or _names_a_domain(u)]
        # Install and start-up code is small: one file is close enough. Import-time code of a
        # large library is not, so there collecting and sending must share a function.
        def key(use: CapabilityUse) -> str:
            return use.location.path if use.phase is not Phase.IMPORT else use.scope

        together = {key(u) for u in collect} & {key(u) for u in send}
        if not together:
            return
        collect = [u for u in collect if key(u) in together]
        send = [u for u in send if key(u) in together]
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


def _names_a_domain(use: CapabilityUse) -> bool:
    """A DNS lookup of a name with a domain written in the code: constant, or a template whose
    constant part holds a dot (``….oast.example``)."""
    if not use.args or "=" in use.args[0]:
        return False  # no name folded (``family=socket.AF_INET`` is a keyword, not a name)
    return "." in use.args[0].replace(PLACEHOLDER, "")
