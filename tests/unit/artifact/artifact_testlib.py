"""Builders for the small archives the artifact tests make in memory (never from the corpus)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """One tar member to write: a regular file unless ``type`` says otherwise."""

    name: str
    data: bytes = b""
    type: bytes = tarfile.REGTYPE
    linkname: str = ""


class Build:
    """Archive builders; every archive is made in memory by the test that needs it."""

    @staticmethod
    def tar(specs: list[Spec], compression: str = "") -> bytes:
        buf = io.BytesIO()
        with tarfile.open(
            fileobj=buf,
            mode="w",
            format=tarfile.GNU_FORMAT,
            encoding="utf-8",
            errors="surrogateescape",
        ) as archive:
            for spec in specs:
                info = tarfile.TarInfo(spec.name)
                info.type = spec.type
                info.linkname = spec.linkname
                info.size = len(spec.data) if spec.type == tarfile.REGTYPE else 0
                archive.addfile(info, io.BytesIO(spec.data) if info.size else None)
        return Build.compress(buf.getvalue(), compression)

    @staticmethod
    def compress(raw: bytes, compression: str) -> bytes:
        if compression == "gz":
            return gzip.compress(raw, compresslevel=6, mtime=0)
        if compression == "bz2":
            return bz2.compress(raw)
        if compression == "xz":
            return lzma.compress(raw)
        return raw

    @staticmethod
    def zip(
        files: list[tuple[str, bytes]],
        method: int = zipfile.ZIP_DEFLATED,
        modes: dict[str, int] | None = None,
    ) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as archive:
            for name, data in files:
                info = zipfile.ZipInfo(name)
                info.compress_type = method
                if modes and name in modes:
                    info.external_attr = modes[name] << 16
                archive.writestr(info, data)
        return buf.getvalue()

    @staticmethod
    def many_member_tar(count: int) -> bytes:
        """An uncompressed tar of ``count`` empty files, built from a header template (fast)."""
        template = bytearray(tarfile.TarInfo("x").tobuf(tarfile.USTAR_FORMAT))
        blocks = []
        for index in range(count):
            block = bytearray(template)
            name = b"pkg/m%07d.py" % index
            block[0:100] = name.ljust(100, b"\0")
            block[148:156] = b"        "
            block[148:156] = b"%06o\0 " % sum(block)
            blocks.append(bytes(block))
        blocks.append(b"\0" * 1024)
        return b"".join(blocks)
