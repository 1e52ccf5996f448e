from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, evidence_of

_CAPS = ("host.power", "persist.account")
_PROC = ("proc.spawn", "proc.shell")


class MachineTakeover(Rule):
    """Shuts the machine down or adds user accounts while being installed or loaded.

    ``shutdown``, ``poweroff``, ``reboot`` or ``halt`` run as a command, or a command that
    creates an account or makes one an administrator (``useradd``, ``net user NAME PASS /add``,
    ``net localgroup administrators NAME /add``), in ``install``, ``startup`` or ``import``
    phase. Installing or importing a library never needs to switch the machine off or to add
    people to it: the first is sabotage, the second a back door. Both are critical there. In code
    that runs only when called, system administration tools do these things for their users,
    so they are not counted.
    """

    id = "CW119"
    title = "Shuts down the machine or adds accounts at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        uses = profile.uses_of(_CAPS, EARLY)
        accounts = profile.indicators_of(("persist.account",), EARLY)
        if accounts and not profile.uses_of(_PROC, EARLY):
            accounts = []
        if not uses and not accounts:
            return
        phase = min([u.phase for u in uses] + [i.phase for i in accounts])
        what = sorted({u.via for u in uses} | {i.value[:60] for i in accounts})
        yield self.finding(
            f"At {phase.label} time runs {', '.join(what[:3])}",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=phase,
            evidence=evidence_of(profile, [*uses, *accounts]),
            capabilities={u.capability for u in uses} | ({"persist.account"} if accounts else set()),
            indicators={i.kind for i in accounts},
        )
