from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule

_PHASES = (Phase.INSTALL, Phase.STARTUP)


class InstallBeacon(Rule):
    """Tells a server it was installed: a request at install whose reply nothing reads.

    ``urlopen("https://host/log/install")`` as a statement of its own in a custom install
    command, or ``reply = requests.post(url, data)`` with ``reply`` never read again, in
    ``install`` or ``startup`` code. A build that fetches something reads what it fetched
    (``urlretrieve`` and other downloads are not requests here); a request whose answer is
    thrown away exists only to be received: the installation announced to whoever runs the
    server, often with the user's name or files in the request. Dependency-confusion probes and
    the first stage of stealers do this; a registry treats it as malware: critical, medium
    confidence. Only a request that says something counts: a path or query after the host, a
    body, or more than one argument; a bare host asked for in a ``try`` with nothing read is a
    connectivity check. Requests of this kind in code that runs only when called (a client's
    ``requests.post`` with no answer needed) are not counted.
    """

    id = "CW122"
    title = "Announces its installation to a server"

    def check(self, profile: Profile) -> Iterator[Finding]:
        beacons = profile.facts_of(FactKind.UNREAD_REPLY, _PHASES)
        if not beacons:
            return
        phase = min(p for _, p in beacons)
        first = next(f for f, p in beacons if p is phase)
        target = f" ({first.args[0][:80]})" if first.args and "://" in first.args[0] else ""
        yield self.finding(
            f"At {phase.label} time sends a request{target} and never reads the reply: "
            f"{', '.join(dict.fromkeys(f.name for f, _ in beacons))}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, _ in beacons[:5]],
            capabilities={"net.http.request"},
        )
