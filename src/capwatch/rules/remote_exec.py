from __future__ import annotations

from collections.abc import Iterator

from capwatch.capabilities.catalog import load_catalog
from capwatch.model import Confidence, FactKind, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, evidence_of

_EXEC = frozenset({"exec", "eval", "compile", "execfile"})
_NET = frozenset({"net.http.request", "net.download", "net.socket"})


class RemoteCodeExecuted(Rule):
    """Downloads code and executes it in the interpreter.

    ``exec(urlopen(url).read())`` and its variants fetch the real payload from a server at the
    moment the package runs, so nothing malicious needs to be in the upload and the attacker can
    change it at will. Found as a network call nested in the argument of ``exec``, ``eval`` or
    ``compile``. No honest package evaluates what it downloads.
    """

    id = "CW102"
    title = "Executes code fetched from the network"

    def check(self, profile: Profile) -> Iterator[Finding]:
        matcher = load_catalog().matcher("python")
        hits = []
        for fact, phase in profile.facts_of(FactKind.CALL):
            if fact.name in _EXEC and any(_NET & set(matcher.match(n)) for n in fact.inner):
                hits.append((fact, phase))
        if not hits:
            return
        phase = min(p for _, p in hits)
        uses = [u for u in profile.uses if u.capability == "code.exec.dynamic"
                and any(u.location == f.location for f, _ in hits)]
        early = phase in EARLY
        yield self.finding(
            f"Executes code downloaded at {phase.label} time"
            f" ({', '.join(sorted({n for f, _ in hits for n in f.inner if set(matcher.match(n)) & _NET}))})",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH if early else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses),
            capabilities={"code.exec.dynamic", "net.http.request"},
        )
