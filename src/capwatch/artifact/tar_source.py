"""Tar archives, parsed by ``tarfile`` from an in-memory buffer and never extracted."""

from __future__ import annotations

import struct
import tarfile
from collections.abc import Sequence

from capwatch.artifact.budget import Budget
from capwatch.artifact.chunked import Chunked, ChunkedFile
from capwatch.artifact.issues import IssueKind
from capwatch.artifact.members import MemberKind
from capwatch.artifact.source import Context, Entry, Listing
from capwatch.config import Limits
from capwatch.errors import ArtifactError, LimitExceeded

_CHUNK = 1024 * 1024
_TAR_ERRORS = (
    tarfile.TarError,
    ValueError,
    OverflowError,
    EOFError,
    OSError,
    struct.error,
    IndexError,
)
_SPECIAL = {
    tarfile.CHRTYPE: "character device",
    tarfile.BLKTYPE: "block device",
    tarfile.FIFOTYPE: "fifo",
}


class TarSource:
    """Member content of an uncompressed tar held in memory."""

    __slots__ = ("_limits", "_raw", "_tar")

    def __init__(self, raw: Chunked, tar: tarfile.TarFile, limits: Limits) -> None:
        self._raw = raw
        self._tar = tar
        self._limits = limits

    def _info(self, entry: Entry) -> tarfile.TarInfo:
        info = entry.ref
        assert isinstance(info, tarfile.TarInfo)
        return info

    def read(self, entry: Entry, budget: Budget) -> bytes:
        info = self._info(entry)
        cap = self._limits.member_bytes
        if info.sparse is not None:
            return self._read_sparse(entry, info, budget)
        start = info.offset_data
        end = min(start + info.size, len(self._raw))
        if end - start > cap:
            raise LimitExceeded(
                "member_bytes",
                f"{entry.member.path} holds {end - start} bytes, over the {cap}-byte member limit",
            )
        content = self._raw.slice(start, end)
        self._raw.done(start, end)
        return content

    def expect(self, entries: Sequence[Entry]) -> None:
        """Every read still to come is of ``entries`` (one read each): the bytes of the tar that
        none of them needs are let go now, and each member's once it is read. A tar with a
        sparse member among them keeps everything (those are read through ``tarfile``)."""
        infos = [self._info(entry) for entry in entries]
        if any(info.sparse is not None for info in infos):
            return
        size = len(self._raw)
        self._raw.expect(
            (info.offset_data, min(info.offset_data + info.size, size)) for info in infos
        )

    def _read_sparse(self, entry: Entry, info: tarfile.TarInfo, budget: Budget) -> bytes:
        # Sparse members expand holes to zeros: new bytes, so they count against the budget.
        cap = self._limits.member_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            stream = self._tar.extractfile(info)
            if stream is None:
                return b""
            with stream:
                while piece := stream.read(min(_CHUNK, cap - size + 1)):
                    size += len(piece)
                    if size > cap:
                        raise LimitExceeded(
                            "member_bytes",
                            f"{entry.member.path} expands to more than {cap} bytes, the member "
                            "limit",
                        )
                    budget.charge(len(piece), entry.member.path)
                    chunks.append(piece)
        except _TAR_ERRORS as exc:
            raise ArtifactError(f"{entry.member.path}: sparse member is corrupt ({exc})") from None
        return b"".join(chunks)

    def head(self, entry: Entry, size: int) -> bytes:
        info = self._info(entry)
        if info.sparse is not None:
            return b""
        start = info.offset_data
        return self._raw.slice(start, start + min(size, info.size))


def _kind(info: tarfile.TarInfo) -> MemberKind:
    if info.isreg() or info.type not in tarfile.SUPPORTED_TYPES:
        # tarfile extracts unknown member types as regular files, so they are content.
        return MemberKind.FILE
    if info.isdir():
        return MemberKind.DIR
    if info.issym():
        return MemberKind.SYMLINK
    if info.islnk():
        return MemberKind.HARDLINK
    return MemberKind.OTHER


def open_tar(
    raw: Chunked, ctx: Context, prefix: str, where: str, *, cut_short: bool = False
) -> list[Entry]:
    """List the members of the uncompressed tar ``raw``, at most ``Limits.members`` in all.

    A corrupt or truncated header after the first member ends the listing with a ``truncated``
    issue (unless ``cut_short`` says a limit already cut the stream, with its own issue);
    members whose data runs past the end of the buffer are listed and flagged.
    """
    try:
        tar = tarfile.TarFile(
            fileobj=ChunkedFile(raw),  # type: ignore[arg-type]
            mode="r",
            encoding="utf-8",
            errors="surrogateescape",
        )
    except _TAR_ERRORS as exc:
        raise ArtifactError(f"{where or 'the artifact'} is not a readable tar ({exc})") from None
    source = TarSource(raw, tar, ctx.limits)
    listing = Listing(ctx, source, prefix)
    size = len(raw)
    while True:
        if listing.full():
            try:
                more = tar.next() is not None
            except _TAR_ERRORS:
                more = False
            if more:
                listing.too_many(where)
            break
        try:
            info = tar.next()
        except _TAR_ERRORS as exc:
            if not cut_short:
                ctx.issues.add(
                    IssueKind.TRUNCATED,
                    where,
                    f"the tar breaks off after {len(listing.entries)} members ({exc})",
                )
            break
        if info is None:
            break
        kind = _kind(info)
        entry = listing.add(
            info.name,
            info.size,
            kind,
            info,
            link=info.linkname if kind in (MemberKind.SYMLINK, MemberKind.HARDLINK) else None,
            special=_SPECIAL.get(info.type, "special file") if kind is MemberKind.OTHER else None,
        )
        if kind is MemberKind.FILE and info.sparse is None and info.offset_data + info.size > size:
            ctx.issues.add(
                IssueKind.TRUNCATED,
                entry.member.path,
                f"only {max(0, size - info.offset_data)} of the member's {info.size} bytes are "
                "present",
            )
    return listing.finish()
