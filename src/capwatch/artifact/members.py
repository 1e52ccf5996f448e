"""What an archive lists: members described by metadata only, never by their content."""

from __future__ import annotations

import enum
from dataclasses import dataclass

NESTED_SEPARATOR = "!"
"""Between an archive's path and a member's path inside it: ``outer/inner.whl!pkg/mod.py``."""


class MemberKind(enum.Enum):
    """The kind of an archive member, as the archive declares it."""

    FILE = "file"
    """A regular file (tar types an installer would write as a file, and every zip entry that is
    not a directory, link or device)."""
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    OTHER = "other"
    """A device, fifo or socket: never content worth reading."""


@dataclass(frozen=True, slots=True)
class Member:
    """One entry of an artifact.

    ``path`` is the normalised display path inside the artifact with ``/`` separators; members of
    nested archives read as ``outer/inner.whl!pkg/mod.py``. Undecodable bytes and control
    characters in names appear as ``\\xNN`` escapes (with a ``bad-name-encoding`` issue).
    """

    path: str
    size: int
    """Declared uncompressed size; never trusted for allocation or limits."""
    kind: MemberKind
    link_target: str | None = None
    """For links, the target as the archive states it (display form)."""
