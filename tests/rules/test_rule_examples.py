"""Every rule's handwritten examples, found automatically.

``tests/rules/<RULE-ID>/malicious/<case>/`` must make the rule fire; ``benign/<case>/`` must not.
Each case folder is a small source tree, packed in memory into an sdist (or a wheel when it has
a ``.dist-info`` folder) and scanned like any upload. The examples are never run or imported.

Drift rules compare two releases: their case folders hold ``old/`` and ``new/`` trees, packed as
versions 1.0 and 1.1 of a project named after the case, and compared with ``drift_between``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capwatch.drift import drift_between
from capwatch.engine import scan_bytes
from capwatch.model import Finding, Verdict
from capwatch.rules import RuleKind, all_rules
from tests.helpers import artifact_from_tree, release_from_tree

HERE = Path(__file__).parent
CASES = sorted(
    (rule_dir.name, label, case)
    for rule_dir in HERE.iterdir()
    if rule_dir.is_dir() and rule_dir.name.startswith("CW")
    for label in ("malicious", "benign")
    if (rule_dir / label).is_dir()
    for case in sorted((rule_dir / label).iterdir())
    if case.is_dir()
)


def _id(case: tuple[str, str, Path]) -> str:
    return f"{case[0]}-{case[1]}-{case[2].name}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_example(case: tuple[str, str, Path]) -> None:
    rule_id, label, folder = case
    if (folder / "old").is_dir() and (folder / "new").is_dir():
        _check_pair(rule_id, label, folder)
        return
    result = scan_bytes(artifact_from_tree(folder), f"{folder.name}.tar.gz")
    assert result.error is None, result.error
    fired = [f for f in result.findings if f.rule == rule_id]
    if label == "malicious":
        assert fired, f"{rule_id} did not fire; findings: {[(f.rule, f.message) for f in result.findings]}"
    else:
        assert not fired, f"{rule_id} fired on a benign example: {[f.message for f in fired]}"
        assert result.verdict is not Verdict.MALICIOUS, [(f.rule, f.message) for f in result.findings]


def _check_pair(rule_id: str, label: str, folder: Path) -> None:
    old = scan_bytes(release_from_tree(folder / "old", folder.name, "1.0"), f"{folder.name}-1.0.tar.gz")
    new = scan_bytes(release_from_tree(folder / "new", folder.name, "1.1"), f"{folder.name}-1.1.tar.gz")
    assert old.error is None and new.error is None, (old.error, new.error)
    drift = drift_between(old, new)
    fired: list[Finding] = [f for f in drift.findings if f.rule == rule_id]
    if label == "malicious":
        assert fired, f"{rule_id} did not fire; drift findings: {[(f.rule, f.message) for f in drift.findings]}"
    else:
        assert not fired, f"{rule_id} fired on a benign pair: {[f.message for f in fired]}"
        assert drift.verdict is not Verdict.MALICIOUS, [(f.rule, f.message) for f in drift.findings]


EXAMPLED = (RuleKind.THREAT, RuleKind.METADATA, RuleKind.DRIFT)
"""Rule kinds that must have examples (intel rules need an index; see tests/unit/intel)."""


def test_every_threat_rule_has_examples() -> None:
    ids = {c[0] for c in CASES}
    for rule in all_rules():
        if rule.kind in EXAMPLED:
            assert rule.id in ids, f"{rule.id} has no examples under tests/rules/{rule.id}/"
            labels = {c[1] for c in CASES if c[0] == rule.id}
            assert labels == {"malicious", "benign"}, f"{rule.id} needs malicious and benign examples"


def test_every_rule_is_documented() -> None:
    for rule in all_rules():
        assert rule.id.startswith("CW") and rule.title
        assert len(rule.documentation()) > 80, f"{rule.id} needs a docstring that documents it"
