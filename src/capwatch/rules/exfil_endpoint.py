from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_ENDPOINTS = ("endpoint.webhook", "endpoint.oob", "endpoint.paste")
_WEAK = ("endpoint.ip-url", "endpoint.dynamic-dns")
_NET = ("net.http.request", "net.download", "net.socket", "net.dns", "msg.send", "proc.shell",
        "proc.spawn")


class ExfiltrationEndpoint(Rule):
    """Talks to infrastructure built for receiving stolen data or staging payloads.

    Chat webhooks and bot APIs, out-of-band interaction and request-capture services, tunnels,
    paste sites and anonymous file drops (strong), or raw-IP and dynamic-DNS URLs (weak), in
    a package that also reaches the network. Strong endpoints in code that runs at install,
    startup or import are critical; weak ones (raw IP addresses, dynamic DNS) early are a low
    note that adds weight to other findings. In code that
    runs only when called they are a low note: chat SDKs and tunnelling tools name these
    services honestly.
    """

    id = "CW105"
    title = "Contacts an exfiltration or payload-hosting endpoint"

    def check(self, profile: Profile) -> Iterator[Finding]:
        strong = profile.indicators_of(_ENDPOINTS)
        weak = profile.indicators_of(_WEAK, EARLY)
        if not strong and not weak:
            return
        net_early = profile.uses_of(_NET, EARLY)
        net_any = profile.uses_of(_NET, tuple(Phase))
        if not net_any:
            return
        strong_early = [i for i in strong if i.phase in EARLY]
        if strong_early and net_early:
            severity, confidence, items = Severity.CRITICAL, Confidence.HIGH, strong_early
        elif strong_early:
            severity, confidence, items = Severity.HIGH, Confidence.MEDIUM, strong_early
        elif strong:
            severity, confidence, items = Severity.LOW, Confidence.MEDIUM, strong
        elif net_early:
            severity, confidence, items = Severity.LOW, Confidence.MEDIUM, weak
        else:
            return
        yield self.finding(
            f"Refers to {', '.join(sorted({i.value for i in items})[:3])}"
            + (" in code that runs on install or import" if items[0].phase in EARLY else ""),
            severity=severity,
            confidence=confidence,
            phase=earliest(items),
            evidence=evidence_of(profile, items),
            capabilities={u.capability for u in (net_early or net_any)},
            indicators={i.kind for i in items},
        )
