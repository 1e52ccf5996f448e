from __future__ import annotations

from collections.abc import Iterator, Sequence

from capwatch.model import CapabilityUse, Confidence, Finding, Indicator, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_KINDS = ("shell.download-exec", "shell.encoded-powershell", "shell.reverse", "evasion.defender",
          "shell.powershell-bypass", "shell.upload", "shell.run-dropped")
_EARLY_ONLY = frozenset({"shell.powershell-bypass", "shell.upload", "shell.run-dropped"})
"""Kinds counted only in early phases: honest tools' scripts and tests use them when called
(coverage uploaders post files with ``curl --data-binary @file``)."""
_PROC = ("proc.spawn", "proc.shell", "code.exec.dynamic")
_INSTALL_OR_STARTUP = frozenset({Phase.INSTALL, Phase.STARTUP})


class ShellPayload(Rule):
    """Runs a shell command line that downloads and runs code, hides itself, opens a shell, or
    uploads local files.

    ``curl ... | sh``, ``iwr ... | iex``, ``certutil -urlcache``, ``mshta http...``, PowerShell
    with an encoded or hidden command, reverse shells and switching off antivirus, in a package
    that starts processes. Critical in install, startup or import phase; at run time (developer
    scripts run such commands too) a medium note for a reviewer. At run time, PowerShell whose
    only sign is ``-ExecutionPolicy Bypass`` is not counted: activation scripts and test suites
    of honest tools pass it to run their own scripts; hiding the command is what counts. At
    import and run time, a command in code that starts no process itself (an exception's message
    or a command's help telling the user ``curl -fsSL https://host/install.sh | sh``, a table of
    install instructions, a script a function builds for a container elsewhere) is not counted:
    the package may show it or hand it on, but nothing shows that it runs it. The code that
    holds a command is its function, or a module's top-level code together with the functions
    that code calls; for a command kept in a module-level name, the code that reads the name
    first; a command written encoded, or in code that does not parse, counts wherever it is. A
    command that uploads a local file (``curl -F f=@/etc/passwd``, ``curl -T``, ``wget
    --post-file``) counts only at install, start-up or import: installing a package never needs
    to send the machine's files anywhere, while coverage and release scripts do it when run. So
    does a command that makes a file in a temporary or home folder executable and runs it
    (``cd /tmp && chmod +x node && ./node``, ``chmod 755 /dev/shm/x; /dev/shm/x``): a build runs
    the tools in its own tree (``chmod +x configure && ./configure``), not a file dropped in
    ``/tmp``.
    """

    id = "CW106"
    title = "Runs a download-and-execute or hidden shell command"

    def check(self, profile: Profile) -> Iterator[Finding]:
        items = [i for i in profile.indicators_of(_KINDS) if i.phase in EARLY or i.kind not in _EARLY_ONLY]
        starts = profile.uses_of(_PROC, tuple(Phase))
        if not items or not starts:
            return
        # outside install and start-up code, only a command the code that holds it may run
        items = [
            i for i in items
            if i.phase in _INSTALL_OR_STARTUP or _run_where_written(profile, i, starts)
        ]
        if not items:
            return
        phase = earliest(items)
        early = phase in EARLY
        yield self.finding(
            f"Shell command: {items[0].value[:160]}",
            severity=Severity.CRITICAL if early else Severity.MEDIUM,
            confidence=Confidence.HIGH if early else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, items),
            capabilities={u.capability for u in starts},
            indicators={i.kind for i in items},
        )


def _run_where_written(
    profile: Profile, item: Indicator, starts: Sequence[CapabilityUse]
) -> bool:
    """Whether the code that holds a command may run it: that code (its function; a module's
    top-level code together with the functions it calls directly; for a module-level name's
    value, the code that reads the name first) starts a process, or the command is written
    encoded (hidden for a reason), or it was read out of lines the parser could not read (line
    0: what would run it is unknown)."""
    if item.decode_chain or item.location.line == 0:
        return True
    scope = profile.phases.parent.get(item.holder, "") if item.holder else item.scope
    if not scope:
        return False  # a module-level name nothing reads
    return any(use.scope == scope or profile.load_unit(use.scope) == scope for use in starts)
