from __future__ import annotations

from collections.abc import Iterator

from capwatch.capabilities.shell import program_name, simple_commands
from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, command_line, earliest, evidence_of

_LAUNCHERS = {"start": "/wait", "start-process": "-wait"}
"""Programs that start another and return at once, unless told to wait (``start /wait``)."""


def detached(line: str) -> bool:
    """Whether a command line leaves what it starts running on its own: a trailing ``&``
    (``python3 /tmp/x.py &``) or a launcher that does not wait (``start x.exe``,
    ``Start-Process x``)."""
    stripped = line.rstrip()
    if stripped.endswith("&") and not stripped.endswith("&&"):
        return True
    for words in simple_commands(line):
        wait = _LAUNCHERS.get(program_name(words[0]).lower())
        if wait is not None and wait not in (w.lower() for w in words[1:]):
            return True
    return False


class HiddenProcess(Rule):
    """Starts a process with its window hidden or detached while installing or loading.

    ``CREATE_NO_WINDOW``, ``DETACHED_PROCESS``, ``-WindowStyle Hidden``, ``start /b``,
    ``pythonw`` or ``nohup ... &`` on a process started in ``install``, ``startup`` or
    ``import`` phase; so does a command line that leaves what it starts running on its own: one
    that ends in ``&`` (``python3 /tmp/x.py &``), or ``start x.exe`` and ``Start-Process``
    without ``/wait`` or ``-Wait``. Build steps run in the foreground and are waited for;
    hiding a process from the person installing the package, or leaving one behind when the
    installation ends, means it should not be seen: critical.
    """

    id = "CW110"
    title = "Starts a hidden or detached process at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        procs = profile.uses_of(("proc.spawn", "proc.shell"), EARLY)
        if not procs:
            return
        files = {u.location.path for u in procs}
        hide = [u for u in profile.uses_of(("evasion.hide",), EARLY) if u.location.path in files]
        flags = [i for i in profile.indicators_of(("evasion.hidden-window",), EARLY)
                 if i.location.path in files]
        left = {u: line for u in procs if (line := command_line(u.args)) and detached(line)}
        if hide or flags:
            phase = earliest([*procs, *hide, *flags])
            message = "Hides a process it starts: " + ", ".join(
                sorted({u.via for u in hide} | {i.value for i in flags}))
        elif left:
            phase = earliest(left)
            message = "Leaves a process running on its own: " + ", ".join(
                sorted({line[:60] for line in left.values()}))
        else:
            return
        yield self.finding(
            message[:190],
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=phase,
            evidence=evidence_of(profile, [*flags, *hide, *left, *procs]),
            capabilities={u.capability for u in [*procs, *hide]},
            indicators={i.kind for i in flags},
        )
