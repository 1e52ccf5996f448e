from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.model import CapabilityUse, Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_SPY = ("host.screen.capture", "host.keylog", "host.clipboard", "host.camera")
_NET = ("net.http.request", "net.socket", "msg.send")
_WALLET_ADDRESS = re.compile(
    r"(?:bc1|ltc1)[02-9ac-hj-np-z]{25,87}"  # Bitcoin and Litecoin, bech32
    r"|[13LM][1-9A-HJ-NP-Za-km-z]{25,34}"  # Bitcoin and Litecoin, base58
    r"|0x[0-9a-fA-F]{40}"  # Ethereum and its chains
    r"|T[1-9A-HJ-NP-Za-km-z]{33}"  # Tron
    r"|4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}"  # Monero
)
"""A cryptocurrency address, the whole of a text."""


class Surveillance(Rule):
    """Watches the user (screen, keystrokes, clipboard, camera) and can send what it sees.

    Screen capture, key logging, clipboard reading (and replacing what was read), and camera or
    microphone use,
    in a package that also reaches the network. High when any of it runs on install, startup or
    import; a reviewer's question otherwise, since screenshot and automation tools do this
    honestly when called. One function that captures and sends, in a file that holds a chat
    webhook or bot with its secret token (``discord.com/api/webhooks/<id>/<token>``), is
    critical at any time: what it sees goes to a channel its author reads, not to its user.
    So is, network or not, a clipper: one function that reads the clipboard and puts on it a
    cryptocurrency address written in the code (``if WALLET.match(paste()): copy("bc1q...")``),
    so that what its user pays goes to that address. A copy button puts the user's own text on
    the clipboard (a donation address too, but not in the function that reads it).
    """

    id = "CW130"
    title = "Spies on the user and can send it out"

    def check(self, profile: Profile) -> Iterator[Finding]:
        spy = profile.uses_of(_SPY, tuple(Phase))
        # Putting text on the clipboard is what "copy" buttons do; replacing what was read
        # from it (a clipper) is spying: count writes only in files that also read it.
        reads = {u.location.path for u in spy if u.capability == "host.clipboard"}
        spy += [u for u in profile.uses_of(("host.clipboard.write",), tuple(Phase))
                if u.location.path in reads]
        read_in = {u.scope for u in spy if u.capability == "host.clipboard"}
        swapped = [
            u for u in spy
            if u.capability == "host.clipboard.write" and u.scope in read_in and _pays_to(u)
        ]
        if swapped:
            yield self.finding(
                f"Reads the clipboard and replaces it with the cryptocurrency address"
                f" {_pays_to(swapped[0])} written in the code: a clipper",
                severity=Severity.CRITICAL,
                confidence=Confidence.HIGH,
                phase=earliest(swapped),
                evidence=evidence_of(profile, [
                    *(u for u in spy if u.scope == swapped[0].scope), *swapped
                ]),
                capabilities={"host.clipboard", "host.clipboard.write"},
            )
            return
        net = profile.uses_of(_NET, tuple(Phase))
        if not spy or not net:
            return
        early = [u for u in spy if u.phase in EARLY]
        files = {u.location.path for u in spy} & {u.location.path for u in net}
        if not early and not files:
            return
        hooks = {i.location.path: i for i in profile.indicators_of(("endpoint.webhook",), tuple(Phase))}
        sending = {u.scope for u in net if u.location.path in hooks}
        reported = [u for u in spy if u.scope in sending]
        if reported:
            yield self.finding(
                f"Captures with {describe(reported)} and sends it from the same function to"
                f" {hooks[reported[0].location.path].value[:80]}, a chat channel whose secret the"
                " file holds",
                severity=Severity.CRITICAL,
                confidence=Confidence.MEDIUM,
                phase=earliest(reported),
                evidence=evidence_of(profile, [hooks[reported[0].location.path], *reported]),
                capabilities={u.capability for u in [*reported, *net] if u.scope in sending},
                indicators={"endpoint.webhook"},
            )
            return
        yield self.finding(
            f"Uses {describe(spy)} alongside {describe(net)}",
            severity=Severity.HIGH if early else Severity.MEDIUM,
            confidence=Confidence.MEDIUM,
            phase=earliest(spy),
            evidence=evidence_of(profile, spy),
            capabilities={u.capability for u in [*spy, *net]},
        )


def _pays_to(use: CapabilityUse) -> str | None:
    """The cryptocurrency address a clipboard write puts there, when its text is one."""
    for text in use.args:
        if _WALLET_ADDRESS.fullmatch(text.strip()):
            return text.strip()
    return None
