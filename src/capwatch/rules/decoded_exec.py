from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.python.analyzer import DROPPED_STEP
from capwatch.model import (
    CapabilityUse,
    Confidence,
    Evidence,
    FactKind,
    Finding,
    Location,
    Phase,
    Severity,
    chain_text,
)
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, decoded_chain
from capwatch.unpack.decoders import DECODERS

_SINKS = frozenset({"code.exec.dynamic", "code.load.bytecode", "proc.spawn", "proc.shell"})
_PROCESS = frozenset({"proc.spawn", "proc.shell"})
_EXEC_CALLS = frozenset({"exec", "eval", "compile"})


class DecodedPayloadExecuted(Rule):
    """Runs code that is hidden in an encoded or compressed literal.

    The package hands the result of a decoding chain (base64, hex, zlib, reversal, XOR, marshal,
    ``chr`` lists...) to ``exec``, ``eval``, ``compile`` or a process (also when the decoding
    happens in a helper function whose result is the command line; at install or start-up, a
    command that goes through a decoder is enough, whether or not the scanner can decode it,
    and so is, at any time, code handed to ``exec``, ``eval`` or ``compile`` through a decoder:
    ``exec(unmix(b64decode(b"...")))`` with a cipher of the package's own),
    or the decoded text is
    itself code that reaches for processes, the network or dynamic execution. Honest packages
    ship readable code; hiding what runs is the signature of a payload. In ``install``,
    ``startup`` or ``import`` phase this is critical. Behind a function nobody calls at load
    time it is critical too when the hidden code starts processes, reaches the network or
    executes more code, or is compiled bytecode (``marshal``): nothing honest hides those
    from its reviewers; a decoded payload that does none of that is high.
    """

    id = "CW101"
    title = "Executes a decoded payload"
    names_read = frozenset(DECODERS)  # a scope that calls a decoder is a decoding helper

    def check(self, profile: Profile) -> Iterator[Finding]:
        decoded = profile.facts_of(FactKind.DECODED)
        executed = [(f, p) for f, p in decoded if f.name == "exec" and decoded_chain(f.decode_chain)]
        inside = [u for u in profile.uses if decoded_chain(u.decode_chain) and u.capability in _SINKS | {
            "net.http.request", "net.download", "net.socket"} and DROPPED_STEP not in u.decode_chain]
        inside += [u for u in profile.uses if u.capability in _PROCESS and _given_decoded(profile, u)]
        inside += [u for u in _decoding_commands(profile) if u not in inside]
        decoded_here = {f.location for f, _ in executed}
        sinks = [
            u for u in _decoding_exec(profile)
            if u not in inside and u.location not in decoded_here
        ]
        # what the hidden code does is unknown: the sink is not something it uses
        caps = {u.capability for u in inside}
        inside += sinks
        if not executed and not inside:
            return
        phases = [p for _, p in executed] + [u.phase for u in inside]
        phase = min(phases)
        evidence = [
            Evidence(f.location, f.snippet, f.decode_chain, f.value) for f, _ in executed
        ]
        for use in inside:
            if all(e.location != use.location for e in evidence):
                shown = profile.decoded_at.get(use.location)
                chain = use.decode_chain or (shown[1] if shown else ())
                evidence.append(Evidence(use.location, use.snippet, chain,
                                         shown[0] if shown else None))
        chains = {chain_text(e.decode_chain) for e in evidence if e.decode_chain}
        early = phase in EARLY
        hidden_bytecode = any("marshal.loads" in e.decode_chain for e in evidence)
        yield self.finding(
            f"{'At ' + phase.label + ' time, r' if early else 'R'}uns code decoded from "
            f"{', '.join(sorted(chains)) or 'a literal'}"
            + (f"; the payload uses {', '.join(sorted(caps))}" if caps else ""),
            severity=Severity.CRITICAL if early or caps or hidden_bytecode else Severity.HIGH,
            confidence=Confidence.HIGH if (early or caps) else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence,
            capabilities=caps | {"code.decode"},
        )




def _given_decoded(profile: Profile, use: CapabilityUse) -> bool:
    """A process started with a command line that a decoding chain produced, at its call."""
    if decoded_chain(use.decode_chain):
        return False  # already counted as code inside a payload
    decoded = profile.decoded_at.get(use.location)
    return (
        decoded is not None
        and decoded_chain(decoded[1])
        and DROPPED_STEP not in decoded[1]
        # one character (``chr(0x0141)`` as a test's argument) hides no command
        and len(decoded[0].strip()) > 1
    )


def _decoding_exec(profile: Profile) -> list[CapabilityUse]:
    """``exec``, ``eval`` or ``compile`` handed what a decoder makes (``exec(unmix(b64decode(
    b"...")))``), at any time, even when the scanner cannot undo the whole chain (a cipher of
    the package's own)."""
    runs = [
        u for u in profile.uses_of(("code.exec.dynamic",), tuple(Phase))
        if not u.decode_chain and u.via in _EXEC_CALLS
    ]
    if not runs:
        return []
    fed = _fed(profile, runs, traced=False)
    return [u for u in runs if any(n in DECODERS for n in fed.get(u.location, ()))]


def _fed(
    profile: Profile, uses: list[CapabilityUse], *, traced: bool
) -> dict[Location, set[str]]:
    """The calls whose results the call at each use's location is handed: nested in its
    arguments, and with ``traced``, also those that feed the names it reads."""
    at = {u.location for u in uses}
    fed: dict[Location, set[str]] = {}
    for fact, _ in profile.facts_of(FactKind.CALL):
        if fact.location in at:
            fed.setdefault(fact.location, set()).update(
                fact.inner, fact.sources if traced else ()
            )
    return fed


def _decoding_commands(profile: Profile) -> list[CapabilityUse]:
    """Processes started at install or start-up with a command that a decoder makes, at the
    call, through a name the command is held in, or in a helper of the package's that the
    call's argument goes through (``os.system(unwrap("..."))``, ``def unwrap(s): return
    b64decode(s).decode()``), even when the scanner cannot decode the text itself."""
    early = [
        u for u in profile.uses_of(tuple(_PROCESS), (Phase.INSTALL, Phase.STARTUP))
        if not u.decode_chain
    ]
    if not early:
        return []
    fed = _fed(profile, early, traced=True)
    if not any(fed.values()):
        return []
    helpers = {fact.scope for fact, _ in profile.facts_of(FactKind.CALL) if fact.name in DECODERS}

    def decodes(name: str) -> bool:
        if name in DECODERS:
            return True
        module, _, function = name.rpartition(".")
        return f"{module}:{function}" in helpers

    return [u for u in early if any(decodes(n) for n in fed.get(u.location, ()))]
