"""Building small artifacts in memory for tests (nothing is written next to the sources)."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Mapping
from pathlib import Path


def sdist_bytes(files: Mapping[str, bytes | str], top: str = "demo-0.1", *, pkg_info: bool = True) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        entries = dict(files)
        if pkg_info and "PKG-INFO" not in entries:
            name, _, version = top.rpartition("-")
            entries["PKG-INFO"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        for path, content in sorted(entries.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def wheel_bytes(files: Mapping[str, bytes | str], name: str = "demo", version: str = "0.1") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        dist = f"{name}-{version}.dist-info"
        entries = dict(files)
        entries.setdefault(f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        entries.setdefault(f"{dist}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        entries.setdefault(f"{dist}/RECORD", "")
        for path, content in sorted(entries.items()):
            zf.writestr(path, content)
    return buffer.getvalue()


def tree_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def artifact_from_tree(root: Path) -> bytes:
    """A wheel when the tree has a ``.dist-info`` folder, otherwise an sdist."""
    files = tree_files(root)
    if any(".dist-info/" in p for p in files):
        return wheel_bytes(files)
    return sdist_bytes(files, top=f"{root.name}-0.1")


def release_from_tree(root: Path, name: str, version: str) -> bytes:
    """An sdist of ``name`` ``version`` from a source tree: ``name-version/`` at the top and a
    ``PKG-INFO`` (the tree's own, else a minimal one with a summary)."""
    files: dict[str, bytes | str] = dict(tree_files(root))
    files.setdefault(
        "PKG-INFO",
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        f"Summary: The {name} project\n",
    )
    return sdist_bytes(files, top=f"{name}-{version}")
