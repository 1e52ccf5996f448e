from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.model import CapabilityUse, Confidence, Finding, Indicator, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, command_line, earliest, evidence_of

_RUN = ("proc.spawn", "proc.shell", "install.pip")
_OFF_INDEX = re.compile(
    r"(?:^|\s)(?:(?:git|hg|svn|bzr)\+\S+|https?://\S+"
    r"|(?:-i|--index-url|--extra-index-url|-f|--find-links)[\s=]+\S+)"
)
"""What ``pip install`` takes from outside the package index: a repository (``git+https://``),
an archive's address, another index or a page of links."""


class InstallsPackages(Rule):
    """Installs further packages with pip while being installed or imported.

    Dependencies belong in the package's metadata, where installers and reviewers see them.
    Running ``pip install`` (or ``pip.main``) from ``setup.py`` or module-level code pulls in
    packages nobody reviewed, often the second stage of an attack. Low severity on its own:
    old build scripts do this too; it adds weight to other findings. High when what it installs
    comes from outside the package index (a repository, ``git+https://...``, an archive's
    address, another index with ``--index-url`` or ``--extra-index-url``): code the registry
    never received, so nobody can review it, fetched while the package installs or loads.
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
        outside = _off_index(profile, direct, clues)
        yield self.finding(
            "Runs pip from code: "
            + ", ".join(sorted({u.via for u in direct} | {i.value.strip() for i in clues}))[:160]
            + (f"; installs from outside the index: {outside[:120]}" if outside else ""),
            severity=Severity.HIGH if outside else Severity.LOW,
            confidence=Confidence.MEDIUM if outside else Confidence.HIGH,
            phase=earliest([*direct, *clues]),
            evidence=evidence_of(profile, [*direct, *clues]),
            capabilities={u.capability for u in direct} | {"proc.spawn"} if clues else {u.capability for u in direct},
            indicators={i.kind for i in clues},
        )


def _off_index(profile: Profile, direct: list[CapabilityUse], clues: list[Indicator]) -> str | None:
    """The first source outside the package index that a ``pip install`` names, in the command
    lines of the processes started where pip is run."""
    at = {u.location for u in direct} | {i.location for i in clues}
    lines = [command_line(u.args) or "" for u in profile.uses_of(_RUN, EARLY) if u.location in at]
    for line in [*lines, *(i.value for i in clues)]:
        if "install" not in line:
            continue
        found = _OFF_INDEX.search(line.split("install", 1)[1])
        if found:
            return found.group(0).strip()
    return None
