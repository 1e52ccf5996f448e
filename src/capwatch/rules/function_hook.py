from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.python.analyzer import PLACEHOLDER
from capwatch.model import CapabilityUse, Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import STAGING_HOSTS, Rule, evidence_of, when

_SEND = ("net.http.request", "net.socket", "msg.send")
_REACH = 4
"""Calls followed from a hook to where it sends."""


class HookSendsOut(Rule):
    """Replaces another package's function with its own, which sends data to a host it names.

    ``Keypair.from_bytes = staticmethod(_hook)`` in a module's top-level code: from the moment
    the package is imported (or installed, or the interpreter starts), every call of the other
    package's function runs the package's instead, with the caller's arguments (a private key,
    a password, a request). When that function, or one it calls, sends a request to an address
    written in the code (``requests.post("https://host/log", json=...)``), what the caller
    hands the other package leaks to that host: the shape of a wallet or credential thief
    riding a popular library. High, for a reviewer (an agent that instruments a library may
    report to its vendor); critical when the host is a raw IP address, paste site, chat
    webhook, request catcher, tunnel or throwaway host. A wrapper that passes the call on
    (``return _original(self, url, **kw)``) names no address of its own and does not count, nor
    does a function that never reaches the network.
    """

    id = "CW131"
    title = "Hooks another package's function to send data out"

    def check(self, profile: Profile) -> Iterator[Finding]:
        patches = list(profile.facts_of(FactKind.PATCHED, EARLY))
        if not patches:
            return
        hooks = {fact.value for fact, _ in patches if fact.value}
        hook_of = {
            u: hook for u in profile.uses_of(_SEND, tuple(Phase))
            if _names_address(u) and (hook := _hook_of(profile, u.scope, hooks)) is not None
        }
        if not hook_of:
            return
        sends = list(hook_of)
        sending = set(hook_of.values())
        patched = [(f, p) for f, p in patches if f.value in sending]
        drops = [
            i for i in profile.indicators_of(STAGING_HOSTS, tuple(Phase))
            if i.location.path in {u.location.path for u in sends}
        ]
        fact, phase = patched[0]
        hook = (fact.value or "").rsplit(":", 1)[-1]
        names = ", ".join(sorted({f.name for f, _ in patched})[:3])
        yield self.finding(
            f"Puts {hook} in place of {names} {when(phase)}; it sends to"
            f" {_address(sends[0])}" + (f" ({drops[0].value[:60]})" if drops else ""),
            severity=Severity.CRITICAL if drops else Severity.HIGH,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[
                *(Evidence(f.location, f.snippet) for f, _ in patched[:2]),
                *evidence_of(profile, sends),
            ],
            capabilities={u.capability for u in sends},
            indicators={i.kind for i in drops},
        )


def _hook_of(profile: Profile, scope: str, hooks: set[str]) -> str | None:
    """The hook function ``scope`` is, is nested in, or is first reached from (``_hook``
    starting a thread that runs ``_report``)."""
    for step in reversed(profile.phases.path_to(scope, limit=_REACH)):
        if step in hooks:
            return step
        hook = next((h for h in hooks if step.startswith(h + ".")), None)
        if hook is not None:
            return hook
    return None


def _names_address(use: CapabilityUse) -> bool:
    """A request whose address is written in the code (``"https://host/log"``), not handed on."""
    first = use.args[0] if use.args else ""
    return "://" in first and not first.startswith(PLACEHOLDER)


def _address(use: CapabilityUse) -> str:
    return use.args[0][:80] if use.args else use.via
