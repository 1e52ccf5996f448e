"""Known-malware intelligence: OSV records in a local SQLite index, looked up per artifact.

``capwatch intel import PATH`` reads `OSV <https://ossf.github.io/osv-schema/>`_ records (a
directory of ``.json`` files, searched recursively, or a zip of them, as published by
ossf/malicious-packages) into an index; :func:`lookup` answers, for one scanned artifact, which
records name it: by ecosystem, normalised project name and version (``affected[].versions``, and
``ranges`` whose events are simple ``introduced``/``fixed``/``last_affected`` bounds, or that cover
every version), or by the artifact's sha256 wherever a record lists one (any ``sha256`` key below
``database_specific``, at the top or in ``affected[]``). Withdrawn records are kept out.

The index is a cache of public data: importing the same records again replaces them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from capwatch.errors import UsageError
from capwatch.model import ArtifactInfo, Ecosystem, IntelMatch, IntelMatchKind

MAX_RECORD_BYTES = 4 * 1024 * 1024
"""Larger record files are skipped."""
_OSV_ECOSYSTEMS = {"pypi": Ecosystem.PYPI, "npm": Ecosystem.NPM}
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, summary TEXT NOT NULL, modified TEXT NOT NULL, aliases TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS packages (
    record_id TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL,
    version TEXT, introduced TEXT, fixed TEXT, last_affected TEXT
);
CREATE INDEX IF NOT EXISTS packages_by_name ON packages (ecosystem, name);
CREATE TABLE IF NOT EXISTS hashes (sha256 TEXT NOT NULL, record_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS hashes_by_sha ON hashes (sha256);
"""


def default_intel_db() -> Path:
    """``intel.sqlite`` in capwatch's cache directory (``$CAPWATCH_CACHE_DIR``, XDG, ~/.cache)."""
    from capwatch.sources import default_cache_dir

    return default_cache_dir() / "intel.sqlite"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    records: int
    withdrawn: int
    packages: int
    hashes: int
    skipped: tuple[str, ...]
    """Files that are not OSV records, each with the reason."""


def normalize_name(ecosystem: Ecosystem, name: str) -> str:
    return canonicalize_name(name) if ecosystem is Ecosystem.PYPI else name.strip().lower()


def import_records(source: Path, db: Path) -> ImportSummary:
    """Load every OSV record below ``source`` (a directory or a zip) into the index ``db``."""
    if not source.exists():
        raise UsageError(f"intel import: {source} does not exist")
    db.parent.mkdir(parents=True, exist_ok=True)
    records = withdrawn = packages = hashes = 0
    skipped: list[str] = []
    with sqlite3.connect(db) as conn:
        conn.executescript(_SCHEMA)
        for name, data in _documents(source, skipped):
            try:
                record = json.loads(data)
            except (ValueError, UnicodeDecodeError) as exc:
                skipped.append(f"{name}: not JSON ({exc})")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                skipped.append(f"{name}: not an OSV record (no id)")
                continue
            rid = record["id"]
            conn.execute("DELETE FROM records WHERE id = ?", (rid,))
            conn.execute("DELETE FROM packages WHERE record_id = ?", (rid,))
            conn.execute("DELETE FROM hashes WHERE record_id = ?", (rid,))
            if record.get("withdrawn"):
                withdrawn += 1
                continue
            aliases = [a for a in record.get("aliases") or [] if isinstance(a, str)]
            conn.execute(
                "INSERT INTO records VALUES (?, ?, ?, ?)",
                (rid, _str(record.get("summary")), _str(record.get("modified")), json.dumps(aliases)),
            )
            records += 1
            for row in _package_rows(record):
                conn.execute("INSERT INTO packages VALUES (?, ?, ?, ?, ?, ?, ?)", (rid, *row))
                packages += 1
            for digest in sorted(set(_hashes(record))):
                conn.execute("INSERT INTO hashes VALUES (?, ?)", (digest, rid))
                hashes += 1
    return ImportSummary(records, withdrawn, packages, hashes, tuple(skipped))


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _documents(source: Path, skipped: list[str]) -> Iterator[tuple[str, bytes]]:
    if source.is_dir():
        for path in sorted(source.rglob("*.json")):
            if path.stat().st_size > MAX_RECORD_BYTES:
                skipped.append(f"{path}: larger than {MAX_RECORD_BYTES:,} bytes")
                continue
            yield str(path), path.read_bytes()
        return
    if not zipfile.is_zipfile(source):
        if source.suffix == ".json":
            yield str(source), source.read_bytes()
            return
        raise UsageError(f"intel import: {source} is neither a directory, a zip nor a .json file")
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            if info.file_size > MAX_RECORD_BYTES:
                skipped.append(f"{info.filename}: larger than {MAX_RECORD_BYTES:,} bytes")
                continue
            with archive.open(info) as member:
                yield info.filename, member.read(MAX_RECORD_BYTES + 1)[:MAX_RECORD_BYTES]


def _package_rows(
    record: dict[str, Any],
) -> Iterator[tuple[str, str, str | None, str | None, str | None, str | None]]:
    for affected in record.get("affected") or []:
        if not isinstance(affected, dict) or not isinstance(affected.get("package"), dict):
            continue
        package = affected["package"]
        ecosystem = _OSV_ECOSYSTEMS.get(_str(package.get("ecosystem")).lower())
        name = _str(package.get("name"))
        if ecosystem is None or not name:
            continue
        key = (ecosystem.value, normalize_name(ecosystem, name))
        for version in affected.get("versions") or []:
            if isinstance(version, str):
                yield (*key, version, None, None, None)
        for rng in affected.get("ranges") or []:
            if not isinstance(rng, dict) or rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
                continue
            introduced = fixed = last = None
            for event in rng.get("events") or []:
                if not isinstance(event, dict):
                    continue
                if isinstance(event.get("introduced"), str):
                    if introduced is not None:
                        yield (*key, None, introduced, fixed, last)
                        fixed = last = None
                    introduced = event["introduced"]
                elif isinstance(event.get("fixed"), str):
                    fixed = event["fixed"]
                elif isinstance(event.get("last_affected"), str):
                    last = event["last_affected"]
            if introduced is not None:
                yield (*key, None, introduced, fixed, last)


def _hashes(record: dict[str, Any]) -> Iterator[str]:
    yield from _walk_sha256(record.get("database_specific"))
    for affected in record.get("affected") or []:
        if isinstance(affected, dict):
            yield from _walk_sha256(affected.get("database_specific"))


def _walk_sha256(value: object, depth: int = 0) -> Iterator[str]:
    if depth > 8:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key.lower() == "sha256" and isinstance(item, str) and _SHA256.match(item):
                yield item.lower()
            else:
                yield from _walk_sha256(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_sha256(item, depth + 1)


def lookup(db: Path, artifact: ArtifactInfo) -> tuple[IntelMatch, ...]:
    """Records in the index ``db`` that name ``artifact``; ``()`` when the index cannot be read.

    This is the seam other callers (the review service) use: it needs only the artifact's
    ecosystem, name, version and sha256, i.e. a stored :class:`~capwatch.model.ScanResult`'s
    ``artifact``.
    """
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return ()
    try:
        return _lookup(conn, artifact)
    except sqlite3.Error:
        return ()
    finally:
        conn.close()


def _lookup(conn: sqlite3.Connection, artifact: ArtifactInfo) -> tuple[IntelMatch, ...]:
    found: dict[str, IntelMatch] = {}
    summaries = {}

    def record(rid: str) -> tuple[str, tuple[str, ...]]:
        if rid not in summaries:
            row = conn.execute("SELECT summary, aliases FROM records WHERE id = ?", (rid,)).fetchone()
            summaries[rid] = (row[0], tuple(json.loads(row[1]))) if row else ("", ())
        return summaries[rid]

    name = artifact.name or ""
    eco = artifact.ecosystem
    if artifact.sha256:
        for (rid,) in conn.execute(
            "SELECT record_id FROM hashes WHERE sha256 = ?", (artifact.sha256.lower(),)
        ):
            summary, aliases = record(rid)
            found[rid] = IntelMatch(
                rid, IntelMatchKind.SHA256, summary, eco.value, name, artifact.version or "", aliases
            )
    if name and eco in (Ecosystem.PYPI, Ecosystem.NPM):
        rows = conn.execute(
            "SELECT record_id, version, introduced, fixed, last_affected FROM packages "
            "WHERE ecosystem = ? AND name = ?",
            (eco.value, normalize_name(eco, name)),
        ).fetchall()
        for rid, version, introduced, fixed, last in rows:
            if rid in found:
                continue
            kind = _version_match(artifact.version, version, introduced, fixed, last)
            if kind is not None:
                summary, aliases = record(rid)
                found[rid] = IntelMatch(
                    rid, kind, summary, eco.value, name, artifact.version or "", aliases
                )
    return tuple(sorted(found.values(), key=lambda m: m.record))


def _version_match(
    version: str | None,
    listed: str | None,
    introduced: str | None,
    fixed: str | None,
    last: str | None,
) -> IntelMatchKind | None:
    if listed is not None:
        if version is None:
            return None
        same = version == listed or _parse(version) == _parse(listed) is not None
        return IntelMatchKind.VERSION if same else None
    if introduced in ("0", "") and fixed is None and last is None:
        return IntelMatchKind.RANGE  # every version of the project
    current = _parse(version) if version else None
    low = _parse(introduced) if introduced not in (None, "0", "") else None
    if current is None or (introduced not in (None, "0", "") and low is None):
        return None
    if low is not None and current < low:
        return None
    if fixed is not None:
        high = _parse(fixed)
        if high is None or current >= high:
            return None
    if last is not None:
        high = _parse(last)
        if high is None or current > high:
            return None
    return IntelMatchKind.RANGE


def _parse(version: str | None) -> Version | None:
    if version is None:
        return None
    try:
        return Version(version)
    except InvalidVersion:
        return None
