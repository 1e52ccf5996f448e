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
    A file named as Python source whose bytes are a native executable, as they stand or
    encrypted with a one-byte XOR key (``utilities.py`` that is a DLL), is hidden from anyone
    who reads the package and from scanners that look for programs by their name: high, and
    critical (medium confidence) when the package also starts programs, as the loader that
    decrypts and runs it does.
    """

    id = "CW116"
    title = "Drops and runs an executable hidden in its code"

    def check(self, profile: Profile) -> Iterator[Finding]:
        yield from self._disguised(profile)
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

    def _disguised(self, profile: Profile) -> Iterator[Finding]:
        """A file named as source that is a native executable, encrypted or not."""
        disguised = profile.facts_of(FactKind.DISGUISED_EXECUTABLE)
        if not disguised:
            return
        runs = profile.uses_of(_RUN, tuple(Phase))
        first = disguised[0][0]
        yield self.finding(
            f"{first.location.path} is not source but a {first.value}"
            + (f"; the package starts programs ({describe(runs)})" if runs else ""),
            severity=Severity.CRITICAL if runs else Severity.HIGH,
            confidence=Confidence.MEDIUM,
            phase=min(phase for _, phase in disguised),
            evidence=[
                *(Evidence(f.location, "", f.decode_chain, f.value) for f, _ in disguised[:3]),
                *evidence_of(profile, runs[:2]),
            ],
            capabilities={u.capability for u in runs},
        )
