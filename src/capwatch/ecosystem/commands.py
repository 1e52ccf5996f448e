"""The commands a package puts on its user's ``PATH``, and which of them take over another's.

A console or GUI script (a PyPI entry point; ``[project.scripts]`` in ``pyproject.toml``;
``[options.entry_points]`` in ``setup.cfg``) or an npm ``bin`` entry becomes a command the user
types. Most name the package's own tool. A few name a command that belongs to the interpreter,
the installer or the operating system (``pip``, ``python3``, ``sudo``): once installed, the
package's function runs whenever the user types it, whatever they meant to run. That is command
hijacking (ATT&CK T1574.007, path interception), and the function is then as good as code that
runs at every start (:func:`takes_over`; :mod:`capwatch.flow` makes it a ``startup`` root).
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence

from capwatch.model import ArtifactKind, Command

MAX_COMMANDS = 200
"""Commands kept per artifact; a declaration beyond this is ignored."""

_SECTIONS = ("console_scripts", "gui_scripts")

_OWNED = {
    re.compile(r"pip(?:\d+(?:\.\d+)?)?"): frozenset({"pip"}),
    re.compile(r"python(?:\d+(?:\.\d+)?)?w?"): frozenset(),
}
"""Commands of the installer and the interpreter, with the projects that may ship them."""

_SYSTEM = frozenset(
    {
        "sudo", "su", "ls", "cat", "cp", "mv", "rm", "ssh", "scp", "sh", "bash", "zsh",
        "ps", "kill", "chmod", "chown", "passwd", "login", "crontab", "systemctl", "whoami",
        "ifconfig", "netstat",
    }
)
"""Commands of the operating system, which no package ships."""


def takes_over(command: str, project: str | None) -> bool:
    """Whether installing a command of this name shadows another program's: the installer's or
    the interpreter's (unless ``project`` is the one that owns it), or the system's."""
    name = command.strip().lower()
    if name.endswith(".exe"):
        name = name[:-4]
    if name in _SYSTEM:
        return True
    owner = re.sub(r"[-_.]+", "-", project or "").lower()
    return any(
        pattern.fullmatch(name) and owner not in owners for pattern, owners in _OWNED.items()
    )


def read_commands(
    kind: ArtifactKind,
    root: str,
    paths: Sequence[str],
    read: Callable[[str], bytes | None],
) -> tuple[Command, ...]:
    """The commands the artifact's own metadata declares (never those of archives it holds)."""
    found: list[Command] = []
    for path in _declaring(kind, root, paths):
        data = read(path)
        if not data:
            continue
        text = data.decode("utf-8", "replace")
        rel = path[len(root) :]
        if path.endswith("entry_points.txt"):
            found.extend(_ini(text, rel, None))
        elif path.endswith("setup.cfg"):
            found.extend(_ini(text, rel, "options.entry_points"))
        elif path.endswith("pyproject.toml"):
            found.extend(_pyproject(text, rel))
        elif path.endswith("package.json"):
            found.extend(_npm_bin(text, rel))
    unique = {(c.name, c.target): c for c in found}
    return tuple(unique.values())[:MAX_COMMANDS]


def _declaring(kind: ArtifactKind, root: str, paths: Sequence[str]) -> list[str]:
    if kind is ArtifactKind.WHEEL:
        return [p for p in paths if re.fullmatch(r"[^/]+\.dist-info/entry_points\.txt", p)]
    if kind is ArtifactKind.EGG:
        return [p for p in paths if p == "EGG-INFO/entry_points.txt"]
    if kind is ArtifactKind.NPM_TARBALL:
        return [p for p in paths if p == f"{root}package.json"]
    if kind is ArtifactKind.SDIST:
        own = re.compile(
            re.escape(root)
            + r"(?:(?:src/)?[^/]+\.egg-info/entry_points\.txt|setup\.cfg|pyproject\.toml)"
        )
        return [p for p in paths if own.fullmatch(p)]
    return []


def _ini(text: str, source: str, section: str | None) -> Iterator[Command]:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    if section is None:
        for name in _SECTIONS:
            if parser.has_section(name):
                for key, value in parser.items(name):
                    yield Command(key.strip(), value.strip(), source)
        return
    if not parser.has_section(section):
        return
    for name in _SECTIONS:
        if parser.has_option(section, name):
            for line in parser.get(section, name).splitlines():
                key, sep, value = line.partition("=")
                if sep and key.strip():
                    yield Command(key.strip(), value.strip(), source)


def _pyproject(text: str, source: str) -> Iterator[Command]:
    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError:
        return
    if not isinstance(project, dict):
        return
    for table in ("scripts", "gui-scripts"):
        scripts = project.get(table)
        if isinstance(scripts, dict):
            for key, value in scripts.items():
                if isinstance(value, str):
                    yield Command(key, value.strip(), source)


def _npm_bin(text: str, source: str) -> Iterator[Command]:
    try:
        package = json.loads(text)
    except ValueError:
        return
    if not isinstance(package, dict):
        return
    binaries = package.get("bin")
    name = package.get("name")
    if isinstance(binaries, str) and isinstance(name, str):
        yield Command(name.rsplit("/", 1)[-1], binaries, source)
    elif isinstance(binaries, dict):
        for key, value in binaries.items():
            if isinstance(value, str):
                yield Command(key, value, source)
