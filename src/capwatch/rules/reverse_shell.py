from __future__ import annotations

from collections.abc import Iterator

from capwatch.capabilities.shell import SHELLS, program_name
from capwatch.model import CapabilityUse, Confidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, evidence_of

_REDIRECT = frozenset({"os.dup2", "os.dup"})


class ReverseShell(Rule):
    """Connects out and hands a shell to whoever is at the other end.

    A socket wired to a shell's input and output: ``os.dup2(sock.fileno(), 0)`` (and 1, 2)
    next to a socket and a shell started with ``pty.spawn("sh")`` or a process running ``sh``,
    ``bash``, ``cmd`` or PowerShell. At install, start-up or import the pieces count anywhere
    in the same file (the code is small and runs top to bottom); at run time they must share a
    function. A reverse shell on install or import gives the attacker the victim's machine:
    critical. At run time, penetration-testing tools ship the same code for their users, so it
    is high, for a reviewer.
    """

    id = "CW118"
    title = "Opens a reverse shell"

    def check(self, profile: Profile) -> Iterator[Finding]:
        everywhere = tuple(Phase)

        def key(phase: Phase, path: str, scope: str) -> str:
            return path if phase in EARLY else scope

        sockets = profile.uses_of(("net.socket",), everywhere)
        shells = [u for u in profile.uses_of(("proc.spawn", "proc.shell"), everywhere) if _shell(u)]
        redirects = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.CALL)
            if fact.name in _REDIRECT
        ]
        wired = (
            {key(u.phase, u.location.path, u.scope) for u in sockets}
            & {key(u.phase, u.location.path, u.scope) for u in shells}
            & {key(p, f.location.path, f.scope) for f, p in redirects}
        )
        if not wired:
            return
        uses = [u for u in [*sockets, *shells] if key(u.phase, u.location.path, u.scope) in wired]
        phase = min(u.phase for u in uses)
        early = phase in EARLY
        yield self.finding(
            f"Wires a socket to a shell ({', '.join(sorted({u.via for u in uses})[:4])})"
            + (f" at {phase.label} time" if early else ""),
            severity=Severity.CRITICAL if early else Severity.HIGH,
            confidence=Confidence.HIGH if early else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses),
            capabilities={u.capability for u in uses},
            indicators=("shell.reverse",),
        )


def _shell(use: CapabilityUse) -> bool:
    """A process that is an interactive shell: ``pty.spawn("bash")``, ``Popen(["/bin/sh", "-i"])``."""
    words = use.args[0].split() if use.args else []
    return bool(words) and program_name(words[0]).lower() in SHELLS
