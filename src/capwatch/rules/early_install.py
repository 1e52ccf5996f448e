from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_RUN = ("proc.spawn", "proc.shell", "install.pip")


class InstallsPackages(Rule):
    """Installs further packages with pip while being installed or imported.

    Dependencies belong in the package's metadata, where installers and reviewers see them.
    Running ``pip install`` (or ``pip.main``) from ``setup.py`` or module-level code pulls in
    packages nobody reviewed, often the second stage of an attack. Low severity on its own:
    old build scripts do this too; it adds weight to other findings.
    """

    id = "CW114"
    title = "Installs packages with pip at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        direct = profile.uses_of(("install.pip",), EARLY)
        clues = [
            i for i in profile.indicators_of(("shell.pip-install",), EARLY)
            if profile.uses_of(_RUN, EARLY)
        ]
        if not direct and not clues:
            return
        yield self.finding(
            "Runs pip from code: "
            + ", ".join(sorted({u.via for u in direct} | {i.value.strip() for i in clues}))[:160],
            severity=Severity.LOW,
            confidence=Confidence.HIGH,
            phase=earliest([*direct, *clues]),
            evidence=evidence_of(profile, [*direct, *clues]),
            capabilities={u.capability for u in direct} | {"proc.spawn"} if clues else {u.capability for u in direct},
            indicators={i.kind for i in clues},
        )
