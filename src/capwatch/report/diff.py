"""Reports of the drift between two releases (``capwatch diff``): text and ``capwatch.diff/1`` JSON.

The JSON shape is defined here, once, and documented in ``docs/diff.md``; artifacts and findings
are written exactly as in ``capwatch.scan/1`` (:mod:`capwatch.report.serialize`). Text from the
packages is made safe for terminals with :func:`~capwatch.report.sanitize.sanitize`; JSON is
written ASCII-only.
"""

from __future__ import annotations

import json
from typing import Any

from capwatch.drift.model import Change, Drift
from capwatch.model import Finding, Verdict
from capwatch.report.sanitize import sanitize
from capwatch.report.serialize import artifact_to_dict, finding_to_dict

SCHEMA = "capwatch.diff/1"

__all__ = ["SCHEMA", "drift_to_dict", "render_json", "render_text"]


def drift_to_dict(drift: Drift) -> dict[str, Any]:
    """The ``capwatch.diff/1`` document for one drift."""
    return {
        "schema": SCHEMA,
        "old": artifact_to_dict(drift.old),
        "new": artifact_to_dict(drift.new),
        "established": drift.established,
        "verdict": drift.verdict.label,
        "score": drift.score,
        "findings": [finding_to_dict(f) for f in drift.findings],
        "capabilities": [
            {
                "capability": c.capability,
                "phase": c.phase.label,
                "change": c.change.value,
                "old_count": c.old_count,
                "new_count": c.new_count,
                "earliest_before": c.earliest_before.label if c.earliest_before is not None else None,
                "sites": [
                    {"path": s.path, "line": s.line, "via": s.via} for s in c.sites
                ],
            }
            for c in drift.capabilities
        ],
        "hooks": [
            {
                "change": h.change.value,
                "kind": h.hook.kind.value,
                "path": h.hook.path,
                "detail": h.hook.detail,
                "sha256": h.hook.sha256,
                "previous": (
                    {"detail": h.previous.detail, "sha256": h.previous.sha256}
                    if h.previous is not None else None
                ),
            }
            for h in drift.hooks
        ],
        "files": [
            {
                "change": f.change.value,
                "path": f.file.path,
                "phase": f.file.phase.label,
                "role": f.file.role,
                "sha256": f.file.sha256,
                "capabilities": list(f.capabilities),
            }
            for f in drift.files
        ],
        "dependencies": [
            {"change": d.change.value, "name": d.name, "old": d.old, "new": d.new}
            for d in drift.dependencies
        ],
        "metadata": [
            {"field": m.field.value, "old": m.old, "new": m.new} for m in drift.metadata
        ],
        "notes": list(drift.notes),
    }


def render_json(drift: Drift) -> str:
    return json.dumps(drift_to_dict(drift), indent=2, ensure_ascii=True, allow_nan=False) + "\n"


_MARK = {Change.ADDED: "+", Change.REMOVED: "-", Change.CHANGED: "~"}


def _who(drift: Drift, which: str) -> str:
    a = drift.old if which == "old" else drift.new
    label = " ".join(x for x in (a.name, a.version) if x) or "?"
    return f"{label} ({a.path})"


def render_text(drift: Drift, *, verbose: bool = False) -> str:
    """A plain-text report, most important first: findings, then every change."""
    lines = [
        f"{drift.verdict.label.upper():<11} score {drift.score:g}  "
        f"{_who(drift, 'old')} -> {_who(drift, 'new')}"
    ]
    for note in drift.notes:
        lines.append(f"  note: {note}")
    if drift.verdict is Verdict.ERROR:
        return sanitize("\n".join(lines)) + "\n"
    if drift.findings:
        lines.append("  findings")
        lines.extend(_finding(f) for f in drift.findings)
    if drift.capabilities:
        lines.append("  capabilities (per phase)")
        for c in drift.capabilities:
            where = ""
            if c.sites and (verbose or c.change is Change.ADDED):
                where = "  at " + ", ".join(f"{s.path}:{s.line}" for s in c.sites[:3])
            lines.append(
                f"    {_MARK[c.change]} {c.capability:<22} {c.phase.label:<8} "
                f"{c.old_count} -> {c.new_count}{where}"
            )
    if drift.hooks:
        lines.append("  install and start-up hooks")
        for h in drift.hooks:
            was = f" (was {h.previous.detail})" if h.previous and h.previous.detail != h.hook.detail else ""
            lines.append(f"    {_MARK[h.change]} {h.hook.kind.value:<15} {h.hook.path}  {h.hook.detail}{was}")
    if drift.files:
        lines.append("  files with code")
        for f in drift.files:
            caps = f"  uses early: {', '.join(f.capabilities)}" if f.capabilities else ""
            lines.append(f"    {_MARK[f.change]} {f.file.path}  ({f.file.phase.label}){caps}")
    if drift.dependencies:
        lines.append("  dependencies")
        for d in drift.dependencies:
            text = d.new or d.old if d.change is not Change.CHANGED else f"{d.old} -> {d.new}"
            lines.append(f"    {_MARK[d.change]} {text}")
    if drift.metadata:
        lines.append("  metadata")
        for m in drift.metadata:
            old = m.old.replace("\n", "; ") or "(none)"
            new = m.new.replace("\n", "; ") or "(none)"
            lines.append(f"    ~ {m.field.value}: {old} -> {new}")
    if len(lines) == 1 + len(drift.notes):
        lines.append("  no changes in capabilities, hooks, code files, dependencies or metadata")
    return sanitize("\n".join(line[:400] for line in lines)) + "\n"


def _finding(f: Finding) -> str:
    phase = f" at {f.phase.label}" if f.phase is not None else ""
    return (
        f"    {f.severity.label.upper():<9} {f.rule}  {f.title}{phase}  "
        f"({f.confidence.label} confidence)\n      {f.message}"
    )
