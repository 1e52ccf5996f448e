from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_CAPS = ("persist.registry", "persist.schedule")
_ACT = ("proc.spawn", "proc.shell", "fs.write", "net.download", "net.http.request")


class Persistence(Rule):
    """Makes something start again on its own: autostart folders, Run keys, cron, shell profiles.

    Writing the registry's Run keys, the Startup folder, crontab, systemd units, LaunchAgents or
    shell start-up files from code that runs on install, startup or import, together with writing
    files, starting processes or downloading. Installing a package never needs to plant itself
    in the machine's start-up: at install or interpreter start it is critical; at import, high.
    """

    id = "CW108"
    title = "Installs itself to run at every start-up"

    def check(self, profile: Profile) -> Iterator[Finding]:
        places = profile.indicators_of(("persist.autostart",), EARLY)
        caps = profile.uses_of(_CAPS, EARLY)
        if not places and not caps:
            return
        act = profile.uses_of(_ACT, EARLY)
        if not act:
            return
        phase = earliest([*places, *caps])
        yield self.finding(
            "Plants autostart: "
            + ", ".join(sorted({i.value for i in places} | {u.via for u in caps}))[:200],
            severity=(
                Severity.CRITICAL if phase in (Phase.INSTALL, Phase.STARTUP)
                else Severity.HIGH if phase is not Phase.RUNTIME else Severity.MEDIUM
            ),
            confidence=Confidence.HIGH if caps and places else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*places, *caps]),
            capabilities={u.capability for u in [*caps, *act]},
            indicators={i.kind for i in places},
        )
