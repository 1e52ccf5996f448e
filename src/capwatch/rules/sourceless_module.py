from __future__ import annotations

from collections.abc import Iterator

from capwatch.artifact.members import NESTED_SEPARATOR
from capwatch.model import Confidence, Evidence, Finding, Location, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, evidence_of

_THREATS = (
    "endpoint.", "shell.", "creds.", "token.regex", "persist.autostart", "persist.account",
    "persist.ssh-key", "download.executable",
    "evasion.", "recon.public-ip", "tamper.",
)
"""Indicators in a compiled module's strings that say what its hidden code is for."""


class SourcelessModule(Rule):
    """Ships a module compiled to bytecode without its source.

    A ``mod.pyc`` outside ``__pycache__`` with no ``mod.py`` beside it is imported as the
    module itself: Python runs its bytecode as it would the source, and nobody can read it in
    the release (a known way to slip code past scanners that read only ``.py`` files, ATT&CK
    T1027). Its code objects are read without loading them (names and string constants, see
    :mod:`capwatch.lang.serialized`), and the strings are searched as a source file's would be.

    High with medium confidence when the module runs at install, start-up or import (a package
    module), a low note when it runs only when run; critical with high confidence when its
    strings name a threat (an exfiltration endpoint, a download-and-run command, credential
    stores, persistence): code hidden from review that carries its own drop address. Bytecode
    inside an archive the package carries as data (``runtime.zip!os.pyc``) is not counted: it
    is not imported as the package's modules.
    Honest releases ship source, or compiled extensions built from published source.
    """

    id = "CW127"
    title = "Ships compiled code without its source"

    def check(self, profile: Profile) -> Iterator[Finding]:
        # bytecode inside an archive the package carries as data (a runtime's zipped standard
        # library) is not imported as the package's modules
        compiled = {
            path: plan for path, plan in profile.plans.items()
            if plan.role == "compiled" and NESTED_SEPARATOR not in path
        }
        if not compiled:
            return
        phases = {
            path: profile.phases.phase(f"{plan.module}:<module>")
            for path, plan in compiled.items()
        }
        phase = min(phases.values())
        threats = [i for i in profile.indicators_of(_THREATS) if i.location.path in compiled]
        files = sorted(compiled, key=lambda p: (phases[p], p))
        named = ", ".join(p.rsplit("/", 1)[-1] for p in files[:3]) + (
            f" and {len(files) - 3} more" if len(files) > 3 else ""
        )
        evidence = [Evidence(Location(p), "compiled module, no source") for p in files[:3]]
        if threats:
            kinds = sorted({i.kind for i in threats})
            yield self.finding(
                f"{named} ships as bytecode only, and its strings name {', '.join(kinds)}",
                severity=Severity.CRITICAL,
                confidence=Confidence.HIGH,
                phase=min(phase, min(i.phase for i in threats)),
                evidence=evidence + evidence_of(profile, threats),
                indicators=set(kinds),
            )
            return
        yield self.finding(
            f"{named} ships as bytecode only: the module's code cannot be reviewed",
            severity=Severity.HIGH if phase in EARLY else Severity.LOW,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=evidence,
        )
