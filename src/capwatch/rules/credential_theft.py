from __future__ import annotations

from collections.abc import Iterator

from capwatch.capabilities.indicators import find_indicators
from capwatch.model import (
    CapabilityUse,
    Confidence,
    FactKind,
    Finding,
    Indicator,
    Phase,
    Severity,
)
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import STAGING_HOSTS, Rule, earliest, evidence_of, when

_STEALER = ("creds.browser", "creds.wallet", "creds.messenger", "token.regex")
_EARLY_ONLY = ("creds.cloud", "creds.system", "creds.cloud-metadata")
_METADATA = "creds.cloud-metadata"
_BUILD = frozenset({Phase.INSTALL, Phase.STARTUP})
"""Cloud SDKs and error reporters ask the instance-metadata service where they run, even at
import; only install and start-up code has no reason to."""
_NET = ("net.http.request", "net.download", "net.socket", "msg.send", "net.dns")
_DROPS = ("endpoint.webhook", "endpoint.paste", "endpoint.oob")
"""Where stolen data is dropped: a chat webhook with its secret, a paste site, a request catcher."""
_SECRET_FILES = ("creds.cloud", "creds.system", "creds.dotenv")
"""Files that hold secrets as they stand: SSH and cloud keys, registry logins, shell history, a
project's ``.env``."""
_FILE_READS = frozenset({
    "open", "io.open", "codecs.open", "pathlib.Path.read_text", "pathlib.Path.read_bytes",
    "?.read", "?.read_text", "?.read_bytes",
})
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
    registry or cloud, not there), or one function names three or more such files (SSH keys,
    cloud keys, cluster and registry settings) beside its request: it gathers them to send.
    Cloud instance-metadata addresses (``169.254.169.254``, ``metadata.google.internal``), where
    a build machine's cloud credentials can be read, count at install and interpreter start:
    nothing needs them while a package installs (cloud SDKs and error reporters ask the service
    where they run, even at import, so import does not count, unless the same function asks
    the service and also sends a request to another address written in the code: it relays
    what the service hands out; a list of hosts a fetcher refuses names the service without
    asking it).
    At any time, one function that gathers credential files (keys, cloud settings, shell
    history) and sends them to a raw IP address, a chat webhook, a paste site or a request
    catcher is critical: no honest client ships its user's secrets there. So is, at any time,
    a file that goes after a stealer's kind of store (browser, wallet, chat token) and names
    its drop: a chat webhook with its secret token, a paste site or a request catcher, and a
    file that reaches the network and both hunts tokens with a regular expression and reads
    where browsers or chat clients keep them: a token grabber, whoever calls it. Cookie tools
    read browser stores without hunting tokens; secret scanners hunt tokens in the user's own
    files, not in browser and chat-client stores.
    In install, start-up and import code, one function that names the token variables of two
    services or more (a package registry's, a code host's, a CI or deployment service's:
    ``NPM_TOKEN``, ``TWINE_PASSWORD``, ``GITHUB_TOKEN``, ``CI_JOB_TOKEN``) and reaches the network
    is critical: a build that fetches from one service reads that service's token (``GH_TOKEN``
    or ``GITHUB_TOKEN``), while a harvester in a CI job collects them all.
    """

    id = "CW107"
    title = "Harvests credentials and can send them"
    names_read = _FILE_READS  # ``f.read()``: a call with nothing else to it

    def check(self, profile: Profile) -> Iterator[Finding]:
        sent = list(self._secrets_sent(profile))
        if sent:
            yield from sent
            return
        early_caps = profile.uses_of(("fs.read.credentials",), EARLY)
        early_net = profile.uses_of(_NET, EARLY)
        net_scopes = {u.scope for u in early_net}
        # Cloud and SSH credential paths are everyday client configuration: early, they count
        # only where the same function also reaches the network.
        relayed = _metadata_relayed(profile, early_net)
        early_items = profile.indicators_of(_STEALER, EARLY) + [
            i for i in profile.indicators_of(_EARLY_ONLY, EARLY)
            if any(u.location.path == i.location.path and u.scope in net_scopes for u in early_net)
            and (i.kind != _METADATA or i.phase in _BUILD or i in relayed)
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
                yield from (
                    list(self._tokens_gathered(profile)) or self._sent_to_throwaway(profile)
                )
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
        # ... one store at a time: a function that gathers several (SSH keys, cloud keys,
        # cluster and registry settings) and reaches the network collects them to send
        gathered = early and _gathers_stores(items)
        strong = early and (
            phase is Phase.INSTALL or not everyday_only or on_import or staged or gathered
            or any(i in relayed for i in items)
        )
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

    def _secrets_sent(self, profile: Profile) -> Iterator[Finding]:
        """Install, start-up or import code where one function names a file that holds secrets
        (an SSH or cloud key, a registry login, a project's ``.env``), reads files, and sends
        a request that carries what it reads (``files={"f": open(path, "rb")}``) or whose reply
        nothing reads (a drop, not a login)."""
        secrets = profile.indicators_of(_SECRET_FILES, EARLY)
        if not secrets:
            return
        named = {i.scope for i in secrets}
        calls = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.CALL, EARLY)
            if fact.scope in named
        ]
        reading = {fact.scope for fact, _ in calls if fact.name in _FILE_READS}
        if not reading:
            return
        requests = {u.location: u for u in profile.uses_of(("net.http.request",), EARLY)}
        blind = {
            fact.location for fact, _ in profile.facts_of(FactKind.UNREAD_REPLY, EARLY)
            if fact.scope in reading
        }
        carrying = {
            fact.location for fact, _ in calls
            if fact.scope in reading and fact.location in requests
            and not _FILE_READS.isdisjoint((*fact.inner, *fact.sources))
        }
        sends = [requests[at] for at in sorted(blind | carrying, key=str) if at in requests]
        if not sends:
            return
        scopes = {u.scope for u in sends}
        items = [i for i in secrets if i.scope in scopes]
        phase = min(i.phase for i in items)
        files = sorted({i.value for i in items})
        yield self.finding(
            f"Reads {', '.join(files[:3])} and sends it out {when(phase)}"
            + (" without reading the reply" if blind else ""),
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=phase,
            evidence=evidence_of(profile, [*items[:3], *sends[:2]]),
            capabilities={u.capability for u in sends},
            indicators={i.kind for i in items},
        )

    def _tokens_gathered(self, profile: Profile) -> Iterator[Finding]:
        """Install, start-up or import code where one function names the token variables of
        two services or more (a registry's and a code host's: ``NPM_TOKEN``, ``GITHUB_TOKEN``)
        and reaches the network."""
        tokens = profile.indicators_of((_ENV_TOKEN,), EARLY)
        if not tokens:
            return
        net = profile.uses_of(_NET, EARLY)
        net_scopes = {u.scope for u in net}
        services: dict[str, set[str]] = {}
        for token in tokens:
            if token.scope in net_scopes:
                services.setdefault(token.scope, set()).add(token_service(token.value))
        scopes = {scope for scope, found in services.items() if len(found) >= 2}
        if not scopes:
            return
        tokens = [i for i in tokens if i.scope in scopes]
        net = [u for u in net if u.scope in scopes]
        names = sorted({i.value for i in tokens})
        phase = min(i.phase for i in tokens)
        gathered = sorted(set().union(*(services[s] for s in scopes)))
        yield self.finding(
            f"Gathers the tokens of {', '.join(gathered)} ({', '.join(names[:4])}) and reaches"
            f" the network {when(phase)}",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=phase,
            evidence=evidence_of(profile, [*tokens[:3], *net[:2]]),
            capabilities={u.capability for u in net},
            indicators={_ENV_TOKEN},
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


GATHERED_STORES = 3
"""Distinct credential files (SSH keys, cloud keys, cluster and registry settings) one function
reads, with the network in that function, from which it gathers rather than logs in."""


def _gathers_stores(items: list[Indicator]) -> bool:
    """Whether one function names ``GATHERED_STORES`` or more distinct credential files."""
    by_scope: dict[str, set[str]] = {}
    for item in items:
        if item.kind == "creds.cloud":
            by_scope.setdefault(item.scope, set()).add(item.value.lower().replace("\\", "/"))
    return any(len(stores) >= GATHERED_STORES for stores in by_scope.values())


def _metadata_relayed(profile: Profile, early_net: list[CapabilityUse]) -> list[Indicator]:
    """Instance-metadata addresses, at import, in a function whose requests ask the metadata
    service (an address written in the code) and also another address written in the code:
    what the service hands out (the machine's cloud credentials) is relayed. Cloud SDKs and
    error reporters ask the service where they run, and send nothing elsewhere from that
    function; a list of hosts a fetcher refuses names the service without asking it."""
    found = []
    for item in profile.indicators_of((_METADATA,), (Phase.IMPORT,)):
        addresses = [
            u.args[0] for u in early_net
            if u.scope == item.scope and u.args and "://" in u.args[0]
        ]
        # the service asked (not an address in a list of hosts to refuse), and another host
        if any(map(_metadata_address, addresses)) and not all(map(_metadata_address, addresses)):
            found.append(item)
    return found


def _metadata_address(url: str) -> bool:
    """Whether a request's address names the metadata service (the catalogue's indicator)."""
    return any(kind == _METADATA for kind, _ in find_indicators(url))


_ENV_TOKEN = "creds.env-token"
_TOKEN_SERVICES = (
    ("npm", ("NPM_", "NODE_AUTH_")), ("PyPI", ("PYPI_", "TWINE_")),
    ("GitHub", ("GITHUB_", "GH_", "ACTIONS_")), ("GitLab", ("GITLAB_", "CI_JOB_")),
    ("Docker", ("DOCKER",)), ("CircleCI", ("CIRCLE",)), ("Travis CI", ("TRAVIS_",)),
    ("Bitbucket", ("BITBUCKET_",)), ("crates.io", ("CARGO_",)), ("RubyGems", ("RUBYGEMS_", "GEM_")),
    ("Vercel", ("VERCEL_",)), ("Netlify", ("NETLIFY_",)), ("Heroku", ("HEROKU_",)),
    ("DigitalOcean", ("DIGITALOCEAN_",)), ("Cloudflare", ("CLOUDFLARE_",)), ("Slack", ("SLACK_",)),
    ("Discord", ("DISCORD_",)),
)


def token_service(name: str) -> str:
    """The service whose token an environment variable of ``creds.env-token`` holds."""
    for service, prefixes in _TOKEN_SERVICES:
        if name.startswith(prefixes):
            return service
    return name
