from __future__ import annotations

from collections.abc import Iterator

from capwatch.capabilities.shell import detached, program_name
from capwatch.lang.python.analyzer import PLACEHOLDER
from capwatch.model import CapabilityUse, Confidence, FactKind, Finding, Location, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import (
    OUTPUT_CALLS,
    Rule,
    captures_output,
    command_line,
    earliest,
    evidence_of,
)

_BUILD = frozenset({Phase.INSTALL, Phase.STARTUP})
_BACKGROUND = frozenset({"subprocess.Popen"})
"""Starts a process and returns at once; the caller must wait for it."""
_WAITS = frozenset({"?.wait", "?.communicate"})
_SYNCHRONOUS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call"})
_PYTHONS = frozenset({"python", "python3", "python2", "pythonw", "py", PLACEHOLDER})
"""Interpreters by name; an unknown program (``sys.executable``) given ``-c`` is one too."""
_DETACHING_FLAGS = ("DETACHED_PROCESS", "CREATE_NO_WINDOW", "CREATE_NEW_PROCESS_GROUP")
_DETACHING = frozenset({"start_new_session=True", "preexec_fn=os.setpgrp", "preexec_fn=os.setsid"})
"""Keyword arguments (as the front end writes them) that cut a process off from its caller's
session, process group or console."""


def _on_load(profile: Profile, scope: str) -> bool:
    """Code that runs as its module loads: the top level, or a function it calls directly."""
    return profile.load_unit(scope).endswith(":<module>")


def _inline_python(line: str) -> bool:
    """``python3 -c "..."``: a Python interpreter given code on its command line."""
    words = line.split()
    return len(words) > 2 and program_name(words[0]).lower() in _PYTHONS and words[1] == "-c"


def _quiet_query(use: CapabilityUse) -> bool:
    """A command run to read its output: the call waits for it and captures what it prints
    (``subprocess.run(..., capture_output=True)``, ``check_output``)."""
    return use.via in OUTPUT_CALLS or (use.via in _SYNCHRONOUS and captures_output(use))


def _hides_only_queries(
    hide: CapabilityUse, procs: list[CapabilityUse], quiet_at: set[Location]
) -> bool:
    """Whether a window-hiding flag is given only to commands run to read their output, in the
    function that names it: how a tool asks Windows something (``wmic``, ``powershell
    Get-CimInstance``) without flashing a console at its user. A process that is waited for
    and whose output is read neither hides nor outlives anything."""
    flag = hide.via.rsplit(".", 1)[-1]
    given = [
        u for u in procs
        if u.scope == hide.scope and any(flag in arg for arg in u.args)
    ]
    return bool(given) and all(u.location in quiet_at for u in given)


def _detaches(use: CapabilityUse) -> bool:
    """``Popen(..., creationflags=DETACHED_PROCESS)``, ``start_new_session=True``,
    ``preexec_fn=os.setpgrp``: the process outlives its caller's session or console."""
    return any(
        arg in _DETACHING
        or (arg.startswith("creationflags=") and any(f in arg for f in _DETACHING_FLAGS))
        for arg in use.args
    )


def _discards_output(use: CapabilityUse) -> bool:
    """``stdout=subprocess.DEVNULL`` (or ``os.devnull``): nobody reads what it prints."""
    return any(arg.startswith("stdout=") and "devnull" in arg.lower() for arg in use.args)


class HiddenProcess(Rule):
    """Starts a process with its window hidden or detached while installing or loading.

    ``CREATE_NO_WINDOW``, ``DETACHED_PROCESS``, ``-WindowStyle Hidden``, ``start /b``,
    ``pythonw``, ``ShowWindow`` with a state that hides or minimises a window (or one not known:
    ``SW_RESTORE`` brings a window to the front) or ``nohup ... &`` on a process started in
    ``install``, ``startup`` or ``import`` phase; so does a command line that leaves what it
    starts running on its own: one that ends in ``&`` (``python3 /tmp/x.py &``), or ``start
    x.exe`` and ``Start-Process`` without ``/wait`` or ``-Wait``; or a second Python interpreter
    given inline code (``Popen(["python3", "-c", "import x"])``) started at install, at
    start-up, or by a module's own top-level code on import, which never waits for it
    (``.wait()``, ``.communicate()``): the code it runs outlives the import or installation, and
    its errors are never seen (a function that starts one hands it to its caller, who may wait).
    Build steps run in the foreground and are waited for; hiding a process from the person
    installing the package, or leaving one behind when the installation ends, means it should
    not be seen: critical. A flag that hides the window of a command run only to read its output
    (``subprocess.run(..., capture_output=True, creationflags=CREATE_NO_WINDOW)``,
    ``check_output``), waited for in the function that gives it, is how tools ask Windows about
    the machine without flashing a console: not counted.

    In code that runs only when called, a second Python interpreter given inline code, cut off
    from its caller (``creationflags=DETACHED_PROCESS``, ``start_new_session=True``,
    ``preexec_fn=os.setpgrp``) with what it prints thrown away (``stdout=DEVNULL``) and never
    waited for, is a payload that outlives the call and hides its errors: a library method
    that starts one on its first use is how a backdoored copy of a library runs its hidden
    module. Honest daemons are programs or modules started by name (``-m worker``), not code on
    a command line: high, with medium confidence (a reviewer's question).
    """

    id = "CW110"
    title = "Starts a hidden or detached process at install or import"
    names_read = _WAITS  # a wait for the process: a call with nothing else to it

    def check(self, profile: Profile) -> Iterator[Finding]:
        early = list(self._early(profile))
        yield from early
        if not early:
            yield from self._when_called(profile)

    def _when_called(self, profile: Profile) -> Iterator[Finding]:
        """A detached inline interpreter whose output nobody reads, in any function."""
        everywhere = tuple(Phase)
        waited = {f.scope for f, _ in profile.facts_of(FactKind.CALL, everywhere)
                  if f.name in _WAITS}
        left = {
            u: line for u in profile.uses_of(("proc.spawn",), everywhere)
            if u.via in _BACKGROUND and u.scope not in waited
            and (line := command_line(u.args)) and _inline_python(line)
            and _detaches(u) and _discards_output(u)
        }
        if not left:
            return
        yield self.finding(
            "Starts a Python interpreter on inline code, detached from its caller, its output "
            f"thrown away: {next(iter(left.values()))[:80]}",
            severity=Severity.HIGH,
            confidence=Confidence.MEDIUM,
            phase=earliest(left),
            evidence=evidence_of(profile, left),
            capabilities={u.capability for u in left},
        )

    def _early(self, profile: Profile) -> Iterator[Finding]:
        procs = profile.uses_of(("proc.spawn", "proc.shell"), EARLY)
        if not procs:
            return
        files = {u.location.path for u in procs}
        quiet = [u for u in procs if _quiet_query(u)]
        quiet_at = {u.location for u in quiet}
        hide = [
            u for u in profile.uses_of(("evasion.hide",), EARLY)
            if u.location.path in files and not _hides_only_queries(u, procs, quiet_at)
        ]
        flags = [i for i in profile.indicators_of(("evasion.hidden-window",), EARLY)
                 if i.location.path in files and i.location not in quiet_at]
        waited = {profile.load_unit(f.scope) for f, _ in profile.facts_of(FactKind.CALL, EARLY)
                  if f.name in _WAITS}
        left = {
            u: line for u in procs
            if (line := command_line(u.args))
            and (detached(line) or (u.via in _BACKGROUND and _inline_python(line)
                                    and (u.phase in _BUILD or _on_load(profile, u.scope))
                                    and profile.load_unit(u.scope) not in waited))
        }
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
