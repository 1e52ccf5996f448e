"""``--format sarif``: a SARIF 2.1.0 log, for code-scanning dashboards.

One run for the whole batch. ``tool.driver.rules`` lists the distinct rule ids that fired (sorted),
each result points at its rule by ``ruleId`` and ``ruleIndex``. A finding's first evidence is the
result's location (``artifactLocation.uri`` is the member path inside the artifact, percent-encoded
as a relative URI reference); further evidence goes to ``relatedLocations``. SARIF has no notion of
"a file inside an archive", so the artifact itself travels in the result's ``properties`` bag with
the verdict, phase, capabilities and decode chain, and every scanned artifact (clean ones too) is
listed in ``run.artifacts`` with its sha-256. Artifacts that could not be scanned become error
notifications of the run's invocation, which then reports ``executionSuccessful: false``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from importlib import metadata
from typing import Any
from urllib.parse import quote

from capwatch.model import Evidence, Finding, ScanResult, Severity

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "level", "log", "render"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def level(severity: Severity) -> str:
    """SARIF ``level`` for a severity: critical/high -> error, medium -> warning, else note."""
    if severity >= Severity.HIGH:
        return "error"
    if severity == Severity.MEDIUM:
        return "warning"
    return "note"


def _tool_version() -> str:
    try:
        return metadata.version("capwatch")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def log(results: Sequence[ScanResult]) -> dict[str, Any]:
    """The SARIF log as a dict."""
    rule_titles: dict[str, str] = {}
    for result in results:
        for finding in result.findings:
            rule_titles.setdefault(finding.rule, finding.title)
    rule_ids = sorted(rule_titles)
    rule_index = {rule: i for i, rule in enumerate(rule_ids)}

    sarif_results = [
        _result(result, finding, rule_index[finding.rule])
        for result in results
        for finding in result.findings
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{result.artifact.path}: {result.error}"},
            "properties": {"artifact": _artifact_props(result)},
        }
        for result in results
        if result.error is not None
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "capwatch",
                        "version": _tool_version(),
                        "rules": [
                            {"id": rule, "shortDescription": {"text": rule_titles[rule] or rule}}
                            for rule in rule_ids
                        ],
                    }
                },
                "invocations": [invocation],
                "artifacts": [_artifact(result) for result in results],
                "results": sarif_results,
            }
        ],
    }


def render(results: Sequence[ScanResult]) -> str:
    """The SARIF log as indented JSON, ending in a newline."""
    return json.dumps(log(results), indent=2, ensure_ascii=True, allow_nan=False) + "\n"


def _artifact(result: ScanResult) -> dict[str, Any]:
    a = result.artifact
    return {
        "location": {"uri": _uri(a.path)},
        "length": a.size,
        "hashes": {"sha-256": a.sha256},
        "properties": {"verdict": result.verdict.label, **_score(result)},
    }


def _artifact_props(result: ScanResult) -> dict[str, Any]:
    a = result.artifact
    return {
        "path": a.path,
        "sha256": a.sha256,
        "ecosystem": a.ecosystem.value,
        "name": a.name,
        "version": a.version,
        "kind": a.kind.value,
    }


def _score(result: ScanResult) -> dict[str, Any]:
    # SARIF is JSON: a non-finite score cannot be written, so it is left out.
    return {"score": result.score} if math.isfinite(result.score) else {}


def _result(result: ScanResult, finding: Finding, index: int) -> dict[str, Any]:
    primary = finding.evidence[0] if finding.evidence else None
    properties: dict[str, Any] = {
        "artifact": _artifact_props(result),
        "verdict": result.verdict.label,
        **_score(result),
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "phase": finding.phase.label if finding.phase is not None else None,
        "capabilities": list(finding.capabilities),
        "indicators": list(finding.indicators),
        "decodeChain": list(primary.decode_chain) if primary else [],
    }
    if primary is not None and primary.decoded is not None:
        properties["decoded"] = primary.decoded

    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": level(finding.severity),
        "message": {"text": finding.message or finding.title or finding.rule},
    }
    if primary is not None:
        out["locations"] = [_location(primary)]
    if len(finding.evidence) > 1:
        out["relatedLocations"] = [
            {"id": i, **_location(e)} for i, e in enumerate(finding.evidence[1:], start=1)
        ]
    out["partialFingerprints"] = {"capwatch/v1": _fingerprint(result, finding)}
    out["properties"] = properties
    return out


def _location(evidence: Evidence) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(evidence.location.path)}}
    if evidence.location.line >= 1:
        region: dict[str, Any] = {"startLine": evidence.location.line}
        if evidence.snippet:
            region["snippet"] = {"text": evidence.snippet}
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if evidence.decode_chain:
        location["properties"] = {"decodeChain": list(evidence.decode_chain)}
    return location


def _uri(path: str) -> str:
    """A relative URI reference for a path: forward slashes, reserved characters percent-encoded."""
    # surrogateescape: member names that were not valid UTF-8 keep their original bytes.
    return quote(path.replace("\\", "/"), safe="/", errors="surrogateescape")


def _fingerprint(result: ScanResult, finding: Finding) -> str:
    """Stable across runs for the same artifact, rule and primary location."""
    loc = finding.location
    key = "\0".join(
        [result.artifact.sha256, finding.rule, loc.path if loc else "", str(loc.line if loc else 0)]
    )
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
