from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.base import ProblemKind
from capwatch.model import Confidence, Evidence, Finding, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, RuleKind


class AnalysisLimits(Rule):
    """Part of the code could not be analysed normally.

    Files that are not valid Python 3 (Python 2, broken or deliberately malformed code) were
    read by the error-tolerant fallback; files over the size limit, syntax deeper than the
    recursion limit, and payloads past the decode limits were cut short. None of this is a
    threat by itself; it tells a reviewer where the analysis stopped.
    """

    id = "CW902"
    title = "Analysis limit reached"
    kind = RuleKind.HYGIENE

    def check(self, profile: Profile) -> Iterator[Finding]:
        by_kind: dict[ProblemKind, list[Evidence]] = {}
        details: dict[ProblemKind, str] = {}
        for problem in profile.problems:
            by_kind.setdefault(problem.kind, []).append(Evidence(problem.location))
            details.setdefault(problem.kind, problem.detail)
        for kind, evidence in sorted(by_kind.items(), key=lambda kv: kv[0].value):
            yield self.finding(
                f"{kind.value} in {len(evidence)} place(s): {details[kind]}"[:300],
                severity=Severity.INFO,
                confidence=Confidence.HIGH,
                phase=None,
                evidence=evidence,
            )
