from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from capwatch.capabilities.shell import detached, program_name
from capwatch.lang.python.analyzer import PLACEHOLDER
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
from capwatch.rules.base import Rule, command_line, describe, earliest, evidence_of

_FETCH = ("net.http.request", "net.download")
_RUN = ("proc.spawn", "proc.shell", "fs.permissions", "code.load.native")
_SAVE = ("fs.write", "fs.permissions")
_STAGING = ("endpoint.ip-url", "endpoint.paste", "endpoint.webhook", "endpoint.dynamic-dns")
"""Where droppers stage what they run: raw IP addresses, paste sites and chat attachments,
throwaway host names. Honest tools fetch their binaries from their project's own host."""
_CLONES = frozenset({
    "shell:git", "git.Repo.clone_from", "dulwich.porcelain.clone", "pygit2.clone_repository",
})
"""Cloning a repository: a download at install, but, in code that runs when called, what
test harnesses and release tools do before they build what they cloned."""
_EVASION = "evasion.defender"
"""Switching off antivirus or the firewall: what a dropper does before it runs its payload."""
_HOSTILE_URLS = ("download.executable", "endpoint.ip-url", "endpoint.paste", "endpoint.webhook",
                 "endpoint.dynamic-dns")


class DownloadAndRun(Rule):
    """Downloads something and runs a program while the package installs or loads.

    The dropper pattern: fetch a file (an executable, a script, an archive) and start it,
    or make it executable, in ``install``, ``startup`` or ``import`` phase, within the same
    file at install time or the same function at import (a module's top-level code and the
    functions it calls directly count as one). Critical when the URL is of an
    executable or script, when it happens on import or interpreter start, or when at install one
    function fetches and runs a command it computed (a download tool's own command line is the
    fetch, not what runs it; a clone of a repository the code does not name, ``git clone %s``
    of a configured plugin, then computed commands, is how a build compiles what it is told
    to), or the file that fetches runs a script or a
    Windows program (``python update.py``, ``python {path}``, ``node x.js``, ``x.exe``) other
    than the artifact's own ``setup.py``: the dropper's last step, where a build runs named
    tools (``make``, ``sh configure``) and a release helper runs ``python setup.py sdist``. Build scripts that download sources and
    compile them with named tools exist, so otherwise at install time it is a reviewer's
    question (high, medium confidence). In code that runs only when called, one function that
    fetches, saves (or makes executable) and starts a process (helpers defined inside it count
    as part of it, handlers it registers with a decorator do not; cloning a repository is no
    such fetch: test harnesses clone projects to build them, and nor is a request to this
    machine's loopback address, a local server polled), fetching before it starts
    the process (a function that starts a local server and then polls it over HTTP is no
    dropper; nor is one that downloads a header, a JSON file or a picture, by the names of the
    URL and the file it saves, when none of the processes it starts names that file), looks
    like a dropper, for a reviewer: high, with medium confidence when the file names an
    executable's URL (in that function, the module's top-level code or another method of its
    class: not in an unrelated function of the file); medium in a file no installer puts on the
    user's machine (a source tree's tests, tools and examples: a test runner that fetches its
    harness, a maintainer's script that fetches a compiler), which runs only from a checkout.
    When what it fetches is staged on a raw
    IP address, a paste site or chat attachment, or a dynamic-DNS host, it is critical: that
    is where droppers keep their payloads, not where honest tools publish their downloads; the
    same steps split into helpers of one file (``run(save(fetch(address())))``), with such a
    host in that file, are critical too, and so is a function that does it in a file that also
    switches off antivirus or the firewall (``Set-MpPreference -DisableRealtimeMonitoring``). So
    is fetching a program (a URL ending in ``.exe``, ``.bat``, ``.ps1``...) and leaving it
    running on its own (``start x.exe`` without ``/wait``, a trailing ``&``): an installer or
    tool that a package runs for its user is waited for. So is, at any time, one function that
    downloads, saves and runs a Windows program it names (``helper.exe``, a URL ending in
    ``.exe``) inside a ``try`` whose every handler swallows the error (``except: pass``): an
    installer fetched for the user reports what went wrong; a dropper makes sure nothing shows.
    """

    id = "CW103"
    title = "Downloads and runs a program at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        fetch = profile.uses_of(_FETCH, EARLY)
        run = profile.uses_of(_RUN, EARLY)
        if not fetch or not run:
            yield from self._in_one_function(profile)
            return
        def key(use: CapabilityUse) -> str:
            return use.location.path if use.phase is Phase.INSTALL else profile.load_unit(use.scope)

        together = {key(u) for u in fetch} & {key(u) for u in run}
        if not together:
            yield from self._in_one_function(profile)
            return
        fetch = [u for u in fetch if key(u) in together]
        run = [u for u in run if key(u) in together]
        files = {u.location.path for u in fetch}
        urls = [i for i in profile.indicators_of(("download.executable",), EARLY)
                if i.location.path in files]
        phase = earliest([*fetch, *run])
        # a function that clones a repository the code does not name (``git clone %s`` of a
        # configured plugin) and runs computed commands (a compiler's) builds what it cloned
        named = {u.location for u in run if any("://" in a or "git@" in a for a in u.args)}
        fetching_scopes = {
            u.scope for u in fetch if u.via not in _CLONES or u.location in named
        }
        # a download tool run as a command (``curl -o f %s``) is the fetch, not what runs it
        fetching_commands = {u.location for u in fetch if u.via.startswith("shell:")}
        has_setup = any(p.rsplit("/", 1)[-1] == "setup.py" for p in profile.plans)
        dropper = urls or phase is not Phase.INSTALL or any(
            (u.scope in fetching_scopes and not _constant_command(u))
            or (_runs_script(u) and not (has_setup and _runs_setup_py(u)))
            for u in run if u.location not in fetching_commands
        )
        if dropper:
            severity = Severity.CRITICAL
            confidence = Confidence.HIGH if urls or phase is Phase.INSTALL else Confidence.MEDIUM
        else:
            severity, confidence = Severity.HIGH, Confidence.MEDIUM
        yield self.finding(
            f"Downloads ({describe(fetch)}) and runs ({describe(run)})"
            + (f"; fetches {urls[0].value}" if urls else ""),
            severity=severity,
            confidence=confidence,
            phase=phase,
            evidence=evidence_of(profile, [*urls, *fetch, *run]),
            capabilities={u.capability for u in [*fetch, *run]},
            indicators={i.kind for i in urls},
        )

    def _in_one_function(self, profile: Profile) -> Iterator[Finding]:
        """At run time: one function that fetches something, saves it, and starts a process."""
        everywhere = tuple(Phase)
        fetch = fetch_all = profile.uses_of(_FETCH, everywhere)
        run = run_all = profile.uses_of(_RUN, everywhere)
        save = profile.uses_of(_SAVE, everywhere)
        # helpers nested in a function are part of it (``def fetch(): ...`` inside ``install``)
        unit = profile.enclosing_function
        # a build that downloads a header and compiles fetches no program
        runs_in: dict[str, list[CapabilityUse]] = {}
        for use in run:
            runs_in.setdefault(unit(use.scope), []).append(use)
        local = _asks_only_this_machine(fetch)
        fetch = [
            u for u in fetch
            if not _fetches_data(u, runs_in.get(unit(u.scope), [])) and u.via not in _CLONES
            and u.scope not in local
        ]
        scopes = (
            {unit(u.scope) for u in fetch} & {unit(u.scope) for u in run}
            & ({unit(u.scope) for u in save}
               | {unit(u.scope) for u in fetch if u.capability == "net.download"})
        )
        if not scopes:
            yield from self._across_one_file(profile, fetch, run, save)
            return
        hostile_urls = profile.indicators_of(_HOSTILE_URLS, everywhere)
        # A build step runs a named tool on what it fetched (``make``); a dropper runs what it
        # fetched: a computed command, or any command next to an executable's or hostile URL.
        run = [
            u for u in run
            if unit(u.scope) in scopes and (
                any(_within_reach(i, u, unit) for i in hostile_urls) or not _constant_command(u)
            )
        ]
        scopes = {unit(u.scope) for u in run}
        fetch = [u for u in fetch if unit(u.scope) in scopes]
        # a dropper fetches, then runs: a function that starts a local server and then polls
        # it over HTTP runs first
        scopes = {
            s for s in scopes
            if _fetches_first([u for u in fetch if unit(u.scope) == s],
                              [u for u in run if unit(u.scope) == s])
        }
        run = [u for u in run if unit(u.scope) in scopes]
        fetch = [u for u in fetch if unit(u.scope) in scopes]
        if not run or not fetch:
            yield from self._across_one_file(profile, fetch_all, run_all, save)
            return
        urls = [i for i in hostile_urls if any(_within_reach(i, u, unit) for u in fetch)]
        files = {u.location.path for u in fetch}
        staged = [i for i in urls if i.kind in _STAGING]
        evasion = [
            i for i in profile.indicators_of((_EVASION,), everywhere) if i.location.path in files
        ]
        if any(i.kind == "download.executable" for i in urls) and any(
            (line := command_line(u.args)) and detached(line) for u in run
        ):
            # an executable fetched, saved and left running on its own (``start x.exe``)
            staged = [i for i in urls if i.kind == "download.executable"]
        silent = _windows_program_run_silently(profile, run, urls)
        critical = bool(staged or evasion or silent)
        # a maintainer's or test script that no installer ships runs only from a checkout
        shipped = critical or any(profile.ships(u.location.path) for u in [*fetch, *run])
        yield self.finding(
            f"One function downloads ({describe(fetch)}), saves and runs ({describe(run)})"
            + (f"; fetches {(staged or urls)[0].value}" if urls else "")
            + (f"; its file switches off protection ({evasion[0].value[:60]})" if evasion else "")
            + (f"; runs the Windows program {silent[:80]} and silences every error"
               if silent else ""),
            severity=(
                Severity.CRITICAL if critical else Severity.HIGH if shipped else Severity.MEDIUM
            ),
            confidence=Confidence.MEDIUM if urls or evasion or silent else Confidence.LOW,
            phase=earliest([*fetch, *run]),
            evidence=evidence_of(profile, [*urls, *evasion, *fetch, *run]),
            capabilities={u.capability for u in [*fetch, *run]},
            indicators={i.kind for i in [*urls, *evasion]},
        )

    def _across_one_file(
        self,
        profile: Profile,
        fetch: list[CapabilityUse],
        run: list[CapabilityUse],
        save: list[CapabilityUse],
    ) -> Iterator[Finding]:
        """At run time, split into helpers: one file that fetches from a staging host, saves
        what it fetched and runs a computed command, each step in a function of its own
        (``run(save(fetch(resolve())))``); a download function or a download tool run as a
        command (``curl -o``) saves what it fetches. Only a staging host makes this a dropper:
        honest modules download in one function and run tools in another all the time."""
        everywhere = tuple(Phase)
        staged = list(profile.indicators_of(_STAGING, everywhere))
        files = (
            {i.location.path for i in staged}
            & {u.location.path for u in fetch}
            # a download (``urlretrieve``, ``curl -o``) saves what it fetches
            & {u.location.path for u in [*save, *fetch] if _saves(u)}
            & {u.location.path for u in run if not _constant_command(u)}
        )
        if not files:
            return
        path = min(files)
        fetch = [u for u in fetch if u.location.path == path]
        run = [u for u in run if u.location.path == path and not _constant_command(u)]
        saving_scopes = {u.scope for u in save if u.location.path == path}
        if not any(u.scope in saving_scopes or _saves(u) for u in fetch):
            return  # what is saved must be what one function fetched
        staged = [i for i in staged if i.location.path == path]
        yield self.finding(
            f"Downloads ({describe(fetch)}) from {staged[0].value[:80]}, saves it and runs"
            f" ({describe(run)}) in helpers of one file",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=earliest([*fetch, *run]),
            evidence=evidence_of(profile, [*staged, *fetch, *run]),
            capabilities={u.capability for u in [*fetch, *run]},
            indicators={i.kind for i in staged},
        )


_DATA_FILES = (".h", ".hh", ".hpp", ".c", ".cc", ".cpp", ".json", ".csv", ".tsv", ".xml",
               ".yaml", ".yml", ".toml", ".md", ".rst", ".html", ".css", ".svg", ".png",
               ".jpg", ".jpeg", ".gif", ".pdf")
"""Names of files that are data or sources to compile, never programs a process starts."""


_LOOPBACK = re.compile(r"^(?:https?|wss?)://(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?:[:/]|$)", re.I)


def _asks_only_this_machine(fetch: list[CapabilityUse]) -> set[str]:
    """The scopes whose requests that name an address all name this machine's loopback
    (``http://127.0.0.1:{port}/api/ping``, a local server polled): nothing is downloaded
    from anywhere else there."""
    local: set[str] = set()
    remote: set[str] = set()
    for use in fetch:
        for arg in use.args:
            if "://" in arg:
                (local if _LOOPBACK.match(arg) else remote).add(use.scope)
    return local - remote


def _fetches_data(fetch: CapabilityUse, run: list[CapabilityUse]) -> bool:
    """Whether a fetch downloads data, by the names it gives: the URL's file, and the file it
    saves to when it names one (``urlretrieve(".../catch.hpp", "catch.hpp")``), all end in a
    data or source file's extension, the function makes nothing executable and loads no
    native library, and no process it starts names them. A dropper that gives its payload a
    data file's name must still make it executable, load it or start it by that name."""
    urls = [a for a in fetch.args if a.startswith(("http://", "https://"))]
    if not urls or fetch.via.startswith("shell:"):
        return False
    names = [_url_path(url).rsplit("/", 1)[-1] for url in urls] + [
        a.replace("\\", "/").rsplit("/", 1)[-1]
        for a in fetch.args
        if a not in urls and "." in a and " " not in a and "=" not in a
    ]
    if not all(name.lower().endswith(_DATA_FILES) for name in names):
        return False
    return not any(
        use.capability in ("fs.permissions", "code.load.native")
        or any(name in arg for arg in use.args for name in names)
        for use in run
    )


def _within_reach(clue: Indicator, use: CapabilityUse, unit: Callable[[str], str]) -> bool:
    """Whether a URL can be what the function of ``use`` fetches: it is written in that
    function, in the module's top-level code or a module-level name, or in another method of
    the same class. A raw IP address in one function of a file thousands of lines long says
    nothing of what another function downloads."""
    if clue.location.path != use.location.path:
        return False
    where = unit(clue.scope)
    if clue.holder or where.endswith(":<module>") or where == unit(use.scope):
        return True
    module, _, name = unit(use.scope).partition(":")
    owner = name.rpartition(".")[0]
    return bool(owner) and where.startswith(f"{module}:{owner}.")


def _fetches_first(fetch: list[CapabilityUse], run: list[CapabilityUse]) -> bool:
    """Whether a fetch comes before a process start in one function's code (or on the same
    line, as all of a payload decoded from one line is). Only asked of code in one scope:
    helpers nested in the function may be defined in any order."""
    if len({u.scope for u in [*fetch, *run]}) > 1:
        return True
    first = min(u.location.line for u in fetch)
    return any(u.location.line >= first for u in run)


_SCRIPT_HOSTS = frozenset({"python", "python3", "python2", "py", "pythonw", "node", "powershell",
                           "pwsh", "wscript", "cscript", "mshta"})
"""Programs that run a script file they are given; ``sh`` and ``bash`` are left out, since
builds run ``sh configure`` on the sources they fetched."""
_PROGRAMS = (".exe", ".bat", ".cmd")
_SCRIPTS = (".py", ".pyw", ".js", ".ps1", ".vbs", ".vbe", ".jse", ".hta", *_PROGRAMS)


def _runs_script(use: CapabilityUse) -> bool:
    """A process that runs a script file or a Windows program: ``python WindowsUpdate.py``,
    ``python {path}``, ``node x.js``, ``update.exe``. Next to a download at install this is
    the dropper's last step: build steps run named tools (``make``, ``cmake``, ``sh configure``),
    not a script or program that arrived with the download."""
    if use.capability not in ("proc.spawn", "proc.shell"):
        return False
    line = command_line(use.args)
    words = line.split() if line else []
    if not words:
        return False
    if words[0].strip("\"'").lower().endswith(_PROGRAMS):
        return True
    if program_name(words[0]).lower() not in _SCRIPT_HOSTS or len(words) < 2:
        return False
    script = words[1].strip("\"'").lower()
    return script.startswith(PLACEHOLDER) or script.endswith(_SCRIPTS)


def _runs_setup_py(use: CapabilityUse) -> bool:
    """Whether a process runs a ``setup.py`` (``python3 setup.py sdist`` in a release helper):
    with the artifact's own beside it, reviewable code, not something that arrived with a
    download. Only that name: a dropper could ship a decoy under the name of what it downloads."""
    words = (command_line(use.args) or "").split()
    return len(words) > 1 and words[1].strip("\"'").rsplit("/", 1)[-1] == "setup.py"


_WINDOWS_PROGRAMS = (".exe", ".scr", ".msi", ".bat", ".cmd")


def _windows_program_run_silently(
    profile: Profile, run: list[CapabilityUse], urls: list[Indicator]
) -> str | None:
    """The Windows program a downloading function runs inside a ``try`` that silences every
    error (``except: pass``), named by the URL it fetches or a file name the function writes
    or runs (``helper.exe``); ``None`` when there is none. An installer or tool that a package
    fetches for its user reports what went wrong; a dropper makes sure that nothing shows."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for fact, _ in profile.facts_of(FactKind.SILENCED):
        spans.setdefault(fact.scope, []).append((fact.location.line, int(fact.value or 0)))
    scopes = {
        u.scope for u in run
        if any(start <= u.location.line <= end for start, end in spans.get(u.scope, ()))
    }
    if not scopes:
        return None
    for indicator in urls:
        if _url_path(indicator.value).lower().endswith(_WINDOWS_PROGRAMS):
            return indicator.value
    for fact, _ in profile.facts_of(FactKind.CALL):
        if fact.scope in scopes:
            for arg in fact.args:
                if arg.lower().endswith(_WINDOWS_PROGRAMS):
                    return arg
    return None


def _url_path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:  # a malformed address (an unclosed ``[``) names no file
        return ""


def _saves(use: CapabilityUse) -> bool:
    """Whether a use writes what it fetches to a file: writing, a download function, or a
    download tool run as a command (``curl -o``, ``wget``, ``certutil``...)."""
    return use.capability != "net.http.request" or use.via.startswith("shell:")


def _constant_command(use: CapabilityUse) -> bool:
    """Whether a process call names its program as a constant (``make``, ``git``)."""
    if use.capability not in ("proc.spawn", "proc.shell"):
        return False
    line = command_line(use.args)
    words = line.split() if line else []
    return bool(words) and PLACEHOLDER not in words[0]
