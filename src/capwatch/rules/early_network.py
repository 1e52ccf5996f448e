from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_MESSAGE = "msg.send"
_NET = ("net.http.request", "net.download", "net.socket", _MESSAGE)


class EarlyNetwork(Rule):
    """Reaches the network while being installed, or at every interpreter start.

    A request, download or socket in ``install`` phase (``setup.py``, in-tree build backends,
    custom commands) or ``startup`` phase (``.pth`` files, ``sitecustomize``). Some build scripts
    download sources or binaries, so on its own this asks for a reviewer rather than a verdict;
    other rules say when what is fetched or sent makes it malware. Chat and mail clients are the
    exception: a bot or mail session (``telebot.TeleBot``, ``discord.SyncWebhook``,
    ``smtplib.SMTP.sendmail``) in install or start-up code is critical, since a build has nothing
    to tell anyone by chat or mail, and a stealer reports what it took that way.
    """

    id = "CW111"
    title = "Uses the network at install or interpreter start"

    def check(self, profile: Profile) -> Iterator[Finding]:
        uses = profile.uses_of(_NET, (Phase.INSTALL, Phase.STARTUP))
        if not uses:
            return
        phase = earliest(uses)
        messages = [u for u in uses if u.capability == _MESSAGE]
        if messages:
            yield self.finding(
                f"Sends chat or mail messages at {phase.label if phase is not None else 'install'}"
                f" time: {describe(messages)}",
                severity=Severity.CRITICAL,
                confidence=Confidence.HIGH,
                phase=earliest(messages),
                evidence=evidence_of(profile, uses),
                capabilities={u.capability for u in uses},
            )
            return
        yield self.finding(
            f"Network use at {phase.label if phase is not None else 'install'} time: {describe(uses)}",
            severity=Severity.MEDIUM,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses),
            capabilities={u.capability for u in uses},
        )
