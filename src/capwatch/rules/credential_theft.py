from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_STEALER = ("creds.browser", "creds.wallet", "creds.messenger", "token.regex")
_EARLY_ONLY = ("creds.cloud", "creds.system")
_NET = ("net.http.request", "net.download", "net.socket", "msg.send", "net.dns")


class CredentialHarvest(Rule):
    """Goes after stored credentials and has a way to send them out.

    Browser profile stores (saved logins, cookies, keys), wallet files and wallet extensions,
    chat-client token stores, or regular expressions that hunt for tokens, in a package that
    also reaches the network: the shape of an info-stealer. SSH keys and cloud credential files
    are read legitimately by many clients at run time, so they count only in code that runs on
    install, startup or import.
    """

    id = "CW107"
    title = "Harvests credentials and can send them"

    def check(self, profile: Profile) -> Iterator[Finding]:
        items = profile.indicators_of(_STEALER) + profile.indicators_of(_EARLY_ONLY, EARLY)
        caps = profile.uses_of(("fs.read.credentials",), tuple(Phase))
        net = profile.uses_of(_NET, tuple(Phase))
        if not (items or caps) or not net:
            return
        phase = earliest([*items, *caps])
        early = phase in EARLY or any(u.phase in EARLY for u in net)
        kinds = {i.kind for i in items}
        strong = len(kinds) >= 2 or bool(caps and items)
        yield self.finding(
            f"Reads {', '.join(sorted(kinds | {u.capability for u in caps}))} and reaches the network",
            severity=Severity.CRITICAL if early or strong else Severity.HIGH,
            confidence=Confidence.HIGH if early or strong else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*items, *caps]),
            capabilities={u.capability for u in [*caps, *net]},
            indicators=kinds,
        )
