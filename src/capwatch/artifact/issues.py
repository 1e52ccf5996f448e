"""Problems found while reading an artifact: recorded, never fatal on their own."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class IssueKind(enum.Enum):
    """What went wrong or looks wrong in an archive; values are stable lowercase ids."""

    PATH_ABSOLUTE = "path-absolute"
    PATH_TRAVERSAL = "path-traversal"
    SYMLINK = "symlink"
    """A symbolic link whose target stays inside the archive."""
    SYMLINK_OUTSIDE = "symlink-outside"
    """A symbolic link to an absolute path or one that escapes the archive root."""
    HARDLINK = "hardlink"
    SPECIAL_FILE = "special-file"
    MEMBER_TOO_LARGE = "member-too-large"
    TOO_MANY_MEMBERS = "too-many-members"
    TOTAL_TOO_LARGE = "total-too-large"
    RATIO_EXCEEDED = "ratio-exceeded"
    NESTING_EXCEEDED = "nesting-exceeded"
    TRUNCATED = "truncated"
    BAD_NAME_ENCODING = "bad-name-encoding"
    """A name that is not valid UTF-8, or holds control, NUL or bidi-override characters."""
    DUPLICATE_MEMBER = "duplicate-member"
    NESTED_ARCHIVE_ERROR = "nested-archive-error"
    MEMBER_UNREADABLE = "member-unreadable"
    """A member whose content cannot be read: corrupt data, bad CRC, encryption, unknown
    compression method, or a link whose target is not a file in the archive."""


@dataclass(frozen=True, slots=True)
class ArchiveIssue:
    kind: IssueKind
    path: str
    """The member's display path, or ``''`` for the whole artifact."""
    detail: str
    """One human sentence."""


_LIMIT_ISSUES = {
    "member_bytes": IssueKind.MEMBER_TOO_LARGE,
    "total_bytes": IssueKind.TOTAL_TOO_LARGE,
    "ratio": IssueKind.RATIO_EXCEEDED,
    "members": IssueKind.TOO_MANY_MEMBERS,
    "nesting": IssueKind.NESTING_EXCEEDED,
}


def issue_for_limit(limit: str) -> IssueKind:
    """The issue kind recorded when the named ``Limits`` field is hit."""
    return _LIMIT_ISSUES.get(limit, IssueKind.MEMBER_TOO_LARGE)


class IssueLog:
    """The issues of one artifact, shared by every archive nested in it.

    Each (kind, path) pair is kept once, with the first detail given, so reading a member twice
    does not repeat its issues.
    """

    __slots__ = ("_seen", "items")

    def __init__(self) -> None:
        self.items: list[ArchiveIssue] = []
        self._seen: set[tuple[IssueKind, str]] = set()

    def add(self, kind: IssueKind, path: str, detail: str) -> None:
        key = (kind, path)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(ArchiveIssue(kind, path, detail))
