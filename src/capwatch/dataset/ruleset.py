"""The ruleset version: one short hash that changes whenever the scanner's behaviour can change.

Cached evaluation results are keyed by it. It covers the bytes of every ``*.py``, ``*.toml`` and
``*.txt`` file of the installed ``capwatch`` package (rules, analyser, engine, catalogues, the
popular project names, limits...), each
with its relative path, in sorted order, except the parts that only consume scan results
(:data:`CONSUMERS`: the review service, the evaluation harness, report formats, the command line).
Compute it once per run: it reads the whole package.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import capwatch

SUFFIXES = (".py", ".toml", ".txt")
CONSUMERS = ("service/", "dataset/", "report/", "cli.py", "docs.py", "__main__.py")
"""Paths below the package that never change what a scan finds."""
LENGTH = 16
"""Hex digits kept: 64 bits, plenty to tell versions of one package apart."""


def package_root() -> Path:
    return Path(capwatch.__file__).resolve().parent


def ruleset_version(root: Path | None = None) -> str:
    """Hash of every ``*.py``, ``*.toml`` and ``*.txt`` file below ``root`` (default: the
    capwatch package)."""
    base = root if root is not None else package_root()
    files = sorted(
        (p.relative_to(base).as_posix(), p)
        for p in base.rglob("*")
        if p.suffix in SUFFIXES and p.is_file() and "__pycache__" not in p.parts
        and not p.relative_to(base).as_posix().startswith(CONSUMERS)
    )
    digest = hashlib.sha256()
    for relative, path in files:
        data = path.read_bytes()
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:LENGTH]
