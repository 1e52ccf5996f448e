from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.capabilities.catalog import load_catalog
from capwatch.capabilities.shell import SHELLS, program_name
from capwatch.lang.python.analyzer import CODE_LOADERS, DROPPED_STEP, PLACEHOLDER, PROCESS_SINKS
from capwatch.model import (
    Confidence,
    Evidence,
    Fact,
    FactKind,
    Finding,
    Location,
    Phase,
    Severity,
)
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import STAGING_HOSTS, Rule, command_line, evidence_of, when

_EXEC = frozenset({"exec", "eval", "compile", "execfile"})
_NET = frozenset({"net.http.request", "net.download", "net.socket"})
_FETCH = frozenset({"net.http.request", "net.download"})
_RUNNERS = frozenset({"code.exec.dynamic", "code.load.bytecode", "proc.spawn", "proc.shell"})
_INTERPRETERS = SHELLS | {"python", "python3", "python2", "pythonw", "py", "perl", "ruby", "node"}
_INLINE = frozenset({"-c", "/c", "/k", "-command", "-e", "-enc", "-encodedcommand"})
_RECEIVE = (".recv", ".recvfrom")
"""Reads from a socket: what a remote peer sent."""
_WEB_REQUESTS = ("flask.request.", "bottle.request.", "quart.request.")
"""What a web application's visitor sent: the parameters, form and body of a request."""
_OPEN = frozenset({"open", "io.open", "codecs.open"})
_WRITE_MODES = ("w", "a", "x")
_SUBCOMMAND = re.compile(r"[a-z][a-z0-9_-]*")
"""A word naming a program's subcommand (``install``, ``run``): not an option, path or operator."""
_MODE = re.compile(r"[rwxabtU+]{1,3}")
"""An ``open`` mode: the only folded argument when the file's name is not known."""


class RemoteCodeExecuted(Rule):
    """Downloads code and executes it in the interpreter.

    ``exec(urlopen(url).read())`` and its variants fetch the real payload from a server at the
    moment the package runs, so nothing malicious needs to be in the upload and the attacker can
    change it at will. Found as a network call in the argument of ``exec``, ``eval`` or
    ``compile``, or an HTTP request or download that feeds it through a name (``body =
    urlopen(url).read()``, ``with urlopen(url) as r``). So is unpickling (or unmarshalling) what
    was downloaded, in ``install``, ``startup`` or ``import`` phase: a pickle calls what it
    names as it loads (code that runs when called fetches pickled data honestly: datasets,
    models). A downloaded command line handed to a process is the same thing: the whole command
    of ``os.system``, or the inline code of ``python -c``, ``sh -c`` or PowerShell (not an
    argument of a program's named subcommand: ``[pip, "install", f"pkg=={latest}"]`` with the
    version an index gave). So is what a socket receives (``cmd = s.recv(1024).decode();
    subprocess.Popen(cmd, shell=True)``) in ``install``, ``startup`` or ``import`` phase: a back
    door that runs the commands its controller sends (test suites and servers hand what they
    receive to processes when called, so run time does not count, unless the file names a raw IP
    address, paste site, chat webhook, tunnel or throwaway host: then it is a controller's
    client, whenever it runs). So is a web handler that runs, as code or as a whole command,
    what a request carries (``Popen(request.args.get("cmd"), shell=True)``), whenever it runs: a
    web shell, whose visitor commands the machine. So is, in those phases, evaluating the
    contents of a file that the same file of code opens for writing under the same name and that
    also downloads (``open(p, "wb").write(get(url).content)``; ``exec(b64decode(open(p,
    "rb").read()))``): the download is staged on disk first. So is, at import, a download
    saved as a module file (``urlretrieve(url, join(here, "_core.py"))``) that the same file
    then imports (``import_module("pkg._core")``). Critical in install, start-up and
    import code, and, in code that runs only when called, when the file names such a host or a
    web request supplies the code; else, when called, high with medium confidence, for a
    reviewer: a tool's own package manager may run the setup scripts of what its user asks it to
    install (a plugin system by design), which only a reading of where the code comes from tells
    from a trojan function. Code the package writes to a file is read as the script it is (a
    dropper's second stage) when install, startup or import code writes it; written by code that
    runs when called (a test that writes a sample for a scanner to read), it runs only if
    something runs that file in turn, and does not count.
    """

    id = "CW102"
    title = "Executes code fetched from the network"
    names_read = _EXEC | PROCESS_SINKS | CODE_LOADERS

    def check(self, profile: Profile) -> Iterator[Finding]:
        matcher = load_catalog().matcher("python")

        def fetched(fact: Fact, at_load: bool, web: list[str]) -> list[str]:
            # A socket feeds a sink only through what is read from it; a name traced back to a
            # socket, or a process given one, usually holds a port or an address instead.
            direct = [n for n in fact.inner if _NET & set(matcher.match(n))]
            if fact.name not in _EXEC:
                direct = [n for n in direct if _FETCH & set(matcher.match(n))]
            # what a socket received counts only in code that runs on its own: test suites
            # and servers hand received data to processes when called
            received = [n for n in (*fact.inner, *fact.sources) if at_load and n.endswith(_RECEIVE)]
            return (
                direct + [n for n in fact.sources if _FETCH & set(matcher.match(n))] + received
                + web
            )

        hits: list[tuple[Fact, Phase, list[str]]] = [*_staged(profile), *_module_fetched(profile)]
        # where what runs comes from a staging host's file or a web request: decisive even
        # in code that runs only when called
        decisive: set[Location] = set()
        # a file that names a drop or staging host is a controller's client whenever it runs
        controlled = {i.location.path for i in profile.indicators_of(STAGING_HOSTS, tuple(Phase))}
        for fact, phase in profile.facts_of(FactKind.CALL):
            if phase is Phase.RUNTIME and DROPPED_STEP in fact.decode_chain:
                continue  # code a called function writes to a file runs only if run in turn
            at_load = phase in EARLY or fact.location.path in controlled
            web = _web_request(fact)
            runs_code = (
                fact.name in _EXEC
                or (fact.name in PROCESS_SINKS and _runs_given_code(fact, at_load or bool(web)))
                # a pickle runs what it names as it loads; data science code fetches pickled
                # data when called, so only code that runs on its own counts
                or (fact.name in CODE_LOADERS and at_load)
            )
            sources = fetched(fact, at_load, web) if runs_code else []
            if sources:
                hits.append((fact, phase, sources))
                if at_load or web:
                    decisive.add(fact.location)
        if not hits:
            return
        phase = min(p for _, p, _ in hits)
        locations = {f.location for f, _, _ in hits}
        uses = [u for u in profile.uses if u.location in locations
                and u.capability in _RUNNERS]
        early = phase in EARLY
        yield self.finding(
            f"Executes code fetched from the network {when(phase)}"
            f" ({', '.join(sorted({n for _, _, names in hits for n in names}))})",
            severity=Severity.CRITICAL if early or decisive else Severity.HIGH,
            confidence=Confidence.HIGH if early else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses) or [
                Evidence(f.location, f.snippet) for f, _, _ in hits[:2]
            ],
            capabilities={"net.http.request", *(u.capability for u in uses)},
        )


def _web_request(fact: Fact) -> list[str]:
    """The parts of a web request that feed a call (``flask.request.args.get``)."""
    return [n for n in (*fact.inner, *fact.sources) if n.startswith(_WEB_REQUESTS)]


def _runs_given_code(fact: Fact, at_load: bool) -> bool:
    """A process whose whole command line is computed, or an interpreter given inline code
    (``python -c …``, ``sh -c …``): what was downloaded is what runs, not a named tool. In code
    that runs on its own, a call whose only folded arguments are keywords (``shell=True``) has
    a computed command too."""
    if not fact.args:
        return True
    line = command_line(fact.args)
    if line is None:
        return at_load  # only keyword arguments folded (``shell=True``)
    words = line.split()
    if not words:
        return True
    if words[0].startswith(PLACEHOLDER):
        # a program found at run time given a named subcommand (``[pip, "install", spec]``,
        # a version read from an index in the spec) runs that program, not what was fetched
        return len(words) == 1 or _SUBCOMMAND.fullmatch(words[1]) is None
    interpreter = program_name(words[0]).lower() in _INTERPRETERS
    return interpreter and any(w.lower() in _INLINE for w in words[1:3])


def _staged(profile: Profile) -> Iterator[tuple[Fact, Phase, list[str]]]:
    """``exec`` of what is read from a file, in install, start-up or import code, where that
    file of code writes a file of the same name and downloads: a download staged on disk, then
    run. The file is read by ``open`` or by any call nested in the ``exec`` that is given the
    file's name (``exec(reveal(path))``: code hidden in a downloaded picture)."""
    fetching = {u.location.path for u in profile.uses_of(_FETCH, EARLY)}
    if not fetching:
        return
    written: set[tuple[str, str]] = set()
    given: dict[tuple[str, int], list[tuple[str, str]]] = {}
    """The calls of each line that are given a file's name (the name of the call, the file)."""
    for fact, _ in profile.facts_of(FactKind.CALL, EARLY):
        path = fact.location.path
        if not fact.args or path not in fetching or not _names_a_file(fact.args[0]):
            continue
        mode = fact.args[1] if len(fact.args) > 1 else "r"
        if fact.name in _OPEN and mode.startswith(_WRITE_MODES):
            written.add((path, fact.args[0]))
        else:
            given.setdefault((path, fact.location.line), []).append((fact.name, fact.args[0]))
    if not written:
        return
    for fact, phase in profile.facts_of(FactKind.CALL, EARLY):
        if fact.name not in _EXEC:
            continue
        path = fact.location.path
        for name, file in given.get((path, fact.location.line), ()):
            if name in fact.inner and (path, file) in written:
                yield fact, phase, [f"a download saved as {file}"]
                break


_IMPORTERS = frozenset({"importlib.import_module", "__import__"})
_MODULE_FILE = re.compile(r"(?:^|[\\/])([A-Za-z_]\w*)\.py$")


def _module_fetched(profile: Profile) -> Iterator[tuple[Fact, Phase, list[str]]]:
    """In a module's import: a download saved as a ``.py`` file (``urlretrieve(url,
    join(here, "_core.py"))``), then that module imported by the same file of code
    (``import_module("pkg._core")``): code fetched and run as the package is imported."""
    at_import = (Phase.IMPORT,)
    lines = {
        (u.location.path, u.location.line) for u in profile.uses_of(_FETCH, at_import)
    }
    if not lines:
        return
    saved: dict[str, set[str]] = {}
    for fact, _ in profile.facts_of(FactKind.CALL, at_import):
        if (fact.location.path, fact.location.line) not in lines:
            continue
        for arg in fact.args:
            found = _MODULE_FILE.search(arg)
            if found and "://" not in arg:
                saved.setdefault(fact.location.path, set()).add(found.group(1))
    if not saved:
        return
    for fact, phase in profile.facts_of(FactKind.CALL, at_import):
        stems = saved.get(fact.location.path)
        if stems and fact.name in _IMPORTERS and fact.args:
            stem = fact.args[0].rsplit(".", 1)[-1]
            if stem in stems:
                yield fact, phase, [f"a download saved as {stem}.py"]


def _names_a_file(arg: str) -> bool:
    """A folded argument that names a file, at least in part: not an ``open`` mode (the only
    folded argument when the name is unknown) nor wholly unknown (two such names need not be
    the same file)."""
    return not _MODE.fullmatch(arg) and bool(arg.replace(PLACEHOLDER, "").strip("\\/. "))
