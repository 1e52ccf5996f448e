"""The internal plumbing shared by the container readers: entries, sources and listings.

An :class:`Entry` pairs a public :class:`~capwatch.artifact.members.Member` with the
:class:`Source` that can produce its bytes. Archives nested in an artifact add their own
sources, so one flat list of entries covers every level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from capwatch.artifact.budget import Budget
from capwatch.artifact.issues import IssueKind, IssueLog
from capwatch.artifact.members import Member, MemberKind
from capwatch.artifact.names import (
    Problem,
    clean_name,
    display_text,
    hardlink_key,
    is_absolute,
    symlink_key,
)
from capwatch.config import Limits
from capwatch.errors import ArtifactError, LimitExceeded

LINK_KINDS = (MemberKind.SYMLINK, MemberKind.HARDLINK)


class Source(Protocol):
    """Something that holds member content: a tar buffer, a zip file, a single blob."""

    def read(self, entry: Entry, budget: Budget) -> bytes:
        """The member's content, within ``Limits.member_bytes`` and the artifact budget.

        Raises ``LimitExceeded`` or ``ArtifactError``; never records issues itself.
        """
        ...

    def head(self, entry: Entry, size: int) -> bytes:
        """Up to ``size`` leading bytes of the member, cheaply and without charging the budget;
        empty when they cannot be read."""
        ...


@dataclass(slots=True, eq=False)
class Entry:
    member: Member
    source: Source
    ref: object
    """The source's own handle: a ``TarInfo``, a ``ZipInfo``, ..."""
    key: str | None
    """Lexical location inside its archive level, for link resolution."""
    target_key: str | None = None
    """For links, the lexical location of the target inside the same archive level."""
    link: Entry | None = None
    """For links, the entry the target names (one hop), when it is in the archive."""
    cache: bytes | None = None
    """Content read already (nested archives are read while listing)."""
    error: LimitExceeded | ArtifactError | None = None
    """Why reading failed before, so a second read fails the same way without redoing work."""


@dataclass(slots=True)
class Context:
    """Everything shared while reading one artifact and the archives nested in it."""

    limits: Limits
    budget: Budget
    issues: IssueLog


class Listing:
    """Builds the entries of one archive level: checks names and links, records issues, counts
    members against ``Limits.members``, spots duplicates and resolves links in the archive."""

    __slots__ = ("_by_key", "_paths", "ctx", "entries", "prefix", "source")

    def __init__(self, ctx: Context, source: Source, prefix: str) -> None:
        self.ctx = ctx
        self.source = source
        self.prefix = prefix
        self.entries: list[Entry] = []
        self._by_key: dict[str, Entry] = {}
        self._paths: set[str] = set()

    def too_many(self, where: str, detail: str = "") -> None:
        """Record that the members limit cut this archive's listing short."""
        limit = self.ctx.limits.members
        self.ctx.issues.add(
            IssueKind.TOO_MANY_MEMBERS,
            where,
            detail
            or f"more than {limit} members in the artifact; only the first {limit} are listed",
        )

    def full(self) -> bool:
        """Whether ``Limits.members`` members have been listed in the artifact already."""
        return self.ctx.budget.members_left <= 0

    def add(
        self,
        raw_name: str,
        size: int,
        kind: MemberKind,
        ref: object,
        *,
        link: str | None = None,
        special: str | None = None,
        problems: Sequence[Problem] = (),
    ) -> Entry:
        """List one member.

        ``link`` is a link's raw target (None when it could not be read), ``special`` names a
        device type, ``problems`` are issues the container reader found in the raw name.
        """
        name = clean_name(raw_name)
        path = self.prefix + name.display
        issues = self.ctx.issues
        for problem, detail in (*problems, *name.problems):
            issues.add(problem, path, detail)
        target: str | None = None
        target_key: str | None = None
        if kind in LINK_KINDS:
            if link is None:
                issues.add(
                    IssueKind.SYMLINK if kind is MemberKind.SYMLINK else IssueKind.HARDLINK,
                    path,
                    "a link whose target could not be read",
                )
            else:
                target, target_problems = display_text(link.replace("\\", "/"))
                for problem, detail in target_problems:
                    issues.add(problem, path, f"link target: {detail}")
                target_key = self._check_link(path, name.key, kind, target)
        if special is not None:
            issues.add(
                IssueKind.SPECIAL_FILE, path, f"the member is a {special}; it is listed, not read"
            )
        entry = Entry(Member(path, size, kind, target), self.source, ref, name.key, target_key)
        if kind is MemberKind.HARDLINK and target_key is not None:
            entry.link = self._by_key.get(target_key)
        if kind is not MemberKind.DIR:
            if path in self._paths:
                issues.add(
                    IssueKind.DUPLICATE_MEMBER,
                    path,
                    "the name appears more than once; an installer keeps the last copy",
                )
            else:
                self._paths.add(path)
        if name.key is not None:
            self._by_key[name.key] = entry
        self.entries.append(entry)
        self.ctx.budget.members_left -= 1
        return entry

    def _check_link(self, path: str, key: str | None, kind: MemberKind, target: str) -> str | None:
        issues = self.ctx.issues
        if kind is MemberKind.SYMLINK:
            target_key = symlink_key(key, target)
            if target_key is None:
                issues.add(
                    IssueKind.SYMLINK_OUTSIDE,
                    path,
                    f"symbolic link to {target!r}, which is outside the archive",
                )
            else:
                issues.add(
                    IssueKind.SYMLINK, path, f"symbolic link to {target!r} inside the archive"
                )
            return target_key
        target_key = hardlink_key(target)
        issues.add(IssueKind.HARDLINK, path, f"hard link to {target!r}")
        if target_key is None:
            escape = IssueKind.PATH_ABSOLUTE if is_absolute(target) else IssueKind.PATH_TRAVERSAL
            issues.add(escape, path, f"the hard link target {target!r} is outside the archive")
        return target_key

    def finish(self) -> list[Entry]:
        """Resolve symbolic links (to the last member of that name, as extraction would)."""
        for entry in self.entries:
            if entry.member.kind is MemberKind.SYMLINK and entry.target_key is not None:
                entry.link = self._by_key.get(entry.target_key)
        return self.entries
