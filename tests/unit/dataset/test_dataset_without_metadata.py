"""The eval's "without metadata signals" view re-decides each result without those rules."""

from __future__ import annotations

from capwatch.dataset.evaluate import verdict_without_metadata
from capwatch.model import (
    ArtifactInfo,
    Confidence,
    Finding,
    Phase,
    ScanResult,
    Severity,
    Verdict,
)
from capwatch.rules import RuleKind, all_rules
from capwatch.verdict import decide

METADATA_RULE = next(r.id for r in all_rules() if r.kind is RuleKind.METADATA)
THREAT_RULE = next(r.id for r in all_rules() if r.kind is RuleKind.THREAT)


def _finding(rule: str, severity: Severity) -> Finding:
    return Finding(rule, "t", severity, Confidence.HIGH, Phase.IMPORT, "m")


def _result(*findings: Finding) -> ScanResult:
    verdict, score = decide(findings)
    return ScanResult(ArtifactInfo("a.tar.gz", "0" * 64, 1), verdict, score, findings)


def test_a_verdict_made_by_a_metadata_rule_falls_back() -> None:
    result = _result(_finding(METADATA_RULE, Severity.HIGH), _finding(THREAT_RULE, Severity.HIGH))
    assert result.verdict is Verdict.MALICIOUS
    assert verdict_without_metadata(result) is Verdict.SUSPICIOUS


def test_results_without_metadata_findings_and_errors_keep_their_verdict() -> None:
    result = _result(_finding(THREAT_RULE, Severity.CRITICAL))
    assert verdict_without_metadata(result) is Verdict.MALICIOUS
    error = ScanResult(ArtifactInfo("b.tar.gz", "1" * 64, 1), Verdict.ERROR, 0.0, error="x")
    assert verdict_without_metadata(error) is Verdict.ERROR
