"""Container detection from content (magic bytes), never from the file name."""

from __future__ import annotations

import struct

from capwatch.artifact.inflate import inflate

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZIP_LOCAL_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
ZIP_CENTRAL_MAGIC = b"PK\x01\x02"
TAR_BLOCK = 512
_ZIP_EOCD_SIZE = 22
_ZIP_EOCD_SEARCH = _ZIP_EOCD_SIZE + 0xFFFF
_TEXT_SAMPLE = 8192
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"

COMPRESSED_CONTAINERS = ("gz", "bz2", "xz")
"""Containers holding one compressed stream that is not a tar: a single file member."""
ARCHIVE_CONTAINERS = ("tar", "tar.gz", "tar.bz2", "tar.xz", "zip", *COMPRESSED_CONTAINERS)


def compression_of(data: bytes) -> str | None:
    """The compression codec of ``data`` from its magic bytes: ``gz``, ``bz2``, ``xz`` or None."""
    if data[:2] == GZIP_MAGIC:
        return "gz"
    if data[:3] == BZIP2_MAGIC and data[3:4].isdigit():
        return "bz2"
    if data[:6] == XZ_MAGIC:
        return "xz"
    return None


def is_tar_header(block: bytes) -> bool:
    """Whether ``block`` starts with a tar header whose checksum is valid (what tarfile requires).

    Checking the checksum rather than only the ``ustar`` magic also accepts old v7 archives.
    """
    if len(block) < TAR_BLOCK:
        return False
    field = block[148:156].split(b"\0", 1)[0].strip()
    try:
        stored = int(field or b"-1", 8)
    except ValueError:
        return False
    head = block[:TAR_BLOCK]
    unsigned = 256 + sum(head[:148]) + sum(head[156:])
    if stored == unsigned:
        return True
    signed = (
        256 + sum(struct.unpack_from("148b", head)) + sum(struct.unpack_from("356b", head, 156))
    )
    return bool(stored == signed)


def has_zip_magic(data: bytes) -> bool:
    """Whether ``data`` starts like a zip: a local header or an empty archive's end record."""
    return data[:4] in (ZIP_LOCAL_MAGIC, ZIP_EMPTY_MAGIC)


def has_zip_directory(data: bytes) -> bool:
    """Whether an end-of-central-directory record near the end points at a central directory
    (how ``zipfile`` finds members, also in zips with data prepended)."""
    pos = data.rfind(ZIP_EMPTY_MAGIC, max(0, len(data) - _ZIP_EOCD_SEARCH))
    if pos < 0 or pos + _ZIP_EOCD_SIZE > len(data):
        return False
    cd_size, cd_offset = struct.unpack_from("<LL", data, pos + 12)
    start = pos - cd_size
    if start < 0 or start < cd_offset:
        return False
    return cd_size == 0 or data[start : start + 4] == ZIP_CENTRAL_MAGIC


def looks_like_text(data: bytes) -> bool:
    """Whether ``data`` reads as text (source code): no NUL and few control bytes in its head."""
    sample = data[:_TEXT_SAMPLE]
    if not sample or b"\0" in sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls * 20 <= len(sample)


def detect_container(data: bytes) -> str:
    """The container format of ``data``, from content alone.

    Returns ``tar.gz``, ``tar.bz2`` or ``tar.xz`` for a compressed tar (decided by decompressing
    the first block only), ``gz``, ``bz2`` or ``xz`` for a compressed stream that is not a tar,
    ``zip``, ``tar``, ``file`` for text (a single source file), or ``unknown`` (including empty
    input).
    """
    if not data:
        return "unknown"
    codec = compression_of(data)
    if codec is not None:
        peek = inflate(data, codec, TAR_BLOCK)
        if is_tar_header(peek.data):
            return f"tar.{codec}"
        if not peek.data and is_tar_header(data):
            return "tar"  # a tar whose first member's name starts with compression magic
        return codec
    if has_zip_magic(data):
        # A tar whose first member's name starts with the zip magic is still a tar.
        return "tar" if is_tar_header(data) and not has_zip_directory(data) else "zip"
    if is_tar_header(data):
        return "tar"
    if has_zip_directory(data):
        return "zip"
    if looks_like_text(data):
        return "file"
    return "unknown"
