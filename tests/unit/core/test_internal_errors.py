"""A defect of the scanner's own, met on one artifact, is that artifact's error result: the
batch (or the service worker) scanning it goes on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers import sdist_bytes

import capwatch.engine as engine
from capwatch.batch import Job, scan_many
from capwatch.engine import ScanOptions, scan_bytes
from capwatch.model import Finding, ScanResult, Verdict
from capwatch.profile import Profile
from capwatch.rules import all_rules
from capwatch.rules.base import Rule


class _Broken(Rule):
    """A rule with a defect (for this test only)."""

    id = "CW999"
    title = "Broken"

    def check(self, profile: Profile) -> Iterator[Finding]:
        if profile.files_scanned:
            raise IndexError("list index out of range")
        yield from ()


@pytest.fixture
def broken_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = (*all_rules(), _Broken())
    monkeypatch.setattr(engine, "all_rules", lambda: rules)


@pytest.mark.usefixtures("broken_rule")
def test_a_failing_rule_gives_an_error_result_that_names_it() -> None:
    data = sdist_bytes({"setup.py": "from setuptools import setup\nsetup(name='demo')\n"})
    result = scan_bytes(data, "demo-0.1.tar.gz")
    assert result.verdict is Verdict.ERROR
    assert result.error is not None
    assert "internal error IndexError at test_internal_errors.py" in result.error
    assert result.artifact.sha256


@pytest.mark.usefixtures("broken_rule")
def test_a_batch_goes_on_past_an_internal_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad-0.1.tar.gz"
    bad.write_bytes(sdist_bytes({"setup.py": "print(1)\n"}, top="bad-0.1"))
    empty = tmp_path / "empty-0.1.tar.gz"
    empty.write_bytes(b"")
    results: dict[int, ScanResult] = {}
    jobs = [Job(0, bad, bad.name), Job(1, empty, empty.name)]
    scan_many(jobs, ScanOptions(), workers=1, on_result=results.__setitem__)
    assert sorted(results) == [0, 1]
    assert results[0].error is not None and "internal error" in results[0].error
    assert results[1].error is not None and "internal error" not in results[1].error
