from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_WRITE = ("fs.write",)
_RUN = ("proc.spawn", "proc.shell", "fs.permissions")


class EmbeddedExecutable(Rule):
    """Carries a native program inside its code, writes it out and starts it.

    A Windows, Linux or macOS executable kept in a string (base64, hex or raw bytes) in a file
    that also writes files and starts a process: the program is dropped and launched where no
    download shows. Critical when that file's code runs at install, startup or import; high at
    run time. An executable in a string with no way to run it is only a note: honest packages
    ship programs as files, not as strings in their code.
    """

    id = "CW116"
    title = "Drops and runs an executable hidden in its code"

    def check(self, profile: Profile) -> Iterator[Finding]:
        embedded = profile.facts_of(FactKind.EMBEDDED)
        if not embedded:
            return
        files = {fact.location.path for fact, _ in embedded}
        writes = [u for u in profile.uses_of(_WRITE, tuple(Phase)) if u.location.path in files]
        runs = [u for u in profile.uses_of(_RUN, tuple(Phase)) if u.location.path in files]
        formats = sorted({fact.name for fact, _ in embedded})
        first = embedded[0][0]
        evidence = [
            Evidence(first.location, first.snippet[:120], first.decode_chain),
            *evidence_of(profile, [*writes[:2], *runs[:2]]),
        ]
        if writes and runs:
            early = [u for u in [*writes, *runs] if u.phase in EARLY]
            phase = earliest(early or [*writes, *runs])
            yield self.finding(
                f"Holds a {', '.join(formats)} executable in its code, writes files "
                f"({describe(writes)}) and starts programs ({describe(runs)})",
                severity=Severity.CRITICAL if early else Severity.HIGH,
                confidence=Confidence.HIGH if early else Confidence.MEDIUM,
                phase=phase,
                evidence=evidence,
                capabilities={u.capability for u in [*writes, *runs]},
            )
            return
        yield self.finding(
            f"Holds a {', '.join(formats)} executable in a string",
            severity=Severity.MEDIUM,
            confidence=Confidence.LOW,
            phase=min(phase for _, phase in embedded),
            evidence=evidence,
        )
