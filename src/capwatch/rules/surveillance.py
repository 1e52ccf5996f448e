from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_SPY = ("host.screen.capture", "host.keylog", "host.clipboard", "host.camera")
_NET = ("net.http.request", "net.socket", "msg.send")


class Surveillance(Rule):
    """Watches the user (screen, keystrokes, clipboard, camera) and can send what it sees.

    Screen capture, key logging, clipboard reading (and replacing what was read), and camera or
    microphone use,
    in a package that also reaches the network. High when any of it runs on install, startup or
    import; a reviewer's question otherwise, since screenshot and automation tools do this
    honestly when called. One function that captures and sends, in a file that holds a chat
    webhook or bot with its secret token (``discord.com/api/webhooks/<id>/<token>``), is
    critical at any time: what it sees goes to a channel its author reads, not to its user.
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
