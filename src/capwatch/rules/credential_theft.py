from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import STAGING_HOSTS, Rule, earliest, evidence_of

_STEALER = ("creds.browser", "creds.wallet", "creds.messenger", "token.regex")
_EARLY_ONLY = ("creds.cloud", "creds.system", "creds.cloud-metadata")
_METADATA = "creds.cloud-metadata"
_BUILD = frozenset({Phase.INSTALL, Phase.STARTUP})
"""Cloud SDKs and error reporters ask the instance-metadata service where they run, even at
import; only install and start-up code has no reason to."""
_NET = ("net.http.request", "net.download", "net.socket", "msg.send", "net.dns")
_DROPS = ("endpoint.webhook", "endpoint.paste", "endpoint.oob")
"""Where stolen data is dropped: a chat webhook with its secret, a paste site, a request catcher."""
_TOKEN_HUNT = "token.regex"
_TOKEN_STORES = frozenset({"creds.browser", "creds.messenger"})
"""Where a token grabber looks for what its regular expression hunts: browser and chat-client
stores."""


class CredentialHarvest(Rule):
    """Goes after stored credentials and has a way to send them out.

    Browser profile stores (saved logins, cookies, keys), wallet files and wallet extensions,
    chat-client token stores, or regular expressions that hunt for chat-client tokens (not the
    cloud-key shapes secret scanners and log redactors look for), in a package that
    also reaches the network: the shape of an info-stealer. Critical when it happens in code
    that runs on install, startup or import. At run time many honest clients read one kind of
    store (``.netrc``, cloud keys, a browser profile for cookies), so only a file that goes after
    several kinds and reaches the network is flagged, for a reviewer. SSH keys and cloud
    credential files count only in install, startup or import code, and one kind of them alone
    at import (a packaging tool reading ``.pypirc`` to log in) is high rather than critical,
    unless the module's own top-level code reads it and reaches the network (a service-account
    token read and sent as the module is imported) or its file names a raw IP address, paste
    site, chat webhook, request catcher or throwaway host name (a client logs in to its
    registry or cloud, not there).
    Cloud instance-metadata addresses (``169.254.169.254``, ``metadata.google.internal``), where
    a build machine's cloud credentials can be read, count at install and interpreter start:
    nothing needs them while a package installs (cloud SDKs and error reporters ask the service
    where they run, even at import, so import does not count).
    At any time, one function that gathers credential files (keys, cloud settings, shell
    history) and sends them to a raw IP address, a chat webhook, a paste site or a request
    catcher is critical: no honest client ships its user's secrets there. So is, at any time,
    a file that goes after a stealer's kind of store (browser, wallet, chat token) and names
    its drop: a chat webhook with its secret token, a paste site or a request catcher, and a
    file that reaches the network and both hunts tokens with a regular expression and reads
    where browsers or chat clients keep them: a token grabber, whoever calls it. Cookie tools
    read browser stores without hunting tokens; secret scanners hunt tokens in the user's own
    files, not in browser and chat-client stores.
    """

    id = "CW107"
    title = "Harvests credentials and can send them"

    def check(self, profile: Profile) -> Iterator[Finding]:
        early_caps = profile.uses_of(("fs.read.credentials",), EARLY)
        early_net = profile.uses_of(_NET, EARLY)
        net_scopes = {u.scope for u in early_net}
        # Cloud and SSH credential paths are everyday client configuration: early, they count
        # only where the same function also reaches the network.
        early_items = profile.indicators_of(_STEALER, EARLY) + [
            i for i in profile.indicators_of(_EARLY_ONLY, EARLY)
            if any(u.location.path == i.location.path and u.scope in net_scopes for u in early_net)
            and (i.kind != _METADATA or i.phase in _BUILD)
        ]
        dropped_to: set[str] = set()
        grabbed: set[str] = set()
        if (early_items or early_caps) and early_net:
            items, caps, early = early_items, early_caps, True
        else:
            # At run time many honest clients read credential stores; a stealer goes after
            # several kinds of them (browsers and wallets and chat tokens) in one file.
            items = profile.indicators_of(_STEALER)
            caps = []
            by_file: dict[str, set[str]] = {}
            for item in items:
                by_file.setdefault(item.location.path, set()).add(item.kind)
            net_files = {u.location.path for u in profile.uses_of(_NET, tuple(Phase))}
            drops = {i.location.path for i in profile.indicators_of(_DROPS)}
            files = {f for f, kinds in by_file.items() if len(kinds) >= 2 or f in drops}
            items = [i for i in items if i.location.path in files & net_files]
            early = False
            if not items:
                yield from self._sent_to_throwaway(profile)
                return
            dropped_to = {i.location.path for i in items} & drops
            grabbing = {
                f for f, kinds in by_file.items()
                if _TOKEN_HUNT in kinds and kinds & _TOKEN_STORES
            }
            grabbed = {i.location.path for i in items} & grabbing
        net = early_net if early else profile.uses_of(_NET, tuple(Phase))
        phase = earliest([*items, *caps])
        kinds = {i.kind for i in items}
        # One kind of everyday client credential (a registry's .pypirc, a cloud key file) read
        # at import by code that talks to the network is how packaging and cloud clients
        # authenticate; at install, or with a stealer's kind, or with several kinds, it is not.
        everyday_only = not caps and kinds <= set(_EARLY_ONLY) and len(kinds) == 1
        # ... in the functions its user calls; a module whose own top-level code reads the
        # credential and reaches the network sends it as it is imported
        on_import = early and any(
            i.phase is Phase.IMPORT and i.scope.endswith(":<module>") and i.scope in net_scopes
            for i in items
        )
        # ... to its registry or cloud: not to a raw IP, paste site, webhook or request catcher
        staged = early and bool(
            {i.location.path for i in items}
            & {i.location.path for i in profile.indicators_of(STAGING_HOSTS, EARLY)}
        )
        strong = early and (phase is Phase.INSTALL or not everyday_only or on_import or staged)
        drop = [i for i in profile.indicators_of(_DROPS) if i.location.path in dropped_to]
        yield self.finding(
            f"Reads {', '.join(sorted(kinds | {u.capability for u in caps}))} and reaches the network"
            + (f"; names its drop {drop[0].value[:80]}" if drop else ""),
            severity=Severity.CRITICAL if strong or drop or grabbed else Severity.HIGH,
            confidence=Confidence.HIGH if strong else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*items, *caps, *drop]),
            capabilities={u.capability for u in [*caps, *net]},
            indicators=kinds | {i.kind for i in drop},
        )

    def _sent_to_throwaway(self, profile: Profile) -> Iterator[Finding]:
        """At run time: one function that gathers credential files and sends them to a raw IP
        address, a webhook, a paste site or a request catcher."""
        everywhere = tuple(Phase)
        creds = profile.indicators_of(("creds.",), everywhere)
        sinks = profile.indicators_of(STAGING_HOSTS, everywhere)
        if not creds or not sinks:
            return
        net_scopes = {u.scope for u in profile.uses_of((*_NET, "proc.shell"), everywhere)}
        scopes = {i.scope for i in creds} & {i.scope for i in sinks} & net_scopes
        if not scopes:
            return
        items = [i for i in [*creds, *sinks] if i.scope in scopes]
        kinds = {i.kind for i in items}
        yield self.finding(
            f"Gathers {', '.join(sorted(k for k in kinds if k.startswith('creds.')))} and sends "
            f"them to {', '.join(sorted({i.value for i in sinks if i.scope in scopes})[:2])}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=earliest(items),
            evidence=evidence_of(profile, items),
            capabilities={u.capability for u in profile.uses_of(_NET, everywhere)
                          if u.scope in scopes},
            indicators=kinds,
        )
