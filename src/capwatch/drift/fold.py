"""Folding drift findings into the scan result of the newer release (``scan --previous``)."""

from __future__ import annotations

from dataclasses import replace

from capwatch.drift.model import Drift
from capwatch.model import ScanResult, Verdict
from capwatch.verdict import decide


def with_drift(result: ScanResult, drift: Drift) -> ScanResult:
    """``result`` with the drift findings added and the verdict and score decided again.

    A result that could not be scanned, or a drift that could not be computed, is returned with
    only a note in ``stats["drift"]``; so is a drift between releases of different projects.
    """
    note = {
        "previous": drift.old.path,
        "previous_sha256": drift.old.sha256,
        "previous_version": drift.old.version,
        "notes": list(drift.notes),
    }
    different = drift.old.name and drift.new.name and any("different projects" in n for n in drift.notes)
    if result.verdict is Verdict.ERROR or drift.verdict is Verdict.ERROR or different:
        return replace(result, stats={**result.stats, "drift": {**note, "folded": False}})
    findings = tuple(
        sorted(
            (*result.findings, *drift.findings),
            key=lambda f: (-f.severity, f.phase if f.phase is not None else 9, f.rule),
        )
    )
    verdict, score = decide(findings)
    return replace(
        result, findings=findings, verdict=verdict, score=score,
        stats={**result.stats, "drift": {**note, "folded": True}},
    )
