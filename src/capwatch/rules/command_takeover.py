from __future__ import annotations

from collections.abc import Iterator

from capwatch.ecosystem.commands import takes_over
from capwatch.model import Confidence, Evidence, Finding, Location, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, evidence_of
from capwatch.rules.drift_capability import RISKY


class CommandTakeover(Rule):
    """Installs a command under the name of the interpreter, the installer or the system.

    A console or GUI script (an entry point, ``[project.scripts]``, ``setup.cfg``'s
    ``[options.entry_points]``) or an npm ``bin`` entry named ``pip``, ``pip3``, ``python3``,
    ``sudo``, ``ls``... that the package does not own (only the ``pip`` project ships ``pip``):
    once installed, whoever types that command runs the package's function instead of the program
    they meant (command hijacking, ATT&CK T1574.007). The function it names, and everything it
    calls, is analysed as ``startup`` code, since it runs without the user choosing this package.

    High severity, high confidence on its own: an honest package names its commands after its
    own tool. Critical when that code does something risky (starts processes, reaches the
    network, reads who the user is, runs dynamic code...): a fake ``pip`` that phones home.
    """

    id = "CW125"
    title = "Takes over a command of the interpreter, the installer or the system"

    def check(self, profile: Profile) -> Iterator[Finding]:
        identity = profile.identity
        taken = [c for c in identity.commands if takes_over(c.name, identity.name)]
        if not taken:
            return
        names = ", ".join(sorted({c.name for c in taken}))
        message = (
            f"Installs the command {names} ({taken[0].target}): whoever types it runs this "
            "package's code"
        )
        evidence = [Evidence(Location(c.source), f"{c.name} = {c.target}") for c in taken[:3]]
        risky = profile.uses_of(RISKY, (Phase.STARTUP,))
        if risky:
            yield self.finding(
                message + "; that code uses " + ", ".join(sorted({u.capability for u in risky})),
                severity=Severity.CRITICAL,
                confidence=Confidence.HIGH,
                phase=Phase.STARTUP,
                evidence=evidence + evidence_of(profile, risky),
                capabilities={u.capability for u in risky},
            )
            return
        yield self.finding(
            message,
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            phase=Phase.STARTUP,
            evidence=evidence,
        )
