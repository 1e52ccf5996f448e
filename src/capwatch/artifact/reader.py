"""Opening an artifact: container detection, listing, nested archives and bounded reads.

Everything happens in memory. Nothing is extracted, executed or imported; links are resolved
only to other members of the same archive, never to the filesystem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from capwatch.artifact.blob_source import BlobSource
from capwatch.artifact.budget import ArchiveLimitExceeded, Budget
from capwatch.artifact.chunked import Chunked
from capwatch.artifact.detect import (
    TAR_BLOCK,
    compression_of,
    has_zip_directory,
    has_zip_magic,
    is_tar_header,
    looks_like_text,
)
from capwatch.artifact.inflate import inflate, inflate_chunked
from capwatch.artifact.issues import ArchiveIssue, IssueKind, IssueLog, issue_for_limit
from capwatch.artifact.members import NESTED_SEPARATOR, Member, MemberKind
from capwatch.artifact.source import LINK_KINDS, Context, Entry
from capwatch.artifact.tar_source import TarSource, open_tar
from capwatch.artifact.zip_source import open_zip
from capwatch.config import Limits
from capwatch.errors import ArtifactError, LimitExceeded

NESTED_SUFFIXES = (
    ".zip", ".whl", ".egg", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
    ".pt", ".pth", ".ckpt", ".npz",
)
"""Members with these names (and archive magic bytes) are opened as nested archives: PyTorch
checkpoints (``.pt``, ``.pth``, ``.ckpt``) and NumPy ``.npz`` files are zip archives of pickles
and arrays, which run what they name when loaded (:mod:`capwatch.lang.serialized`)."""
_COMPRESSION_SUFFIXES = {
    ".gz": "",
    ".bz2": "",
    ".xz": "",
    ".tgz": ".tar",
    ".tbz2": ".tar",
    ".txz": ".tar",
}
_LINK_HOPS = 8
_SEPARATORS = re.compile(r"[/\\!]")


class Archive:
    """An opened artifact: its container, its members, and the issues found reading it.

    Members of nested archives are listed right after the member that holds them. ``issues``
    grows as reading discovers problems (limits hit, corrupt members).
    """

    __slots__ = (
        "_by_id",
        "_by_value",
        "_ctx",
        "_entries",
        "container",
        "display_path",
        "issues",
        "members",
    )

    def __init__(
        self, container: str, display_path: str, entries: list[Entry], ctx: Context
    ) -> None:
        self.container = container
        """Detected from content: ``tar``, ``tar.gz``, ``tar.bz2``, ``tar.xz``, ``zip``, ``gz``,
        ``bz2``, ``xz`` (one compressed file) or ``file`` (a single source file)."""
        self.display_path = display_path
        self.members: tuple[Member, ...] = tuple(entry.member for entry in entries)
        self.issues: list[ArchiveIssue] = ctx.issues.items
        self._entries = entries
        self._ctx = ctx
        self._by_id = {id(entry.member): entry for entry in entries}
        self._by_value: dict[Member, Entry] | None = None

    def __repr__(self) -> str:
        return (
            f"Archive({self.display_path!r}, container={self.container!r}, "
            f"members={len(self.members)}, issues={len(self.issues)})"
        )

    def _entry(self, member: Member) -> Entry:
        entry = self._by_id.get(id(member))
        if entry is not None and entry.member is member:
            return entry
        if self._by_value is None:
            self._by_value = {}
            for item in self._entries:
                self._by_value.setdefault(item.member, item)
        entry = self._by_value.get(member)
        if entry is None:
            raise ArtifactError(f"{member.path} is not a member of {self.display_path}")
        return entry

    def read(self, member: Member) -> bytes:
        """The content of ``member``, decompressed in memory in bounded chunks.

        Links read as the archive member they point to (never the filesystem); directories and
        special files read as ``b""``. Raises ``LimitExceeded`` when ``Limits.member_bytes``,
        ``total_bytes`` or ``ratio`` would be exceeded, ``ArtifactError`` when the member is
        corrupt or a link's target is not a file in the archive. Either way the matching issue
        is recorded.
        """
        return _read_entry(self._entry(member), self._ctx)

    def expect_reads(self, members: Sequence[Member]) -> None:
        """From now on, :meth:`read` is called only for ``members``, at most once each (a
        member listed twice may be read twice).

        The decompressed bytes of a compressed tar that none of them needs are let go at once,
        and a member's once it is read, so the scan of a large sdist does not hold its whole
        tar while it analyses the files. Reading a member not announced afterwards raises
        :class:`~capwatch.artifact.chunked.ReleasedError`.
        """
        by_source: dict[int, tuple[TarSource, list[Entry]]] = {}
        for member in members:
            entry = self._entry(member)
            target = entry if member.kind is MemberKind.FILE else _resolve(entry)
            if target is None or target.cache is not None or target.error is not None:
                continue  # read from the cache, or not read at all
            source = target.source
            if isinstance(source, TarSource):
                by_source.setdefault(id(source), (source, []))[1].append(target)
        for source, entries in by_source.values():
            source.expect(entries)

    def files(self) -> Iterator[tuple[Member, bytes]]:
        """Every member with content, in order, with its bytes.

        Regular files, and links whose target is a regular file in the archive (an installer
        writes them as files with that content, so a ``__init__.py`` that is a link is still
        seen). Members over a limit or unreadable are skipped with an issue; once the whole
        artifact's budget is spent, iteration stops.
        """
        ctx = self._ctx
        for entry in self._entries:
            kind = entry.member.kind
            if kind is not MemberKind.FILE and (kind not in LINK_KINDS or _resolve(entry) is None):
                continue
            try:
                data = _read_entry(entry, ctx)
            except ArchiveLimitExceeded:
                return
            except (LimitExceeded, ArtifactError):
                continue
            yield entry.member, data


def _resolve(entry: Entry) -> Entry | None:
    """The regular file a link names inside its archive, following a few hops; None if the
    chain leaves the archive, ends at a directory or loops."""
    current: Entry | None = entry
    for _ in range(_LINK_HOPS + 1):
        if current is None or current.member.kind not in (MemberKind.FILE, *LINK_KINDS):
            return None
        if current.member.kind is MemberKind.FILE:
            return current
        current = current.link
    return None


def _read_entry(entry: Entry, ctx: Context) -> bytes:
    member = entry.member
    if member.kind is MemberKind.FILE:
        target = entry
    elif member.kind in LINK_KINDS:
        found = _resolve(entry)
        if found is None:
            raise ArtifactError(
                f"{member.path} is a link to {member.link_target!r}, which is not a file in "
                "the archive"
            )
        target = found
    else:
        return b""
    if target.cache is not None:
        return target.cache
    if target.error is not None:
        raise _again(target.error)
    try:
        return target.source.read(target, ctx.budget)
    except ArchiveLimitExceeded as exc:
        # Not remembered: the artifact's budget is spent, but a smaller member might still fit.
        ctx.issues.add(issue_for_limit(exc.limit), "", exc.message)
        raise
    except LimitExceeded as exc:
        target.error = exc
        ctx.issues.add(issue_for_limit(exc.limit), target.member.path, exc.message)
        raise
    except ArtifactError as exc:
        target.error = exc
        ctx.issues.add(IssueKind.MEMBER_UNREADABLE, target.member.path, exc.message)
        raise


def _again(error: LimitExceeded | ArtifactError) -> LimitExceeded | ArtifactError:
    """A fresh copy of an earlier read error (re-raising one object grows its traceback)."""
    if isinstance(error, LimitExceeded):
        return LimitExceeded(error.limit, error.message)
    return ArtifactError(error.message, diagnostic=error.diagnostic)


def _single_name(display_path: str) -> str:
    """The member name of a single-file artifact: its base name minus a compression suffix."""
    base = _SEPARATORS.split(display_path)[-1] or "artifact"
    lower = base.lower()
    for suffix, replacement in _COMPRESSION_SUFFIXES.items():
        if lower.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + replacement
    return base


def _open_compressed(
    data: bytes, codec: str, name: str, ctx: Context, where: str, prefix: str
) -> tuple[str, list[Entry]]:
    budget = ctx.budget
    if is_tar_header(inflate(data, codec, TAR_BLOCK).data):
        # in blocks: joined, the tar would be held twice while it is joined
        tar = inflate_chunked(data, codec, budget.room())
        budget.add(tar.data.size)
        if tar.over_limit:
            error = budget.over_limit_error(where)
            ctx.issues.add(issue_for_limit(error.limit), where, error.message)
            if tar.data.size < TAR_BLOCK:
                return f"tar.{codec}", []
        elif not tar.complete:
            ctx.issues.add(
                IssueKind.TRUNCATED,
                where,
                f"{tar.error}; the members before the break are kept",
            )
        return f"tar.{codec}", open_tar(
            tar.data, ctx, prefix, where, cut_short=tar.over_limit
        )
    path = prefix + _single_name(name)
    member_cap = ctx.limits.member_bytes
    room = budget.room()
    result = inflate(data, codec, min(member_cap, room))
    budget.add(len(result.data))
    limit_error: LimitExceeded | None = None
    if result.over_limit:
        if room <= member_cap:
            limit_error = budget.over_limit_error(path)
            ctx.issues.add(issue_for_limit(limit_error.limit), where, limit_error.message)
        else:
            limit_error = LimitExceeded(
                "member_bytes",
                f"{path} decompresses to more than {member_cap} bytes, the member limit",
            )
    elif not result.complete:
        if not result.data:
            raise ArtifactError(f"{name or 'the artifact'}: {result.error}; nothing was readable")
        ctx.issues.add(IssueKind.TRUNCATED, where, f"{result.error}; the part before it is kept")
    source = BlobSource(result.data, ctx.limits, limit_error)
    budget.members_left -= 1
    member = Member(path, len(result.data), MemberKind.FILE)
    return codec, [Entry(member, source, None, path)]


def _open_level(
    data: bytes, name: str, ctx: Context, depth: int, where: str
) -> tuple[str, list[Entry]]:
    """Open one archive level; ``where`` is '' for the artifact, else the member holding it."""
    if not data:
        raise ArtifactError(f"{name or 'the artifact'} is empty (0 bytes)")
    prefix = f"{where}{NESTED_SEPARATOR}" if where else ""
    codec = compression_of(data)
    tar_header = is_tar_header(data)
    if codec is not None:
        try:
            container, entries = _open_compressed(data, codec, name, ctx, where, prefix)
        except ArtifactError:
            if not tar_header:
                raise
            # Not a stream after all: a tar whose first name starts with compression magic.
            container, entries = "tar", open_tar(Chunked((data,)), ctx, prefix, where)
    elif has_zip_magic(data) and not (tar_header and not has_zip_directory(data)):
        container, entries = "zip", open_zip(data, ctx, prefix, where)
    elif tar_header:
        container, entries = "tar", open_tar(Chunked((data,)), ctx, prefix, where)
    elif has_zip_directory(data):
        container, entries = "zip", open_zip(data, ctx, prefix, where)
    elif looks_like_text(data):
        path = prefix + (_SEPARATORS.split(name)[-1] or "artifact")
        ctx.budget.members_left -= 1
        member = Member(path, len(data), MemberKind.FILE)
        container, entries = "file", [Entry(member, BlobSource(data, ctx.limits), None, path)]
    else:
        raise ArtifactError(
            f"{name or 'the artifact'} is not an archive capwatch reads (tar, zip, gzip, bzip2, "
            "xz) nor a text file"
        )
    return container, _open_nested(entries, ctx, depth)


def _is_archive_head(head: bytes) -> bool:
    return compression_of(head) is not None or has_zip_magic(head) or is_tar_header(head)


def _open_nested(entries: list[Entry], ctx: Context, depth: int) -> list[Entry]:
    """Splice the members of nested archives in after the member holding each one."""
    if not any(
        entry.member.kind is MemberKind.FILE and entry.member.path.lower().endswith(NESTED_SUFFIXES)
        for entry in entries
    ):
        return entries
    out: list[Entry] = []
    for entry in entries:
        out.append(entry)
        member = entry.member
        if member.kind is not MemberKind.FILE or not member.path.lower().endswith(NESTED_SUFFIXES):
            continue
        if not _is_archive_head(entry.source.head(entry, TAR_BLOCK)):
            continue
        if depth >= ctx.limits.nesting:
            ctx.issues.add(
                IssueKind.NESTING_EXCEEDED,
                member.path,
                f"an archive nested {depth + 1} levels deep is not opened (limit "
                f"{ctx.limits.nesting})",
            )
            continue
        try:
            content = _read_entry(entry, ctx)
        except (LimitExceeded, ArtifactError):
            continue
        entry.cache = content
        try:
            _, inner = _open_level(content, member.path, ctx, depth + 1, member.path)
        except ArtifactError as exc:
            ctx.issues.add(IssueKind.NESTED_ARCHIVE_ERROR, member.path, exc.message)
            continue
        out.extend(inner)
    return out


def open_artifact(data: bytes, display_path: str, limits: Limits, *, depth: int = 0) -> Archive:
    """Open an artifact held in memory; the container is detected from its content.

    ``display_path`` names the artifact in messages and gives single-file members their name.
    ``depth`` is how deep this artifact already sits inside others (archives nested deeper than
    ``Limits.nesting`` are listed as files, with an issue).

    Raises ``ArtifactError`` when nothing can be read: empty input, an unknown binary format, a
    container corrupt from its first bytes. Raises ``LimitExceeded`` when ``data`` is over
    ``Limits.artifact_bytes``. Anything less is an issue on the returned archive.
    """
    if len(data) > limits.artifact_bytes:
        raise LimitExceeded(
            "artifact_bytes",
            f"{display_path or 'the artifact'} has {len(data)} bytes, over the "
            f"{limits.artifact_bytes}-byte artifact limit",
        )
    ctx = Context(limits, Budget(limits, len(data)), IssueLog())
    container, entries = _open_level(bytes(data), display_path, ctx, depth, "")
    return Archive(container, display_path, entries, ctx)
