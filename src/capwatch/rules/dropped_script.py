from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.python.analyzer import DROPPED_STEP
from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_PAYLOAD = ("net.http.request", "net.download", "net.socket", "code.exec.dynamic",
            "proc.spawn", "proc.shell", "fs.read.credentials")
_RUN = ("proc.spawn", "proc.shell")


class DroppedScript(Rule):
    """Writes a script to disk and starts a process while installing or loading.

    The package writes text that is itself code (a Python script that downloads, executes or
    spawns) to a file, and the same early-running code starts a process: a second stage planted
    and launched outside the installer's view, often with ``pythonw`` or ``start`` so no window
    shows. The written script is analysed like any decoded payload and shown to the reviewer.
    """

    id = "CW115"
    title = "Writes a script and runs it at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        dropped = [
            u for u in profile.uses_of(_PAYLOAD, EARLY) if DROPPED_STEP in u.decode_chain
        ]
        if not dropped:
            return
        files = {u.location.path for u in dropped}
        run = [
            u for u in profile.uses_of(_RUN, EARLY)
            if u.location.path in files and DROPPED_STEP not in u.decode_chain
        ]
        if not run:
            return
        yield self.finding(
            f"Writes a script that uses {describe(dropped)} and starts it ({describe(run)})",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=earliest([*dropped, *run]),
            evidence=evidence_of(profile, [*dropped, *run]),
            capabilities={u.capability for u in [*dropped, *run]},
        )
