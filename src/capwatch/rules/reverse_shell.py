from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.capabilities.shell import SHELLS, program_name
from capwatch.model import CapabilityUse, Confidence, Fact, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, evidence_of

_REDIRECT = frozenset({"os.dup2", "os.dup"})
_DESCRIPTOR = ".fileno"


class ReverseShell(Rule):
    """Connects out and hands a shell to whoever is at the other end.

    A socket wired to a shell's input and output: ``os.dup2(sock.fileno(), 0)`` (and 1, 2)
    next to a socket and a shell started with ``pty.spawn("sh")`` or a process running ``sh``,
    ``bash``, ``cmd`` or PowerShell, or such a process started on a descriptor
    (``call(["/bin/sh", "-i"], stdin=s.fileno(), stdout=s.fileno())``). At install, start-up or import the pieces count anywhere
    in the same file (the code is small and runs top to bottom); at run time they must share a
    function. A reverse shell on install or import gives the attacker the victim's machine:
    critical. At run time, penetration-testing tools ship the same code for their users, so it
    is high, for a reviewer, unless the socket connects to a host written in the code
    (``s.connect(("c2.example", port))``): a tool takes its listener from its user, a back door
    calls home; that is critical at any time.
    """

    id = "CW118"
    title = "Opens a reverse shell"
    names_read = _REDIRECT  # ``os.dup2(s.fileno(), 0)``: no folded argument

    def check(self, profile: Profile) -> Iterator[Finding]:
        everywhere = tuple(Phase)

        def key(phase: Phase, path: str, scope: str) -> str:
            return path if phase in EARLY else scope

        sockets = profile.uses_of(("net.socket",), everywhere)
        shells = [u for u in profile.uses_of(("proc.spawn", "proc.shell"), everywhere) if _shell(u)]
        at_shells = {u.location for u in shells}
        redirects = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.CALL)
            if fact.name in _REDIRECT
            # ``call(["/bin/sh", "-i"], stdin=s.fileno(), stdout=s.fileno())``: the shell
            # started on the socket's descriptor
            or (fact.location in at_shells and any(n.endswith(_DESCRIPTOR) for n in fact.inner))
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
        homes = sorted({
            host for fact, p in profile.facts_of(FactKind.CALL)
            if key(p, fact.location.path, fact.scope) in wired
            and (host := _fixed_host(fact)) is not None
        })
        yield self.finding(
            f"Wires a socket to a shell ({', '.join(sorted({u.via for u in uses})[:4])})"
            + (f" at {phase.label} time" if early else "")
            + (f", connecting to {', '.join(homes[:3])}" if homes else ""),
            severity=Severity.CRITICAL if early or homes else Severity.HIGH,
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


_CONNECTS = frozenset({"socket.create_connection"})
_LOCAL = re.compile(r"(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1?)$", re.IGNORECASE)
_HOST = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9-]+\.)+[a-z]{2,})$", re.IGNORECASE)


def _fixed_host(fact: Fact) -> str | None:
    """The remote host a socket connects to, when the code names it: ``s.connect(("h", p))``
    and ``socket.create_connection(("h", p))`` with ``h`` a literal that is not this machine."""
    if not (fact.name.endswith(".connect") or fact.name in _CONNECTS) or not fact.args:
        return None
    words = fact.args[0].split()
    host = words[0].strip("'\"()[],") if words else ""
    if not _HOST.fullmatch(host) or _LOCAL.fullmatch(host):
        return None
    return host
