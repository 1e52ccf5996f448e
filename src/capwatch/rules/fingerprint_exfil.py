from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.lang.python.analyzer import PLACEHOLDER
from capwatch.model import CapabilityUse, Confidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_COLLECT = ("host.fingerprint", "host.env.dump")
_STRONG = frozenset({"host.fingerprint", "host.env.dump"})
_DROPS = ("endpoint.oob", "endpoint.webhook", "endpoint.paste", "endpoint.ip-url")
"""Where probes and stealers report: request catchers and tunnels, chat webhooks, paste sites,
raw IP addresses."""
_ENV_COPY = "os.environ.copy"
_BOUND_COPY = re.compile(r"^[\w.\[\]\"']+\s*=\s*[\w.]*environ\.copy\(\)\s*$")
"""A statement that only binds a copy of the environment to a name (``env = os.environ.copy()``)."""
_SEND = ("net.http.request", "net.socket", "net.dns", "net.download", "msg.send")
_WHO = frozenset({
    "getpass.getuser", "os.getlogin", "pwd.getpwuid", "psutil.users", "win32api.GetUserName",
    "os.environ['USERNAME']", "os.environ['USER']", "os.environ['LOGNAME']",
})
"""Where code learns who the user is."""
_WHERE = frozenset({
    "socket.gethostname", "platform.node", "socket.getfqdn", "win32api.GetComputerName",
    "os.uname.nodename", "platform.uname.node", "uuid.getnode",
    "os.environ['COMPUTERNAME']", "os.environ['HOSTNAME']", "os.environ['USERDOMAIN']",
})
"""Where code learns which machine this is."""


class FingerprintSent(Rule):
    """Collects facts about the machine and sends them out while installing or loading.

    Host name, user name, hardware address or the whole environment gathered next to a network
    request, DNS lookup or socket (in the same file at install or start-up, in the same function
    at import), all in ``install``, ``startup`` or ``import`` phase. Reading single
    configuration variables does not count. This is how dependency-confusion probes and the first stage of targeted
    attacks report where they landed. Honest packages do not phone home when installed. The
    operating system and architecture alone are not counted: build scripts read them to choose
    what to compile. A copy of the environment bound to a name as it is (``env =
    os.environ.copy()``, what a child process is started with) counts only when it flows into
    what is sent. Identity variables of the environment (``USERNAME``, ``COMPUTERNAME``...)
    count as identity, and so does asking a what-is-my-IP service for the public address. Identity
    or the whole environment sent during install or interpreter start is critical, and so is,
    at import, identity written straight into the request that sends it
    (``requests.get(url + socket.gethostname())``, or through a helper that collects it and
    whose result is sent: ``urlopen(url, data=dumps(context()))``), and identity collected and
    sent by a module's own top-level code, whatever names it passes through on the way (``data
    = {"host": gethostname()}``, ``urlopen(url + encode(data))``). A DNS lookup counts as
    sending when the name it looks up has a domain written in the code
    (``f"{data}.example.invalid"``, or a constant name); resolving a name only computed at run
    time, such as the machine's own host name, asks nothing of anyone else.
    At any time, one function that collects identity or the whole environment and sends it, in
    a file that names a request catcher, tunnel, chat webhook, paste site or raw IP address, is
    critical: that is a probe reporting home, whoever calls it. At run time, a module whose own
    top-level code writes identity straight into the request that sends it is high: a file that
    nothing installs or imports (misplaced, or run only as a script) still reports the user and
    host wherever it runs, which no honest script does without being asked. It is critical when
    what it writes there says both who the user is and which machine this is
    (``getpass.getuser()`` and ``socket.gethostname()``) and the reply is never read: the
    report of a probe, whatever file it sits in; an honest script that registers a machine
    reads what the server answers.
    """

    id = "CW104"
    title = "Sends host information over the network at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        collect = profile.uses_of(_COLLECT, EARLY) + [
            CapabilityUse("host.fingerprint", i.phase, i.location, f"public IP lookup ({i.value})",
                          i.scope, i.decode_chain, i.snippet)
            for i in profile.indicators_of(("recon.public-ip",), EARLY)
        ]
        send = [u for u in profile.uses_of(_SEND, EARLY) if u.capability != "net.dns" or _names_a_domain(u)]
        # ``env = os.environ.copy()`` prepares what a child process is started with: such a copy
        # counts only when it reaches what is sent (a copy serialised or otherwise made part
        # of a value, ``json.dumps(os.environ.copy())``, ``dict(os.environ)``, counts as it is).
        copies = {
            f.location for f, _ in profile.facts_of(FactKind.CALL, EARLY)
            if f.name == _ENV_COPY and _BOUND_COPY.search(f.snippet)
        }
        if copies:
            fed = _fed_to_sends(profile, send)
            collect = [u for u in collect if u.location not in copies or u.via in fed]
        # Install and start-up code is small: one file is close enough. Import-time code of a
        # large library is not, so there collecting and sending must share a function (a
        # helper whose result is what the function sends is part of it).
        sender_of = _senders_of_helpers(profile, send) if collect and send else {}

        def key(use: CapabilityUse) -> str:
            if use.phase is not Phase.IMPORT:
                return use.location.path
            return sender_of.get(use.scope, use.scope)

        together = {key(u) for u in collect} & {key(u) for u in send}
        if not together:
            found = list(self._sent_to_drop(profile)) or list(self._script_report(profile))
            yield from found
            return
        collect = [u for u in collect if key(u) in together]
        send = [u for u in send if key(u) in together]
        fingerprint = any(u.capability in _STRONG for u in collect)
        phase = earliest([*collect, *send])
        strong_phase = min((u.phase for u in collect if u.capability in _STRONG), default=None)
        # Identity written straight into the request (``get(url + socket.gethostname())``) is
        # a report of where the package landed, whatever the phase.
        # So is identity a helper collects and returns, where its result is what is sent
        # (``urlopen(url, data=dumps(context()))``).
        fed = _fed_to_sends(profile, send)
        inline = any(
            u.capability in _STRONG and (u.via in fed or u.scope in sender_of) for u in collect
        )
        # A module whose own top-level code collects identity and sends: straight-line code
        # that reports home as it is imported, whatever names the data passes through.
        send_scopes = {u.scope for u in send}
        top_level = any(
            u.capability in _STRONG and u.phase is Phase.IMPORT
            and u.scope.endswith(":<module>") and u.scope in send_scopes
            for u in collect
        )
        critical = strong_phase in (Phase.INSTALL, Phase.STARTUP) or inline or top_level
        yield self.finding(
            f"Collects {describe(collect)} and reaches the network ({describe(send)})"
            f" at {phase.label if phase is not None else 'load'} time",
            severity=Severity.CRITICAL if critical else Severity.HIGH if fingerprint else Severity.MEDIUM,
            confidence=Confidence.HIGH if fingerprint else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*send, *collect]),
            capabilities={u.capability for u in [*collect, *send]},
        )

    def _sent_to_drop(self, profile: Profile) -> Iterator[Finding]:
        """At any time: one function that collects identity or the whole environment and sends
        it, in a file that names a request catcher, tunnel, chat webhook, paste site or raw IP."""
        everywhere = tuple(Phase)
        collect = profile.uses_of(_STRONG, everywhere)
        send = [u for u in profile.uses_of(_SEND, everywhere) if u.capability != "net.dns"]
        drops = profile.indicators_of(_DROPS, everywhere)
        drop_files = {i.location.path for i in drops}
        scopes = {
            u.scope for u in collect if u.location.path in drop_files
        } & {u.scope for u in send}
        if not scopes:
            return
        collect = [u for u in collect if u.scope in scopes]
        send = [u for u in send if u.scope in scopes]
        files = {u.location.path for u in send}
        drops = [i for i in drops if i.location.path in files]
        yield self.finding(
            f"One function collects {describe(collect)} and sends it ({describe(send)})"
            f" to {drops[0].value[:80]}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=earliest([*collect, *send]),
            evidence=evidence_of(profile, [*send, *collect, *drops]),
            capabilities={u.capability for u in [*collect, *send]},
            indicators={i.kind for i in drops},
        )

    def _script_report(self, profile: Profile) -> Iterator[Finding]:
        """At run time: a module's own top-level code that writes identity straight into the
        request that sends it (a script, or a file that nothing installs or imports)."""
        later = (Phase.RUNTIME,)
        collect = [
            u for u in profile.uses_of(_STRONG, later) if u.scope.endswith(":<module>")
        ]
        if not collect:
            return
        scopes = {u.scope for u in collect}
        send = [
            u for u in profile.uses_of(_SEND, later)
            if u.scope in scopes and u.capability != "net.dns"
        ]
        fed = _fed_to_sends(profile, send)
        collect = [u for u in collect if u.via in fed and u.scope in {s.scope for s in send}]
        if not collect:
            return
        scopes = {u.scope for u in collect}
        send = [u for u in send if u.scope in scopes]
        vias = {u.via for u in collect}
        unread = {f.location for f, _ in profile.facts_of(FactKind.UNREAD_REPLY, later)}
        beacon = bool(vias & _WHO and vias & _WHERE) and any(u.location in unread for u in send)
        yield self.finding(
            f"A module's top-level code sends {describe(collect)} ({describe(send)}) when the"
            " file runs" + (", and never reads the reply" if beacon else ""),
            severity=Severity.CRITICAL if beacon else Severity.HIGH,
            confidence=Confidence.MEDIUM,
            phase=Phase.RUNTIME,
            evidence=evidence_of(profile, [*send, *collect]),
            capabilities={u.capability for u in [*collect, *send]},
        )


def _fed_to_sends(profile: Profile, send: list[CapabilityUse]) -> set[str]:
    """The names computed inside, or flowing into, the calls that send."""
    send_at = {u.location for u in send}
    return {
        name for fact, _ in profile.facts_of(FactKind.CALL) if fact.location in send_at
        for name in (*fact.inner, *fact.sources)
    }


def _senders_of_helpers(profile: Profile, send: list[CapabilityUse]) -> dict[str, str]:
    """The package's functions whose result a call that sends is handed (``urlopen(url,
    data=dumps(context()))``), by scope id, each to the scope of the call that sends it."""
    scope_at = {u.location: u.scope for u in send}
    found: dict[str, str] = {}
    for fact, _ in profile.facts_of(FactKind.CALL):
        sender = scope_at.get(fact.location)
        if sender is None:
            continue
        for name in fact.inner:
            module, _, function = name.rpartition(".")
            if module:
                found.setdefault(f"{module}:{function}", sender)
    return found


def _names_a_domain(use: CapabilityUse) -> bool:
    """A DNS lookup of a name with a domain written in the code: constant, or a template whose
    constant part holds a dot (``….oast.example``)."""
    if not use.args or "=" in use.args[0]:
        return False  # no name folded (``family=socket.AF_INET`` is a keyword, not a name)
    return "." in use.args[0].replace(PLACEHOLDER, "")
