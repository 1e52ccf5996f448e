from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_KINDS = ("shell.download-exec", "shell.encoded-powershell", "shell.reverse", "evasion.defender",
          "shell.powershell-bypass", "shell.upload", "shell.run-dropped")
_EARLY_ONLY = frozenset({"shell.powershell-bypass", "shell.upload", "shell.run-dropped"})
"""Kinds counted only in early phases: honest tools' scripts and tests use them when called
(coverage uploaders post files with ``curl --data-binary @file``)."""
_PROC = ("proc.spawn", "proc.shell", "code.exec.dynamic")


class ShellPayload(Rule):
    """Runs a shell command line that downloads and runs code, hides itself, opens a shell, or
    uploads local files.

    ``curl ... | sh``, ``iwr ... | iex``, ``certutil -urlcache``, ``mshta http...``, PowerShell
    with an encoded or hidden command, reverse shells and switching off antivirus, in a package
    that starts processes. Critical in install, startup or import phase; at run time (developer
    scripts run such commands too) a medium note for a reviewer. At run time, PowerShell whose
    only sign is ``-ExecutionPolicy Bypass`` is not counted: activation scripts and test suites
    of honest tools pass it to run their own scripts; hiding the command is what counts. A
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
        if not items or not profile.uses_of(_PROC, tuple(Phase)):
            return
        phase = earliest(items)
        early = phase in EARLY
        yield self.finding(
            f"Shell command: {items[0].value[:160]}",
            severity=Severity.CRITICAL if early else Severity.MEDIUM,
            confidence=Confidence.HIGH if early else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, items),
            capabilities={u.capability for u in profile.uses_of(_PROC, tuple(Phase))},
            indicators={i.kind for i in items},
        )

