from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.capabilities.catalog import load_catalog
from capwatch.model import (
    CapabilityUse,
    Confidence,
    Evidence,
    FactKind,
    Finding,
    Indicator,
    Phase,
    Severity,
)
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, decoded_chain, earliest, evidence_of

_WEBHOOK = "endpoint.webhook"
_ENDPOINTS = (_WEBHOOK, "endpoint.oob", "endpoint.paste")
_WEAK = ("endpoint.ip-url", "endpoint.dynamic-dns")
_ADDRESS = re.compile(r"(?:https?|wss?|ftp)://[\w.-]+(?::\d+)?(?:/\S*)?", re.ASCII)
"""A whole decoded text that is one web address."""
_HOST = re.compile(
    r"(?:(?:https?|wss?|ftp)://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:/\S*)?"
    r"|(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?",
    re.ASCII | re.IGNORECASE,
)
"""A whole decoded text that is a host name, an IP address or a web address."""
_BUILD = frozenset({Phase.INSTALL, Phase.STARTUP})
_SHORTENER = "endpoint.shortener"
"""A link shortener: counted only written encoded, where it hides a destination twice over."""
_REACH = ("net.http.request", "net.download", "net.socket", "net.dns", "msg.send")
_SWEEPS = frozenset({"os.listdir", "os.walk", "os.scandir", "glob.glob", "glob.iglob",
                     "?.rglob", "?.iterdir"})
"""Calls that list what a folder holds."""
_OPENS = frozenset({"open", "io.open"})
_USER_PLACES = re.compile(
    r"(?:/|~|/home|/Users|/root|/storage/emulated/0|/sdcard|[A-Za-z]:\\+Users"
    r"|.*[\\/](?:Desktop|Documents|Pictures|DCIM|Downloads))[\\/]*",
    re.IGNORECASE,
)
"""A whole folder of the user's: the root, a home folder, a phone's storage, a desktop."""
_NET = (*_REACH, "proc.shell", "proc.spawn")
_CATALOGUE_HOSTS = 3
"""A module-level name whose value names this many services' hosts or more lists them."""


class ExfiltrationEndpoint(Rule):
    """Talks to infrastructure built for receiving stolen data or staging payloads.

    Chat webhooks and bot APIs, out-of-band interaction and request-capture services, tunnels,
    paste sites and anonymous file drops (strong), or raw-IP and dynamic-DNS URLs (weak), in
    a package that also reaches the network. Strong endpoints in code that runs at install or
    startup are critical, and at import when their own file reaches the network at import or
    they are a module's constant that import-time code reads (a large library names hosts in
    data its modules hold: tables of supported sites), unless that constant lists three services
    or more (``CAPTURE_HOSTS = ["webhook.site", "requestbin.com", "ngrok.io"]`` in a tool that
    warns about them: a sender keeps one channel); weak ones (raw IP addresses, dynamic DNS)
    early are a low note that adds weight to other findings. In code that runs only when called
    they are a low note: chat SDKs and tunnelling tools name these
    services honestly; but a chat webhook or bot address with its secret token (or a chat bot's
    token on its own, ``"123456789:AA..."``, with the address built around it) in a file that
    itself sends requests is high whenever it runs (an honest library does not ship the secret
    of a channel someone else reads), and any of them, raw IP addresses and link shorteners
    included, written encoded so that only decoding shows it (``b64decode("aHR0cHM6Ly9…")``) is
    critical at any time (medium confidence): an honest package has no reason to hide that it talks to a
    webhook, a paste site or a bare IP address. Any other web address decoded from encoded
    text in a file that reaches the network, or a host handed to a network call that decodes it
    (``gethostbyname(b64decode("..."))``), is a hidden destination, often a dead drop whose
    reply names the real one: high, and critical in install or start-up code (an honest
    client may keep its own address encoded; it does not contact it while being installed),
    or when the request to it sends values named as secrets (``{"sk": secret_key}``): an SDK
    that posts its user's keys to a host it hides is stealing them, whoever calls it. So is a
    hidden destination used as a dead drop that relays: the function that contacts it reads
    who the user is (login or host name) and connects to a destination taken from an answer,
    or the file sends data to a destination another request's answer names
    (``post(get(hidden).text, json=vault)``) and never reads the reply. A file
    that holds such a chat secret, lists folders (``os.listdir``, ``os.walk``, ``glob``), opens
    files to read their bytes (``open(path, "rb")``) and names a whole folder of the user's
    itself (``"/"``, ``"~/Documents"``, ``"/sdcard/DCIM"``, ``C:\\Users``) is critical at any
    time: it sweeps the user's disk for files and posts them to a channel its author reads. A
    folder the caller chooses leaves it high.
    """

    id = "CW105"
    title = "Contacts an exfiltration or payload-hosting endpoint"
    names_read = _SWEEPS

    def check(self, profile: Profile) -> Iterator[Finding]:
        strong = profile.indicators_of(_ENDPOINTS)
        weak = profile.indicators_of(_WEAK, EARLY)
        masked = profile.indicators_of((*_WEAK, _SHORTENER))
        if not strong and not weak and not masked:
            yield from self._hidden_address(profile)
            return
        net_early = profile.uses_of(_NET, EARLY)
        net_any = profile.uses_of(_NET, tuple(Phase))
        if not net_any:
            return
        note = ""
        # Install and start-up code is small: an endpoint there pairs with any network use of
        # that code. A library's modules name services in data at import (tables of supported
        # sites, examples): there the endpoint's own file must reach the network at import, or
        # the endpoint be a module's constant that import-time code reads (its phase is theirs).
        net_files = {u.location.path for u in net_early}
        listed = _catalogues(strong)
        strong_early = [
            i for i in strong
            if i.phase in _BUILD
            or (
                i.phase is Phase.IMPORT
                and i.holder not in listed
                and (i.constant or i.location.path in net_files)
            )
        ]
        if strong_early and net_early:
            severity, confidence, items = Severity.CRITICAL, Confidence.HIGH, strong_early
        elif strong_early:
            severity, confidence, items = Severity.HIGH, Confidence.MEDIUM, strong_early
        elif hidden := _hidden(profile, [*strong, *masked]):
            # staging infrastructure that only decoding reveals: nobody hides such an address
            # to be honest, whoever calls the code
            severity, confidence, items = Severity.CRITICAL, Confidence.MEDIUM, hidden
            note = ", written so that only decoding shows it"
        elif secrets := _secrets_in_senders(strong, profile.uses_of(_REACH, tuple(Phase))):
            # a chat channel's own secret, in the file that talks to the network: whoever holds
            # it reads what is posted there, and an honest library does not ship one
            severity, confidence, items = Severity.HIGH, Confidence.MEDIUM, secrets
            note = ", a chat webhook or bot with its secret, in a file that sends requests"
            sweeping = _sweeping(profile, {i.location.path for i in secrets})
            if sweeping:
                severity = Severity.CRITICAL
                items = [i for i in secrets if i.location.path in sweeping]
                note += ", lists folders and reads files' bytes"
        elif strong:
            severity, confidence, items = Severity.LOW, Confidence.MEDIUM, strong
        elif net_early and weak:
            severity, confidence, items = Severity.LOW, Confidence.MEDIUM, weak
        else:
            yield from self._hidden_address(profile)
            return
        yield self.finding(
            f"Refers to {', '.join(sorted({i.value for i in items})[:3])}"
            + (" in code that runs on install or import" if items[0].phase in EARLY else note),
            severity=severity,
            confidence=confidence,
            phase=earliest(items),
            evidence=evidence_of(profile, items),
            capabilities={u.capability for u in (net_early or net_any)},
            indicators={i.kind for i in items},
        )

    def _hidden_address(self, profile: Profile) -> Iterator[Finding]:
        """A destination that the package writes encoded and decodes: a web address in a file
        that reaches the network, or a host or address handed straight to a network call
        (``gethostbyname(b64decode("..."))``). Hidden from whoever reads the code: a dead drop
        that names the real destination, a server that hands out commands, a probe's
        collector. Critical in install and start-up code, high elsewhere; critical at any time
        when the request to it sends values named as secrets (``secret_key``,
        ``self.password``): credentials stolen by a library that hides where they go; and
        when the function that contacts it reads who the user is (login or host name) and
        opens a connection to a destination taken from an answer it read: a dead drop that
        names where the user's identity goes; and when the file sends data to a destination
        that another request's answer names and never reads the reply
        (``post(get(hidden).text, json=data)``)."""
        everywhere = tuple(Phase)
        reach = profile.uses_of(_REACH, everywhere)
        net_files = {u.location.path for u in reach}
        found = [
            (fact.location, fact.snippet, fact.decode_chain, fact.value.strip(), phase, fact.scope)
            for fact, phase in profile.facts_of(FactKind.DECODED)
            if fact.value and fact.location.path in net_files and decoded_chain(fact.decode_chain)
            and _ADDRESS.fullmatch(fact.value.strip())
        ]
        for use in reach:
            shown = profile.decoded_at.get(use.location)
            if shown is not None and decoded_chain(shown[1]) and _HOST.fullmatch(shown[0].strip()):
                found.append(
                    (use.location, use.snippet, shown[1], shown[0].strip(), use.phase, use.scope)
                )
        if not found:
            return
        phase = min(item[4] for item in found)
        # secrets handed to the very request whose destination is hidden: stolen credentials
        sent = {fact.location: fact.args for fact, _ in profile.facts_of(FactKind.SECRET_SENT)}
        secrets = sorted({name for item in found for name in sent.get(item[0], ())})
        relayed = "" if secrets else _relay(
            profile, {item[5] for item in found}, {item[0].path for item in found}, reach
        )
        if phase in _BUILD:
            where = f", at {phase.label} time"
        elif secrets:
            where = f", and sends it {', '.join(secrets[:3])}"
        elif relayed:
            where = relayed
        else:
            where = ", in a file that reaches the network"
        yield self.finding(
            f"Decodes the destination {found[0][3][:100]} from text written encoded" + where,
            severity=Severity.CRITICAL if phase in _BUILD or secrets or relayed else Severity.HIGH,
            confidence=Confidence.HIGH if phase in _BUILD else Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(item[0], item[1], item[2], item[3]) for item in found[:5]],
            capabilities={u.capability for u in reach},
        )


_REPLY_READS = (".read", ".getresponse", ".json", ".text", ".content", ".recv")
"""How code reads a server's answer."""
_FETCHES = frozenset({"net.http.request", "net.download"})


def _relay(
    profile: Profile, scopes: set[str], paths: set[str], reach: list[CapabilityUse]
) -> str:
    """How the code around a hidden destination relays data onward, as the end of a message
    (empty when it does not): a function that reads who the user is and makes a network call
    whose destination or data comes from an answer; or, in the file, a request built from
    another request's answer (``post(get(hidden).text, json=data)``) whose reply nothing reads.
    """
    identity = {
        u.scope for u in profile.uses_of(("host.fingerprint",), tuple(Phase)) if u.scope in scopes
    }
    calls = {u.location for u in reach if u.scope in identity}
    unread = {
        f.location for f, _ in profile.facts_of(FactKind.UNREAD_REPLY) if f.location.path in paths
    }
    if not calls and not unread:
        return ""
    match = load_catalog().matcher("python").match
    for fact, _ in profile.facts_of(FactKind.CALL):
        if fact.location in calls and any(s.endswith(_REPLY_READS) for s in fact.sources):
            return (", and in the same function sends who the user is to a destination taken"
                    " from an answer")
        if fact.location in unread and any(
            _FETCHES & set(match(name)) for name in (*fact.inner, *fact.sources)
        ):
            return (", and sends data to a destination another request's answer names,"
                    " never reading the reply")
    return ""


def _sweeping(profile: Profile, paths: set[str]) -> set[str]:
    """The files among ``paths`` that list folders, open files to read their bytes and hand a
    whole folder of the user's to a call."""
    listing: set[str] = set()
    reading: set[str] = set()
    places: set[str] = set()
    for fact, _ in profile.facts_of(FactKind.CALL):
        path = fact.location.path
        if path not in paths:
            continue
        if fact.name in _SWEEPS:
            listing.add(path)
        elif fact.name in _OPENS and "rb" in fact.args:
            reading.add(path)
        if any(_USER_PLACES.fullmatch(arg.split("=", 1)[-1]) for arg in fact.args):
            places.add(path)
    return listing & reading & places


def _secrets_in_senders(strong: list[Indicator], net: list[CapabilityUse]) -> list[Indicator]:
    """Chat webhooks and bot API addresses with their secret token (``endpoint.webhook``) in a
    file that itself reaches the network (a request, socket, DNS lookup or chat client)."""
    files = {u.location.path for u in net}
    return [i for i in strong if i.kind == _WEBHOOK and i.location.path in files]


def _hidden(profile: Profile, found: list[Indicator]) -> list[Indicator]:
    """The endpoints that only decoding shows: found in decoded text, or in a payload that the
    scanner decoded (a name folded through ``b64decode`` reads as its decoded value wherever it
    is used, so the same address may also have been met, undecorated, in a call's arguments)."""
    if not found:
        return []
    decoded = [
        fact.value for fact, _ in profile.facts_of(FactKind.DECODED)
        if fact.value and fact.decode_chain
    ]
    return [i for i in found if i.decode_chain or any(i.value in text for text in decoded)]


def _catalogues(strong: list[Indicator]) -> set[str]:
    """Module-level names whose value lists several such services (``SUSPICIOUS_HOSTS =
    ["webhook.site", "requestbin.com", "ngrok.io", ...]`` in a tool that warns about them): a
    table of services, not a destination. A sender keeps one channel, or fallbacks on one."""
    hosts: dict[str, set[str]] = {}
    for item in strong:
        if item.holder:
            hosts.setdefault(item.holder, set()).add(_service(item.value))
    return {holder for holder, named in hosts.items() if len(named) >= _CATALOGUE_HOSTS}


def _service(value: str) -> str:
    """The service an endpoint's text names: the last two labels of its host."""
    host = value.split("://", 1)[-1].lstrip("/").split("/", 1)[0].split(":", 1)[0].lower()
    return ".".join(host.split(".")[-2:])
