from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule

_TOP_LEVEL = (":<module>",)
"""The scope of a module's top-level code, where a blob is the module's code."""


class OpaqueCode(Rule):
    """Runs code shipped in a form that nobody can review.

    A module whose top-level code hands an encrypted-looking bytes literal (at least 512 bytes,
    7 or more bits of entropy per byte, nothing the scanner's decoders can unwrap) straight to a
    function, as code protectors do (``runtime(__name__, __file__, b"...")``): what the module
    does is inside the blob and a native runtime, out of any reviewer's sight. Honest packages
    publish reviewable code, or compiled extensions built from published source; data they
    hand to functions at import (resource tables, type descriptors, images) has a structure and
    far less entropy. High when it runs at install or interpreter start, medium at import, and a
    low note in files that run only when run. Either way it asks for a reviewer, not a verdict:
    commercial packages protect their code too.

    A function that hands such a blob to a runtime counts when install or start-up code calls
    it (a custom install command that runs a protected payload, the module's own code
    elsewhere); in functions that run later, a blob handed to a function is as often a
    picture, a font or a key as code, and is not counted.
    """

    id = "CW117"
    title = "Runs encrypted code that cannot be reviewed"

    def check(self, profile: Profile) -> Iterator[Finding]:
        blobs = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.OPAQUE)
            if phase in (Phase.INSTALL, Phase.STARTUP) or fact.scope.endswith(_TOP_LEVEL)
        ]
        if not blobs:
            return
        phase = min(p for _, p in blobs)
        if phase in (Phase.INSTALL, Phase.STARTUP):
            severity = Severity.HIGH
        elif phase in EARLY:
            severity = Severity.MEDIUM
        else:
            severity = Severity.LOW
        at_phase = [f for f, p in blobs if p is phase]
        files = len({f.location.path for f, _ in blobs})
        yield self.finding(
            f"Hands an opaque blob to {at_phase[0].name}() at {phase.label} time "
            f"({at_phase[0].value}; {files} file(s) like this)",
            severity=severity,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet[:120], f.decode_chain) for f in at_phase],
            capabilities={"code.exec.dynamic"},
        )
