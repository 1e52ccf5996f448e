"""Member names: decoding, display normalisation and the path and link checks made on them.

Names are judged lexically and never touch the filesystem. A name's *key* is its lexically
normalised location inside the archive (``a/./b/../c`` -> ``a/c``), used to resolve links within
the archive; names and link targets that are absolute or climb above the root have no key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from capwatch.artifact.issues import IssueKind

_UNSAFE = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_DRIVE = re.compile("[A-Za-z]:")
_SURROGATE = re.compile("[\ud800-\udfff]")

Problem = tuple[IssueKind, str]


@dataclass(frozen=True, slots=True)
class CleanName:
    display: str
    """Normalised display path: ``/`` separators, no empty or ``.`` parts, escapes for bad bytes."""
    key: str | None
    """Lexical location inside the archive, or None when absolute or escaping the root."""
    problems: tuple[Problem, ...]


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_text(raw: str) -> tuple[str, list[Problem]]:
    """Make ``raw`` (decoded with ``surrogateescape``) safe to show.

    Undecodable bytes become ``\\xNN``; control, NUL and bidi-override characters are escaped
    too, so a name cannot rewrite a terminal line or disguise its extension.
    """
    problems: list[Problem] = []
    text = raw
    if not text.isascii() and _SURROGATE.search(text):
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "backslashreplace").decode("ascii")
        problems.append(
            (
                IssueKind.BAD_NAME_ENCODING,
                "the name is not valid UTF-8; its undecodable bytes are shown as \\xNN escapes",
            )
        )
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape, text)
        problems.append(
            (
                IssueKind.BAD_NAME_ENCODING,
                "the name holds control or bidirectional-override characters, shown escaped",
            )
        )
    return text, problems


def is_absolute(text: str) -> bool:
    """Whether a name is absolute: a leading ``/`` or a Windows drive letter."""
    return text.startswith("/") or _DRIVE.match(text) is not None


def lexical_key(path: str) -> str | None:
    """Resolve ``.`` and ``..`` in a relative path; None if it climbs above the root."""
    stack: list[str] = []
    for part in path.split("/"):
        if not part or part == ".":
            continue
        if part == "..":
            if not stack:
                return None
            stack.pop()
        else:
            stack.append(part)
    return "/".join(stack)


def clean_name(raw: str) -> CleanName:
    """Decode, normalise and check one member name from an archive."""
    # Backslashes are separators to Windows installers; convert them before escaping adds any.
    text, problems = display_text(raw.replace("\\", "/"))
    absolute = is_absolute(text)
    parts = [p for p in text.split("/") if p and p != "."]
    display = "/".join(parts)
    key: str | None
    if absolute:
        if text.startswith("/"):
            display = "/" + display
        problems.append(
            (IssueKind.PATH_ABSOLUTE, f"the member name {display!r} is an absolute path")
        )
        key = None
    else:
        key = lexical_key(display)
        if key is None:
            problems.append(
                (
                    IssueKind.PATH_TRAVERSAL,
                    f"the member name {display!r} climbs above the archive root with '..'",
                )
            )
    return CleanName(display or ".", key, tuple(problems))


def symlink_key(link_key: str | None, target: str) -> str | None:
    """Where a symbolic link at ``link_key`` pointing to ``target`` lands inside the archive."""
    if link_key is None or is_absolute(target):
        return None
    base = link_key.rpartition("/")[0]
    return lexical_key(f"{base}/{target}" if base else target)


def hardlink_key(target: str) -> str | None:
    """The archive location a hard link names (tar hard links are relative to the root)."""
    if is_absolute(target):
        return None
    return lexical_key(target)
