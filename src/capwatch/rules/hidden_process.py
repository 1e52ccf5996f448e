from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of


class HiddenProcess(Rule):
    """Starts a process with its window hidden or detached while installing or loading.

    ``CREATE_NO_WINDOW``, ``DETACHED_PROCESS``, ``-WindowStyle Hidden``, ``start /b``,
    ``pythonw`` or ``nohup ... &`` on a process started in ``install``, ``startup`` or
    ``import`` phase. Build steps run in the foreground; hiding a process from the person
    installing the package means it should not be seen: critical.
    """

    id = "CW110"
    title = "Starts a hidden or detached process at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        procs = profile.uses_of(("proc.spawn", "proc.shell"), EARLY)
        if not procs:
            return
        files = {u.location.path for u in procs}
        hide = [u for u in profile.uses_of(("evasion.hide",), EARLY) if u.location.path in files]
        flags = [i for i in profile.indicators_of(("evasion.hidden-window",), EARLY)
                 if i.location.path in files]
        if not hide and not flags:
            return
        phase = earliest([*procs, *hide, *flags])
        yield self.finding(
            "Hides a process it starts: "
            + ", ".join(sorted({u.via for u in hide} | {i.value for i in flags}))[:160],
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=phase,
            evidence=evidence_of(profile, [*flags, *hide, *procs]),
            capabilities={u.capability for u in [*procs, *hide]},
            indicators={i.kind for i in flags},
        )
