"""Zip archives (wheels, eggs, zips), read with ``zipfile`` from memory and never extracted.

When the central directory is missing (a truncated upload), members are salvaged from their
local headers instead, with a ``truncated`` issue.
"""

from __future__ import annotations

import io
import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from capwatch.artifact.budget import RATIO_FLOOR, Budget
from capwatch.artifact.detect import ZIP_CENTRAL_MAGIC, ZIP_EMPTY_MAGIC, ZIP_LOCAL_MAGIC
from capwatch.artifact.inflate import inflate
from capwatch.artifact.issues import IssueKind
from capwatch.artifact.members import MemberKind
from capwatch.artifact.names import Problem
from capwatch.artifact.source import Context, Entry, Listing
from capwatch.config import Limits
from capwatch.errors import ArtifactError, LimitExceeded

_CHUNK = 1024 * 1024
_UTF8_FLAG = 0x800
_DESCRIPTOR_FLAG = 0x08
_LINK_MAX = 4096
_EOCD = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    IndexError,
    KeyError,
    NotImplementedError,
    OverflowError,
    RuntimeError,
    zlib.error,
    lzma.LZMAError,
)
_SPECIAL = {
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFIFO: "fifo",
    stat.S_IFSOCK: "socket",
}
_NUL_NAME: Problem = (
    IssueKind.BAD_NAME_ENCODING,
    "the stored name holds a NUL byte; installers use only the part before it",
)


def _too_large(entry: Entry, cap: int) -> LimitExceeded:
    return LimitExceeded(
        "member_bytes",
        f"{entry.member.path} decompresses to more than {cap} bytes, the member limit",
    )


def _too_dense(entry: Entry, compressed: int, ratio: int) -> LimitExceeded:
    return LimitExceeded(
        "ratio",
        f"{entry.member.path} decompresses to more than {ratio} times its {compressed} "
        "compressed bytes",
    )


class ZipSource:
    """Member content of a zip, decompressed in bounded chunks by ``zipfile``."""

    __slots__ = ("_limits", "_zip")

    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self._zip = archive
        self._limits = limits

    def _info(self, entry: Entry) -> zipfile.ZipInfo:
        info = entry.ref
        assert isinstance(info, zipfile.ZipInfo)
        return info

    def read(self, entry: Entry, budget: Budget) -> bytes:
        # The limits count the bytes that actually come out. zipfile never yields more than the
        # declared size, so a declaration can only make this stricter, never looser.
        info = self._info(entry)
        path = entry.member.path
        cap = self._limits.member_bytes
        ratio_cap = max(RATIO_FLOOR, info.compress_size * self._limits.ratio)
        if info.file_size > ratio_cap:
            # Declared over the ratio: a bomb need not cost its full ratio allowance to prove
            # itself one. A declaration lying high over small content still reads in full.
            ratio_cap = RATIO_FLOOR
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while piece := stream.read(
                    min(_CHUNK, cap - size + 1, ratio_cap - size + 1, budget.room() + 1)
                ):
                    size += len(piece)
                    if size > cap:
                        raise _too_large(entry, cap)
                    if size > ratio_cap:
                        raise _too_dense(entry, info.compress_size, self._limits.ratio)
                    budget.charge(len(piece), path)
                    chunks.append(piece)
        except _ZIP_ERRORS as exc:
            raise ArtifactError(f"{path} cannot be read ({exc})") from None
        return b"".join(chunks)

    def head(self, entry: Entry, size: int) -> bytes:
        try:
            with self._zip.open(self._info(entry)) as stream:
                return stream.read(size)
        except _ZIP_ERRORS:
            return b""


def _decoded_name(raw: bytes) -> str:
    """A zip name as text; bytes that are not UTF-8 stay as surrogate escapes.

    Unflagged names are officially cp437, but tools write UTF-8 without setting the flag; a name
    that is not UTF-8 shows its bytes as escapes (with a bad-name-encoding issue) rather than as
    cp437 mojibake.
    """
    return raw.decode("utf-8", "surrogateescape")


def _zip_name(info: zipfile.ZipInfo) -> tuple[str, tuple[Problem, ...]]:
    name = info.orig_filename
    problems: tuple[Problem, ...] = ()
    if "\0" in name:
        name = name.split("\0", 1)[0]
        problems = (_NUL_NAME,)
    if not name.isascii() and not info.flag_bits & _UTF8_FLAG:
        name = _decoded_name(name.encode("cp437"))
    return name, problems


def _kind(info: zipfile.ZipInfo) -> tuple[MemberKind, str | None]:
    fmt = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir() or fmt == stat.S_IFDIR:
        return MemberKind.DIR, None
    if fmt == stat.S_IFLNK:
        return MemberKind.SYMLINK, None
    special = _SPECIAL.get(fmt)
    if special is not None:
        return MemberKind.OTHER, special
    return MemberKind.FILE, None


def _link_target(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> str | None:
    """A zip symlink's target is its content; read it when small and affordable."""
    if info.file_size > _LINK_MAX or budget.room() <= _LINK_MAX:
        return None
    try:
        with archive.open(info) as stream:
            raw = stream.read(_LINK_MAX + 1)
    except _ZIP_ERRORS:
        return None
    budget.add(len(raw))
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class _Directory:
    """Where a (non-zip64) zip's central directory is, from its end record."""

    end: int
    """Offset of the end-of-central-directory record."""
    count: int
    start: int
    """Offset of the first central directory header."""
    concat: int
    """Bytes prepended to the zip (offsets in headers are relative to the zip's start)."""


def _directory(data: bytes) -> _Directory | None:
    pos = data.rfind(ZIP_EMPTY_MAGIC, max(0, len(data) - _EOCD.size - 0xFFFF))
    if pos < 0 or pos + _EOCD.size > len(data):
        return None
    fields = _EOCD.unpack_from(data, pos)
    count, cd_size, cd_offset = fields[4], fields[5], fields[6]
    start = pos - cd_size
    if start < 0 or start < cd_offset or 0xFFFF in (count, fields[3]) or cd_offset == 0xFFFFFFFF:
        return None  # zip64 or inconsistent: leave it to zipfile
    return _Directory(pos, count, start, start - cd_offset)


def _headers(data: bytes | bytearray, directory: _Directory) -> Iterator[tuple[int, int]]:
    """(offset, length) of each central directory header, in order, while they parse."""
    at = directory.start
    for _ in range(directory.count):
        if data[at : at + 4] != ZIP_CENTRAL_MAGIC or at + _CENTRAL.size > directory.end:
            return
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, at + 28)
        length = _CENTRAL.size + name_len + extra_len + comment_len
        yield at, length
        at += length


def _first_members(data: bytes, keep: int) -> tuple[bytes, int] | None:
    """A copy of the zip whose end record covers only its first ``keep`` members (so zipfile
    does not parse a central directory of millions of entries) and the number of members the
    zip declares; None when not needed."""
    directory = _directory(data)
    if directory is None or directory.count <= keep:
        return None
    size = 0
    for index, (_, length) in enumerate(_headers(data, directory)):
        if index == keep:
            break
        size += length
    cd_offset = directory.start - directory.concat
    end = _EOCD.pack(ZIP_EMPTY_MAGIC, 0, 0, keep, keep, size, cd_offset, 0)
    return data[: directory.start + size] + end, directory.count


def _clear_bad_utf8_flags(data: bytes) -> bytes | None:
    """A copy of the zip with the UTF-8 flag cleared on names that are not UTF-8.

    ``zipfile`` refuses the whole archive over one such name; cleared, the name decodes as cp437
    and is re-read by :func:`_zip_name` as escaped bytes. None when the layout is not understood
    (zip64 and the like).
    """
    directory = _directory(data)
    if directory is None:
        return None
    patched = bytearray(data)
    for at, _ in _headers(patched, directory):
        header = _CENTRAL.unpack_from(patched, at)
        flags, name_len = header[3], header[10]
        if not flags & _UTF8_FLAG:
            continue
        try:
            bytes(patched[at + _CENTRAL.size : at + _CENTRAL.size + name_len]).decode("utf-8")
        except UnicodeDecodeError:
            struct.pack_into("<H", patched, at + 8, flags & ~_UTF8_FLAG)
            local = header[16] + directory.concat
            if patched[local : local + 4] == ZIP_LOCAL_MAGIC:
                local_flags = struct.unpack_from("<H", patched, local + 6)[0]
                struct.pack_into("<H", patched, local + 6, local_flags & ~_UTF8_FLAG)
    return bytes(patched)


def _open_zipfile(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except UnicodeDecodeError:
        patched = _clear_bad_utf8_flags(data)
        if patched is None:
            raise
        return zipfile.ZipFile(io.BytesIO(patched))


def open_zip(data: bytes, ctx: Context, prefix: str, where: str) -> list[Entry]:
    """List the members of the zip ``data``, at most ``Limits.members`` in all."""
    first = _first_members(data, max(ctx.budget.members_left, 0))
    declared = 0 if first is None else first[1]
    try:
        archive = _open_zipfile(data if first is None else first[0])
    except _ZIP_ERRORS as exc:
        if data[:4] == ZIP_LOCAL_MAGIC:
            return _salvage(data, ctx, prefix, where, str(exc))
        raise ArtifactError(f"{where or 'the artifact'} is not a readable zip ({exc})") from None
    source = ZipSource(archive, ctx.limits)
    listing = Listing(ctx, source, prefix)
    infos = archive.infolist()
    total = max(len(infos), declared)
    for info in infos:
        if listing.full():
            break
        name, problems = _zip_name(info)
        kind, special = _kind(info)
        link = _link_target(archive, info, ctx.budget) if kind is MemberKind.SYMLINK else None
        listing.add(name, info.file_size, kind, info, link=link, special=special, problems=problems)
    if total > len(listing.entries):
        listing.too_many(
            where,
            f"the zip has {total} members; the artifact's first {ctx.limits.members} are listed",
        )
    return listing.finish()


class SalvagedZipSource:
    """Member content recovered from local headers of a zip with no central directory."""

    __slots__ = ("_data", "_limits")

    def __init__(self, data: bytes, limits: Limits) -> None:
        self._data = data
        self._limits = limits

    def read(self, entry: Entry, budget: Budget) -> bytes:
        ref = entry.ref
        assert isinstance(ref, tuple)
        start, end, method = ref
        view = memoryview(self._data)[start:end]
        if method == 0:
            if len(view) > self._limits.member_bytes:
                raise _too_large(entry, self._limits.member_bytes)
            return view.tobytes()
        if method != zipfile.ZIP_DEFLATED:
            raise ArtifactError(
                f"{entry.member.path} uses compression method {method}, which cannot be salvaged"
            )
        member_cap = self._limits.member_bytes
        ratio_cap = max(RATIO_FLOOR, len(view) * self._limits.ratio)
        room = budget.room()
        cap = min(member_cap, ratio_cap, room)
        result = inflate(view, "deflate", cap)
        budget.add(len(result.data))
        if result.over_limit:
            if cap == room:
                raise budget.over_limit_error(entry.member.path)
            if cap == member_cap:
                raise _too_large(entry, member_cap)
            raise _too_dense(entry, len(view), self._limits.ratio)
        return result.data

    def head(self, entry: Entry, size: int) -> bytes:
        ref = entry.ref
        assert isinstance(ref, tuple)
        start, end, method = ref
        if method == 0:
            return self._data[start : min(end, start + size)]
        return inflate(memoryview(self._data)[start:end], "deflate", size).data


def _salvage(data: bytes, ctx: Context, prefix: str, where: str, reason: str) -> list[Entry]:
    """Walk the local headers of a zip whose central directory cannot be read."""
    source = SalvagedZipSource(data, ctx.limits)
    listing = Listing(ctx, source, prefix)
    pos = 0
    size = len(data)
    while pos + _LOCAL.size <= size and data[pos : pos + 4] == ZIP_LOCAL_MAGIC:
        if listing.full():
            listing.too_many(where)
            break
        header = _LOCAL.unpack_from(data, pos)
        flags, method, compressed, declared = header[2], header[3], header[7], header[8]
        name_len, extra_len = header[9], header[10]
        raw_name = data[pos + _LOCAL.size : pos + _LOCAL.size + name_len]
        start = pos + _LOCAL.size + name_len + extra_len
        if flags & _DESCRIPTOR_FLAG and compressed == 0:
            # Sizes follow the data: the member runs to the next header.
            found = [data.find(sig, start) for sig in (ZIP_LOCAL_MAGIC, ZIP_CENTRAL_MAGIC)]
            end = min((f for f in found if f >= 0), default=size)
            following = end
        else:
            end = start + compressed
            following = end + (_skip_descriptor(data, end) if flags & _DESCRIPTOR_FLAG else 0)
        name = _decoded_name(raw_name)
        kind = MemberKind.DIR if name.endswith("/") else MemberKind.FILE
        entry = listing.add(name, declared, kind, (start, min(end, size), method))
        if end > size:
            ctx.issues.add(
                IssueKind.TRUNCATED,
                entry.member.path,
                f"only {max(0, size - start)} of the member's {compressed} compressed bytes are "
                "present",
            )
            break
        pos = following
    if not listing.entries:
        raise ArtifactError(f"{where or 'the artifact'} is not a readable zip ({reason})")
    ctx.issues.add(
        IssueKind.TRUNCATED,
        where,
        f"the zip has no readable central directory ({reason}); "
        f"{len(listing.entries)} members were recovered from their local headers",
    )
    return listing.finish()


def _skip_descriptor(data: bytes, at: int) -> int:
    """Length of the data descriptor after a member (with or without its signature)."""
    return 16 if data[at : at + 4] == b"PK\x07\x08" else 12
