from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.lang.base import FOLDER_LISTERS
from capwatch.model import Confidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, command_line, evidence_of, when

_DELETE = ("fs.delete",)
_PROC = ("proc.spawn", "proc.shell")
_WHOLE = re.compile(
    r"(?:~|\$home|\$\{home\}|%userprofile%|%homepath%|\$env:userprofile|"
    r"/|/home|/users|/root|/storage/emulated/0|/sdcard|[a-z]:|[a-z]:/users|"
    r"(?:~|/home/…|/users/…|[a-z]:/users/…)"
    r"(?:/(?:desktop|documents|pictures|downloads|music|videos|onedrive))?)",
    re.IGNORECASE,
)
"""A whole folder of the user's or of the system, as a path template (``~`` the home folder,
``…`` what did not fold): the home folder or its documents, desktop and media folders, every
user's folders, a drive or the file-system root."""
_TRAILING = re.compile(r"(?:/\*\*?(?:\.\*)?|/)+$")
_RECURSIVE_RM = re.compile(
    r"\brm\s+(?:-[a-z]*r[a-z]*|-[a-z]*R[a-z]*|--recursive)\b", re.IGNORECASE
)
_SWITCH = re.compile(r"-.*|/[a-z]", re.IGNORECASE)
"""A command's option: ``-rf``, ``--force``, or a Windows switch (``/S``, ``/q``)."""
_WINDOWS_WIPE = re.compile(
    r"\b(?:rd|rmdir)\s+/s\b|\bdel\s+(?:/[a-z]\s+)*/s\b|\bremove-item\b.*-recurse\b",
    re.IGNORECASE,
)


def whole_folder(path: str) -> bool:
    """Whether a path template names a whole folder of the user's or of the system (not a
    folder inside it: ``~/.cache/tool`` is not, ``~/Documents/*`` is)."""
    cleaned = path.strip().strip("\"'").replace("\\", "/")
    cleaned = re.sub(r"/{2,}", "/", cleaned)
    trimmed = _TRAILING.sub("", cleaned) or ("/" if cleaned.startswith("/") else cleaned)
    return bool(_WHOLE.fullmatch(trimmed))


def wipes(line: str) -> bool:
    """Whether a command line deletes a whole folder of the user's or of the system,
    recursively (``rm -rf ~/*``, ``rm -rf --no-preserve-root /``, ``rd /s /q C:\\Users``)."""
    if "--no-preserve-root" in line:
        return True
    for part in re.split(r"[;&|\n]+", line):
        if not (_RECURSIVE_RM.search(part) or _WINDOWS_WIPE.search(part)):
            continue
        words = part.split()
        if any(not _SWITCH.fullmatch(w) and whole_folder(w) for w in words[1:]):
            return True
    return False


class DataDestruction(Rule):
    """Deletes the user's files: the home folder, its documents, desktop or media folders,
    every user's folders, a drive or the file-system root.

    Counted: a delete call whose path names such a whole folder (``shutil.rmtree(Path.home())``,
    ``shutil.rmtree(os.path.join(os.environ["USERPROFILE"], "Desktop"))``: paths are followed
    through ``expanduser``, ``Path.home()``, the ``HOME`` and ``USERPROFILE`` variables, joins
    and names bound once), a command that deletes one recursively (``rm -rf ~/*``, ``rm -rf
    --no-preserve-root /``, ``rd /s /q C:\\Users``), and a function that walks or lists such a
    folder and deletes what it finds. No library deletes its user's home folder: in install,
    start-up or import code (a wiper, often behind a date check, a "time bomb") this is
    critical with high confidence; a function that walks the home folder and deletes files in
    it is critical at install and start-up and high elsewhere (a clean-up tool may list the
    home folder to remove its own files). In code that runs only when called the rule is
    high, and counts only in files the installer puts on the user's machine: a test may point
    ``HOME`` at a temporary folder and remove it, or check that a sandbox blocks ``rm -rf /``.
    """

    id = "CW132"
    title = "Deletes the user's files"

    def check(self, profile: Profile) -> Iterator[Finding]:
        every = tuple(Phase)
        # code that runs only when called counts where the installer puts it: a test suite
        # that checks a sandbox blocks ``rm -rf /`` is not on the user's machine
        deletes = [
            u for u in profile.uses_of(_DELETE, every)
            if u.phase is not Phase.RUNTIME or profile.ships(u.location.path)
        ]
        commands = [
            u for u in profile.uses_of(_PROC, every)
            if (line := command_line(u.args)) and wipes(line)
            and (u.phase is not Phase.RUNTIME or profile.ships(u.location.path))
        ]
        if not deletes and not commands:
            return
        direct = [u for u in deletes if u.args and whole_folder(u.args[0])]
        if direct or commands:
            items = [*direct, *commands]
            phase = min(u.phase for u in items)
            critical = phase in EARLY
            what = sorted({u.args[0][:60] for u in items})
            message = f"Deletes {', '.join(what[:3])} {when(phase)}"
        else:
            deleting = {u.scope for u in deletes}
            swept = {
                fact.scope: fact.args[0]
                for fact, _ in profile.facts_of(FactKind.CALL, every)
                if fact.name in FOLDER_LISTERS and fact.scope in deleting and fact.args
                and whole_folder(fact.args[0])
            }
            items = [u for u in deletes if u.scope in swept]
            if not items:
                return
            phase = min(u.phase for u in items)
            critical = phase in (Phase.INSTALL, Phase.STARTUP)
            walked = sorted({swept[u.scope][:60] for u in items})
            message = (
                f"Walks {', '.join(walked[:2])} and deletes what it finds {when(phase)}"
            )
        yield self.finding(
            message,
            severity=Severity.CRITICAL if critical else Severity.HIGH,
            confidence=Confidence.HIGH if critical else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, items),
            capabilities={u.capability for u in items},
        )
