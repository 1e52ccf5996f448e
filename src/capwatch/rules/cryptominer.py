from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, command_line, evidence_of

_POOL = re.compile(r"stratum\+(?:tcp|ssl|tls)://|--donate-level\b", re.IGNORECASE)
"""A mining pool's protocol, or the option every XMRig-derived miner has."""
_WALLET = re.compile(
    r"(?<![\w])(?:4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}|dero1q[02-9ac-hj-np-z]{50,})(?![\w])"
)
"""A Monero or Dero address: the coins mined on other people's processors."""
_ENDPOINT = re.compile(
    r"(?<![\w/.])(?:[A-Za-z0-9][\w.-]*\.[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}):\d{2,5}\b"
)
"""A pool's ``host:port``."""


class CryptoMiner(Rule):
    """Starts a cryptocurrency miner.

    A process whose command line names a mining pool (``stratum+tcp://``, XMRig's
    ``--donate-level``), or hands a Monero or Dero wallet address to a program together with
    a server's ``host:port`` (``./worker -o pool.example:3333 -u 4...``, ``-r host:80 -w
    dero1...``): the package spends its user's processor and power to mine coins for someone
    else (resource hijacking). A library that wraps a miner would take the pool and the wallet
    from its user; one that writes them in its code mines for its author. Critical at any time,
    high confidence.
    """

    id = "CW124"
    title = "Starts a cryptocurrency miner"

    def check(self, profile: Profile) -> Iterator[Finding]:
        runs = [
            u for u in profile.uses_of(("proc.spawn", "proc.shell"), tuple(Phase))
            if (line := command_line(u.args)) and _mines(line)
        ]
        if not runs:
            return
        line = command_line(runs[0].args) or ""
        yield self.finding(
            f"Starts a miner: {line[:160]}",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=min(u.phase for u in runs),
            evidence=evidence_of(profile, runs),
            capabilities={u.capability for u in runs},
        )


def _mines(line: str) -> bool:
    """Whether a command line runs a miner: a pool's protocol or option, or a wallet address
    next to a server's ``host:port``."""
    if _POOL.search(line):
        return True
    return bool(_WALLET.search(line)) and bool(_ENDPOINT.search(line))
