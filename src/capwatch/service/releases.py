"""Drift in the review service: the new release of a project compared with its earlier one.

When a scan result is recorded (:func:`capwatch.service.scanjob.record`, in both queue modes),
:func:`with_previous` looks in the database for the newest earlier release of the same project
(same ecosystem and normalised name, a lower version by :class:`packaging.version.Version`,
finished without error), computes the drift from its stored result to the new one
(:func:`capwatch.drift.drift_between`), and folds the drift findings into the new result
(:func:`capwatch.drift.fold.with_drift`), so the verdict and the gate see them. The
``capwatch.diff/1`` document and the previous scan's id are stored with the result.

Only fresh engine results are folded (a result whose ``stats`` already has ``drift`` is left as
it is), and the result is written by the one conditional update that names the claim, so a
retried or duplicated job never folds twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from capwatch.model import Ecosystem, ScanResult, Verdict
from capwatch.service.schema import JobStatus, Scan

log = logging.getLogger("capwatch.service")

CANDIDATES_MAX = 2000
"""Releases of one project looked at when choosing the earlier one (newest scans first)."""


@dataclass(frozen=True, slots=True)
class Release:
    """Who a scan result says it is: the key earlier releases are found by, and its version."""

    key: str | None
    version: str | None


@dataclass(frozen=True, slots=True)
class Folded:
    """A result ready to record, with the columns the drift step fills."""

    result: ScanResult
    release: Release
    previous_scan_id: int | None = None
    drift_json: str | None = None


def project_key(ecosystem: Ecosystem, name: str) -> str:
    """``pypi:python-slugify``: the ecosystem and the name normalised as the ecosystem does."""
    from capwatch.intel import normalize_name

    return f"{ecosystem.value}:{normalize_name(ecosystem, name)}"[:220]


def release_of(result: ScanResult, project: str | None, version: str | None) -> Release:
    """The release ``result`` is, from the artifact's metadata, else the upload's fields."""
    if result.verdict is Verdict.ERROR:
        return Release(None, None)
    a = result.artifact
    name = a.name or (project or "").strip()
    ecosystem = a.ecosystem if a.ecosystem is not Ecosystem.UNKNOWN else Ecosystem.PYPI
    key = project_key(ecosystem, name) if name else None
    return Release(key, (a.version or (version or "").strip() or None))


def _parse(version: str | None) -> Version | None:
    if not version:
        return None
    try:
        return Version(version)
    except InvalidVersion:
        return None


def previous_scan(session: Session, scan_id: int, release: Release) -> Scan | None:
    """The scan of the newest release of the same project older than ``release``, or None.

    Only scans that finished without error count. For a final release, final releases are
    preferred (as ``scan --previous-from-index`` does); among files of that version, one of
    the same file name ending (sdist with sdist, wheel with wheel) is preferred, then the
    newest scan.
    """
    current = _parse(release.version)
    if release.key is None or current is None:
        return None
    rows = session.execute(
        select(Scan.id, Scan.release_version, Scan.filename)
        .where(
            Scan.project_key == release.key, Scan.status == JobStatus.DONE,
            Scan.verdict != Verdict.ERROR, Scan.result_json.is_not(None), Scan.id != scan_id,
        )
        .order_by(Scan.id.desc())
        .limit(CANDIDATES_MAX)
    ).all()
    older: list[tuple[Version, int, str]] = []
    for row_id, text, filename in rows:
        version = _parse(text)
        if version is not None and version < current:
            older.append((version, row_id, filename))
    if not current.is_prerelease:
        older = [o for o in older if not o[0].is_prerelease] or older
    if not older:
        return None
    newest = max(v for v, _, _ in older)
    this = session.get(Scan, scan_id)
    suffix = _kind(this.filename) if this is not None else ""
    best = max(
        (o for o in older if o[0] == newest),
        key=lambda o: (_kind(o[2]) == suffix, o[1]),
    )
    return session.get(Scan, best[1])


def _kind(filename: str) -> str:
    return "wheel" if filename.lower().endswith(".whl") else "other"


def with_previous(sessions: sessionmaker[Session], scan_id: int, result: ScanResult) -> Folded:
    """``result`` with the drift from the earlier release folded in, when there is one.

    Never raises for a stored result it cannot read: the drift step is skipped (and logged),
    the scan's own result is recorded as it is.
    """
    from capwatch.drift import drift_between
    from capwatch.drift.fold import with_drift
    from capwatch.report.diff import drift_to_dict
    from capwatch.report.serialize import result_from_dict

    with sessions() as session:
        row = session.get(Scan, scan_id)
        if row is None:
            return Folded(result, Release(None, None))
        release = release_of(result, row.project, row.version)
        if "drift" in result.stats:  # already folded (or deliberately left alone): never twice
            return Folded(result, release)
        previous = previous_scan(session, scan_id, release)
        if previous is None or previous.result_json is None:
            return Folded(result, release)
        previous_id, stored = previous.id, previous.result_json
    try:
        old = result_from_dict(json.loads(stored))
        drift = drift_between(old, result)
        folded = with_drift(result, drift)
        document = json.dumps(drift_to_dict(drift), allow_nan=False)
    except Exception as exc:  # a stored result this version cannot read: no drift, not no verdict
        log.warning("scan %d: no drift against scan %d: %s: %s", scan_id, previous_id,
                    type(exc).__name__, exc, extra={"scan_id": scan_id})
        return Folded(result, release)
    log.info("scan %d: drift against scan %d: %s", scan_id, previous_id, drift.verdict.label,
             extra={"scan_id": scan_id, "previous_scan_id": previous_id})
    return Folded(folded, release, previous_id, document)
