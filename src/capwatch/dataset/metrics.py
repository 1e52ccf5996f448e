"""Detection metrics as pure functions over labelled verdicts.

A :class:`Record` is one scanned artifact: its label, its group (malware family or benign
project) and the verdict. Two alert tiers are measured: ``malicious`` (the verdict is malicious)
and ``alert`` (suspicious or malicious, what a reviewer is shown).

* Malicious side: *recall* per file (caught files / files) and per family, where each family
  weighs the same and counts as caught in proportion to its files caught.
* Benign side: *false-positive rate* per file and per project, a project being a false positive
  at a tier when any of its files reaches that tier.

An ``error`` verdict reaches no tier: an artifact that could not be scanned is not caught when
malicious and not flagged when benign. Errors stay in every denominator and are counted apart.
A rate over nothing is ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from capwatch.dataset.manifest import Label
from capwatch.model import Verdict


class Tier(enum.Enum):
    MALICIOUS = "malicious"
    ALERT = "alert"

    def reached(self, verdict: Verdict) -> bool:
        if self is Tier.MALICIOUS:
            return verdict is Verdict.MALICIOUS
        return verdict in (Verdict.MALICIOUS, Verdict.SUSPICIOUS)


@dataclass(frozen=True, slots=True)
class Record:
    label: Label
    group: str
    """Family (malicious) or project (benign)."""
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class TierCounts:
    malicious: int
    alert: int


@dataclass(frozen=True, slots=True)
class TierRates:
    malicious: float | None
    alert: float | None


@dataclass(frozen=True, slots=True)
class MaliciousMetrics:
    files: int
    families: int
    errors: int
    caught: TierCounts
    """Files at each tier."""
    recall: TierRates
    family_recall: TierRates


@dataclass(frozen=True, slots=True)
class BenignMetrics:
    files: int
    projects: int
    errors: int
    flagged: TierCounts
    """Files at each tier."""
    flagged_projects: TierCounts
    """Projects with at least one file at each tier."""
    fpr: TierRates
    project_fpr: TierRates


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole else None


def _by_group(records: Iterable[Record]) -> dict[str, list[Verdict]]:
    groups: dict[str, list[Verdict]] = {}
    for record in records:
        groups.setdefault(record.group, []).append(record.verdict)
    return groups


def _only(records: Iterable[Record], label: Label) -> list[Record]:
    return [r for r in records if r.label is label]


def file_rate(records: Sequence[Record], tier: Tier) -> float | None:
    """Share of ``records`` whose verdict reaches ``tier``."""
    return _ratio(sum(tier.reached(r.verdict) for r in records), len(records))


def group_mean_rate(records: Sequence[Record], tier: Tier) -> float | None:
    """Mean over groups of each group's share of files reaching ``tier`` (groups weigh the same)."""
    groups = _by_group(records)
    shares = [sum(tier.reached(v) for v in vs) / len(vs) for vs in groups.values()]
    return _ratio(sum(shares), len(shares))


def group_any_rate(records: Sequence[Record], tier: Tier) -> float | None:
    """Share of groups with at least one file reaching ``tier``."""
    groups = _by_group(records)
    return _ratio(sum(any(tier.reached(v) for v in vs) for vs in groups.values()), len(groups))


def malicious_metrics(records: Iterable[Record]) -> MaliciousMetrics:
    """Recall over the malicious records (benign ones are ignored)."""
    mine = _only(records, Label.MALICIOUS)
    return MaliciousMetrics(
        files=len(mine),
        families=len(_by_group(mine)),
        errors=sum(r.verdict is Verdict.ERROR for r in mine),
        caught=TierCounts(*(sum(t.reached(r.verdict) for r in mine) for t in Tier)),
        recall=TierRates(*(file_rate(mine, t) for t in Tier)),
        family_recall=TierRates(*(group_mean_rate(mine, t) for t in Tier)),
    )


def benign_metrics(records: Iterable[Record]) -> BenignMetrics:
    """False-positive rates over the benign records (malicious ones are ignored)."""
    mine = _only(records, Label.BENIGN)
    groups = _by_group(mine)
    return BenignMetrics(
        files=len(mine),
        projects=len(groups),
        errors=sum(r.verdict is Verdict.ERROR for r in mine),
        flagged=TierCounts(*(sum(t.reached(r.verdict) for r in mine) for t in Tier)),
        flagged_projects=TierCounts(
            *(sum(any(t.reached(v) for v in vs) for vs in groups.values()) for t in Tier)
        ),
        fpr=TierRates(*(file_rate(mine, t) for t in Tier)),
        project_fpr=TierRates(*(group_any_rate(mine, t) for t in Tier)),
    )
