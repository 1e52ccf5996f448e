"""OSV records and registry observation bodies for a scan result.

Minimal placeholder written in the ``service`` branch so its endpoints can run; the ``watch``
branch owns the real module with these exact signatures, and wins at merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from capwatch.model import ScanResult


def _stamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def osv_record(
    result: ScanResult,
    *,
    record_id: str,
    published: datetime,
    modified: datetime,
    details_note: str | None = None,
    credits: Sequence[str] = (),
) -> dict[str, Any]:
    """A MAL-style OSV record for a confirmed malicious artifact."""
    artifact = result.artifact
    details = [f"- {f.rule} {f.title}: {f.message}" for f in result.findings]
    if details_note:
        details.insert(0, details_note)
    return {
        "schema_version": "1.6.0",
        "id": record_id,
        "published": _stamp(published),
        "modified": _stamp(modified),
        "summary": f"Malicious code in {artifact.name or artifact.path} ({artifact.ecosystem.value})",
        "details": "\n".join(details),
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": artifact.name or artifact.path},
                "versions": [artifact.version] if artifact.version else [],
                "database_specific": {"sha256": artifact.sha256},
            }
        ],
        "credits": [{"name": name} for name in credits],
    }


def observation_body(
    result: ScanResult, *, inspector_base_url: str, summary: str | None = None
) -> dict[str, Any]:
    """The body a registry's observations API takes for a malware report."""
    artifact = result.artifact
    name = artifact.name or artifact.path
    return {
        "kind": "is_malware",
        "summary": summary or f"capwatch: {result.verdict.label} ({len(result.findings)} findings)",
        "inspector_url": f"{inspector_base_url.rstrip('/')}/{name}/{artifact.version or ''}",
    }
