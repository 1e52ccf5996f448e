from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from capwatch.capabilities.shell import program_name, simple_commands
from capwatch.lang.python.analyzer import PLACEHOLDER
from capwatch.model import CapabilityUse, Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, command_line, describe, evidence_of

_PHASES = (Phase.INSTALL, Phase.STARTUP)
_PROC = ("proc.spawn", "proc.shell")

_WHO = frozenset({"whoami", "id", "hostname", "systeminfo", "ipconfig", "ifconfig", "getmac",
                  "ps", "tasklist", "ping", "nslookup", "dig", "host"})
"""Programs whose only use is telling who runs where, what runs beside it, or a beacon (a DNS
lookup or ping of a chosen name)."""
_DUMPS = frozenset({"env", "printenv", "set"})
"""Print the whole environment when given no arguments."""
_LISTERS = frozenset({"ls", "dir", "tree", "find", "cat", "type", "more", "head", "tail", "stat"})
"""List or print files: discovery when pointed at the machine rather than the build tree."""
_IDENTITY_APIS = frozenset({"getpass.getuser", "os.getlogin", "socket.gethostname", "platform.node",
                            "socket.getfqdn", "win32api.GetUserName", "win32api.GetComputerName",
                            "psutil.users"})
"""Python calls that name the user or the machine (not the platform: a build asks for that)."""
_NET_ACCOUNTS = frozenset({"user", "users", "localgroup", "group", "view", "config", "share",
                           "session", "accounts"})
_UNAME_HOST = frozenset({"-a", "--all", "-n", "--nodename"})
_SYSTEM_PATH = re.compile(
    r"""^["']?(?:/(?!tmp\b|dev/null\b)|~|\$HOME\b|\$\{HOME\}|%[A-Z]+%|[A-Za-z]:(?:[\\/]|$))""",
    re.IGNORECASE,
)
"""An operand that names the machine's own folders rather than the build tree: an absolute
path (but ``/tmp``), the home folder, a Windows variable or drive."""
_HARDWARE = re.compile(r"""^["']?/(?:proc/(?:cpuinfo|meminfo)|sys/devices/system/cpu)(?:/|["']?$)""")
"""Files that describe the machine's processors and memory: what a build reads to choose
compiler flags or a number of jobs, as it asks ``uname -m`` for the architecture."""
_USER_FOLDER = re.compile(
    rf"^(?:[A-Za-z]:)?[\\/]+(?:Users|home|Documents and Settings)[\\/]+{PLACEHOLDER}(?:[\\/]|$)",
    re.IGNORECASE,
)
"""A path into a user's own folders with the user's name computed (``C:\\Users\\{login}\\Desktop``,
``/home/{user}/.ssh``)."""
_REDIRECTS = frozenset({">", ">>", "<", "1>", "2>", "1>>", "2>>", "&>"})


def discovery(words: Sequence[str]) -> str | None:
    """The command as it should be shown when a simple command explores the host, else None.

    ``whoami``, ``hostname``, ``uname -a``, ``ps``, ``net user``, ``dig name``, ``env`` alone,
    ``ls``/``dir`` alone (the folder pip builds in) or of ``/``, ``/etc``, ``~``, ``C:\\``...;
    not ``uname -m`` (a build asking for the architecture) nor ``ls build/``.
    """
    program = program_name(words[0]).lower()
    operands = _operands(words[1:])
    shown = " ".join(words)[:80]
    if program in _WHO:
        return shown
    if program == "uname":
        return shown if _UNAME_HOST.intersection(operands) else None
    if program in _DUMPS:
        return None if operands else shown
    if program == "net":
        return shown if operands and operands[0].lower() in _NET_ACCOUNTS else None
    if program in _LISTERS:
        paths = [w for w in operands if not w.startswith("-")]
        if program in ("ls", "dir") and not paths:
            return shown
        return shown if any(_SYSTEM_PATH.match(p) and not _HARDWARE.match(p) for p in paths) else None
    return None


def _operands(words: Sequence[str]) -> list[str]:
    """The words of a command without its redirections (``> out``, ``2>/dev/null``)."""
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _REDIRECTS:
            skip = True
        elif not word.startswith((">", "<", "1>", "2>", "&>")):
            out.append(word)
    return out


class HostDiscovery(Rule):
    """Explores the machine with shell commands while being installed.

    A command run in ``install`` or ``startup`` phase that asks who is installing and where:
    ``whoami``, ``id``, ``hostname``, ``uname -a``, ``systeminfo``, ``ipconfig``, ``ps``,
    ``net user``, ``env`` or ``set`` alone (the whole environment), ``ls`` or ``dir`` of the
    folder pip builds in or of the machine's own folders (``ls /``, ``cat /etc/passwd``,
    ``dir C:\\``, ``ls ~``), and DNS lookups or pings of a chosen name (``dig name``, a beacon).
    Building a package needs compilers, ``git``, ``make`` and ``pkg-config``; it never needs to
    know the user, the host or what lies outside the source tree (but for the processors and
    memory it builds for: ``cat /proc/cpuinfo`` is not counted). Probes of this kind are how
    install-time code execution is tried out before a payload is added, and their output is
    often written where it can be collected: critical, medium confidence. Reading the user's or
    the machine's name with Python (``getpass.getuser()``, ``os.getlogin()``,
    ``socket.gethostname()``) at install is the same question asked without a shell; on its own
    it harms nothing, so it is high, for a reviewer (sending it is CW104); using the name
    to reach into that user's own folders (``C:\\Users\\{login}\\Desktop``, ``/home/{user}``)
    is critical: a build that needs the home folder asks for ``~``, and stealers and intrusion
    tests build these paths. Start-up hooks of
    honest tools (a coverage collector naming its data file after the host) read these names,
    so this part counts at install only. Build tools
    (``uname -m``, ``ls build/``, ``cat setup.cfg``) are not counted; at import and run time
    honest tools run these commands for their users, so they are not counted there.
    """

    id = "CW121"
    title = "Explores the host at install"

    def check(self, profile: Profile) -> Iterator[Finding]:
        commands = self._commands(profile)
        if commands is not None:
            yield commands
            return
        identity = [u for u in profile.uses_of(("host.fingerprint",), (Phase.INSTALL,))
                    if u.via in _IDENTITY_APIS]
        if identity:
            reached = self._user_folders(profile, {u.scope for u in identity})
            if reached is not None:
                yield reached
                return
            phase = min(u.phase for u in identity)
            yield self.finding(
                f"At {phase.label} time reads who installs: {describe(identity)}",
                severity=Severity.HIGH,
                confidence=Confidence.MEDIUM,
                phase=phase,
                evidence=evidence_of(profile, identity),
                capabilities={"host.fingerprint"},
            )

    def _user_folders(self, profile: Profile, scopes: set[str]) -> Finding | None:
        """At install, a function that reads the login name and reaches into that user's
        folders by it (``open(f"C:/Users/{os.getlogin()}/Desktop/x", "w")``)."""
        calls = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.CALL, (Phase.INSTALL,))
            if fact.scope in scopes and fact.args and _USER_FOLDER.match(fact.args[0])
        ]
        if not calls:
            return None
        first = calls[0][0]
        return self.finding(
            f"At install time reads who installs and reaches into their folders by name: "
            f"{first.name}({first.args[0][:80]!r})",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=Phase.INSTALL,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, _ in calls[:5]],
            capabilities={"host.fingerprint"},
        )

    def _commands(self, profile: Profile) -> Finding | None:
        hits: list[tuple[CapabilityUse, str]] = []
        for use in profile.uses_of(_PROC, _PHASES):
            line = command_line(use.args)
            if line is None:
                continue
            for words in simple_commands(line):
                shown = discovery(words)
                if shown is not None:
                    hits.append((use, shown))
        if not hits:
            return None
        phase = min(u.phase for u, _ in hits)
        shown_all = list(dict.fromkeys(s for _, s in hits))
        return self.finding(
            f"At {phase.label} time runs {', '.join(shown_all[:4])}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [u for u, _ in hits]),
            capabilities={u.capability for u, _ in hits},
        )
