"""From findings to a verdict: one documented function, explainable from its inputs."""

from __future__ import annotations

from collections.abc import Iterable

from capwatch.model import Confidence, Finding, Severity, Verdict

SEVERITY_POINTS = {
    Severity.INFO: 0.0,
    Severity.LOW: 1.0,
    Severity.MEDIUM: 3.0,
    Severity.HIGH: 6.0,
    Severity.CRITICAL: 10.0,
}
CONFIDENCE_FACTOR = {Confidence.LOW: 0.5, Confidence.MEDIUM: 0.75, Confidence.HIGH: 1.0}
MALICIOUS_SCORE = 10.0
SUSPICIOUS_SCORE = 2.0
MAX_SCORE = 100.0


def points(finding: Finding) -> float:
    return SEVERITY_POINTS[finding.severity] * CONFIDENCE_FACTOR[finding.confidence]


def decide(findings: Iterable[Finding]) -> tuple[Verdict, float]:
    """The verdict and score for one artifact's findings.

    The score is the sum of each finding's points (severity: info 0, low 1, medium 3, high 6,
    critical 10; times confidence: low 0.5, medium 0.75, high 1), capped at 100.

    - ``malicious`` when a critical finding has at least medium confidence, or the score
      reaches 10 (for example two high findings with high confidence): confident enough to
      report to the registry.
    - ``suspicious`` when the score reaches 2 (any medium finding, or a high one of low
      confidence): a human should look.
    - ``clean`` otherwise.
    """
    findings = list(findings)
    score = min(sum(points(f) for f in findings), MAX_SCORE)
    critical = any(
        f.severity is Severity.CRITICAL and f.confidence >= Confidence.MEDIUM for f in findings
    )
    if critical or score >= MALICIOUS_SCORE:
        return Verdict.MALICIOUS, round(score, 2)
    if score >= SUSPICIOUS_SCORE:
        return Verdict.SUSPICIOUS, round(score, 2)
    return Verdict.CLEAN, round(score, 2)
