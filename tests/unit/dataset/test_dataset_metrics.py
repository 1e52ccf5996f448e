"""Metrics over small labelled sets whose answers are known by hand."""

from __future__ import annotations

import pytest

from capwatch.dataset.manifest import Label
from capwatch.dataset.metrics import (
    Record,
    Tier,
    TierCounts,
    TierRates,
    benign_metrics,
    group_any_rate,
    group_mean_rate,
    malicious_metrics,
)
from capwatch.model import Verdict

M, S, C, E = Verdict.MALICIOUS, Verdict.SUSPICIOUS, Verdict.CLEAN, Verdict.ERROR


def mal(family: str, verdict: Verdict) -> Record:
    return Record(Label.MALICIOUS, family, verdict)


def ben(project: str, verdict: Verdict) -> Record:
    return Record(Label.BENIGN, project, verdict)


def test_family_weighting_counts_each_family_once() -> None:
    # Family A: 3 files, 1 caught; family B: 1 file, caught.
    records = [mal("A", M), mal("A", C), mal("A", C), mal("B", M)]
    m = malicious_metrics(records)
    assert (m.files, m.families, m.errors) == (4, 2, 0)
    assert m.caught == TierCounts(malicious=2, alert=2)
    assert m.recall.malicious == pytest.approx(2 / 4)
    assert m.family_recall.malicious == pytest.approx((1 / 3 + 1) / 2)
    assert m.family_recall.alert == pytest.approx((1 / 3 + 1) / 2)


def test_tiers_differ_for_suspicious() -> None:
    records = [mal("A", S), mal("A", M), mal("B", S), mal("C", C)]
    m = malicious_metrics(records)
    assert m.caught == TierCounts(malicious=1, alert=3)
    assert m.recall.malicious == pytest.approx(1 / 4)
    assert m.recall.alert == pytest.approx(3 / 4)
    # A: 1/2 malicious, 2/2 alert; B: 0, 1; C: 0, 0.
    assert m.family_recall.malicious == pytest.approx((0.5 + 0 + 0) / 3)
    assert m.family_recall.alert == pytest.approx((1 + 1 + 0) / 3)


def test_errors_are_counted_apart_and_never_caught_or_flagged() -> None:
    records = [mal("A", E), mal("A", M), ben("p", E), ben("q", C)]
    m = malicious_metrics(records)
    assert (m.files, m.errors) == (2, 1)
    assert m.recall.alert == pytest.approx(0.5)
    b = benign_metrics(records)
    assert (b.files, b.projects, b.errors) == (2, 2, 1)
    assert b.flagged == TierCounts(0, 0)
    assert b.fpr == TierRates(0.0, 0.0)
    assert b.project_fpr == TierRates(0.0, 0.0)


def test_project_fpr_counts_a_project_once_if_any_file_is_flagged() -> None:
    records = [
        ben("alpha", C), ben("alpha", S),  # alpha: alert only
        ben("beta", M), ben("beta", M), ben("beta", C),  # beta: malicious (twice)
        ben("gamma", C),
        ben("delta", C), ben("delta", C),
    ]
    b = benign_metrics(records)
    assert (b.files, b.projects) == (8, 4)
    assert b.flagged == TierCounts(malicious=2, alert=3)
    assert b.flagged_projects == TierCounts(malicious=1, alert=2)
    assert b.fpr.malicious == pytest.approx(2 / 8)
    assert b.fpr.alert == pytest.approx(3 / 8)
    assert b.project_fpr.malicious == pytest.approx(1 / 4)
    assert b.project_fpr.alert == pytest.approx(2 / 4)


def test_each_side_ignores_the_other_label() -> None:
    records = [mal("A", M), ben("p", M)]
    assert malicious_metrics(records).files == 1
    assert benign_metrics(records).files == 1


def test_empty_sides_have_no_rates() -> None:
    m = malicious_metrics([])
    b = benign_metrics([])
    assert (m.files, m.families) == (0, 0)
    assert m.recall == TierRates(None, None) and m.family_recall == TierRates(None, None)
    assert b.fpr == TierRates(None, None) and b.project_fpr == TierRates(None, None)


def test_group_helpers() -> None:
    records = [mal("A", M), mal("A", C), mal("B", C)]
    assert group_mean_rate(records, Tier.MALICIOUS) == pytest.approx(0.25)
    assert group_any_rate(records, Tier.MALICIOUS) == pytest.approx(0.5)
    assert group_any_rate([], Tier.ALERT) is None


@pytest.mark.parametrize(
    ("verdict", "malicious", "alert"),
    [(M, True, True), (S, False, True), (C, False, False), (E, False, False)],
)
def test_tier_reached(verdict: Verdict, malicious: bool, alert: bool) -> None:
    assert Tier.MALICIOUS.reached(verdict) is malicious
    assert Tier.ALERT.reached(verdict) is alert
