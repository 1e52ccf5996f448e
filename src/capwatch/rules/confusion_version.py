from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.version import InvalidVersion, Version

from capwatch.model import Confidence, Evidence, Finding, Location, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, RuleKind, earliest, evidence_of
from capwatch.rules.drift_capability import RISKY

MIN_MAJOR = 99
"""Major versions from here up are dependency-confusion shaped (unless calendar versions)."""


def confusion_shaped(version: str) -> bool:
    """``99.0.0``, ``999.0.0``, ``1000.1``: a major version no real project reaches, chosen to
    win over any internal version. Calendar versions (``2024.1``, ``20240101``) are not."""
    try:
        major = Version(version).release[0]
    except (InvalidVersion, IndexError):
        match = re.match(r"\s*v?(\d+)", version)
        if match is None:
            return False
        major = int(match.group(1))
    if major < MIN_MAJOR:
        return False
    digits = str(major)
    calendar = (
        (len(digits) == 4 and 1990 <= major <= 2100)
        or (len(digits) in (6, 8) and 1990 <= int(digits[:4]) <= 2100)
    )
    return not calendar


class ConfusionVersion(Rule):
    """The version looks chosen to win a dependency-confusion race (``99.0.0``, ``999.0.0``).

    Dependency confusion publishes, on a public index, a package with the name of a company's
    internal package and a huge version, so that installers that consult both indexes prefer it.
    Major versions of 99 and above are flagged, except calendar versions (``2024.1``,
    ``20240107``), which popular projects use. Medium severity with medium confidence on its
    own (suspicious); high with high confidence when the package also runs risky capabilities
    at install, start-up or import time. A metadata rule: off with ``--no-metadata-signals``.
    """

    id = "CW211"
    title = "Dependency-confusion shaped version"
    kind = RuleKind.METADATA

    def check(self, profile: Profile) -> Iterator[Finding]:
        version = profile.identity.version
        if not version or not confusion_shaped(version):
            return
        risky = profile.uses_of(RISKY, EARLY)
        source = profile.identity.metadata.source if profile.identity.metadata else "metadata"
        evidence = [Evidence(Location(source), f"Version: {version}")]
        message = f"version {version} is a major no real release reaches"
        if risky:
            yield self.finding(
                message + "; and it runs "
                + ", ".join(sorted({u.capability for u in risky})) + " early",
                severity=Severity.HIGH, confidence=Confidence.HIGH, phase=earliest(risky),
                evidence=evidence + evidence_of(profile, risky),
                capabilities={u.capability for u in risky},
            )
            return
        yield self.finding(
            message, severity=Severity.MEDIUM, confidence=Confidence.MEDIUM, phase=None,
            evidence=evidence,
        )
