"""The result cache, and evaluation resuming from it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from tests.unit.dataset.dataset_testlib import build_corpus

from capwatch.batch import Job
from capwatch.batch import scan_many as real_scan_many
from capwatch.config import Limits
from capwatch.dataset.cache import ResultCache, namespace
from capwatch.dataset.evaluate import EvalConfig, evaluate
from capwatch.engine import ScanOptions
from capwatch.model import ArtifactInfo, ScanResult, Verdict

SHA = "ab" * 32
TARGET = "capwatch.dataset.evaluate.scan_many"


def _result(verdict: Verdict = Verdict.CLEAN, error: str | None = None) -> ScanResult:
    return ScanResult(ArtifactInfo("x.tar.gz", SHA, 10), verdict, 0.0, error=error, duration_ms=1.5)


def test_round_trip(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "v1")
    assert cache.get(SHA) is None
    cache.put(SHA, _result())
    assert cache.get(SHA) == _result()
    assert (tmp_path / "v1" / "ab" / f"{SHA}.json").is_file()
    assert ResultCache(tmp_path, "v2").get(SHA) is None
    cache.put_family(SHA, "setup:1234")
    assert cache.get_family(SHA) == "setup:1234"


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = ResultCache(None, "v1")
    cache.put(SHA, _result())
    assert cache.get(SHA) is None
    assert cache.stored == 0


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "v1")
    cache.put(SHA, _result())
    (tmp_path / "v1" / "ab" / f"{SHA}.json").write_text("{not json")
    assert cache.get(SHA) is None


def test_errors_are_stored_and_can_be_retried(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "v1")
    cache.put(SHA, _result(Verdict.ERROR, "scan did not finish within 130 s"))
    assert cache.get(SHA) == _result(Verdict.ERROR, "scan did not finish within 130 s")
    assert ResultCache(tmp_path, "v1", retry_errors=True).get(SHA) is None
    cache.put(SHA, _result(Verdict.MALICIOUS))
    assert ResultCache(tmp_path, "v1", retry_errors=True).get(SHA) == _result(Verdict.MALICIOUS)


def test_namespace_depends_on_limits() -> None:
    assert namespace("abc", Limits()) == "abc"
    other = namespace("abc", dataclasses.replace(Limits(), seconds=5.0))
    assert other.startswith("abc-") and other != "abc"


ScanMany = Callable[..., None]


def _counting(calls: list[str], real: ScanMany) -> ScanMany:
    def scan_many(
        jobs: Iterable[Job], options: ScanOptions, *, workers: int, on_result: Callable[[int, ScanResult], None]
    ) -> None:
        jobs = list(jobs)
        calls.extend(job.display for job in jobs)
        real(jobs, options, workers=workers, on_result=on_result)

    return scan_many


def test_second_run_scans_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mal, ben = build_corpus(tmp_path / "corpus")
    calls: list[str] = []
    monkeypatch.setattr(TARGET, _counting(calls, real_scan_many))
    config = EvalConfig(malicious=mal, benign=ben, jobs=1, cache_dir=tmp_path / "cache")
    first = evaluate(config)
    assert len(calls) == 4 and first.scanned == 4 and first.cache_hits == 0
    calls.clear()
    second = evaluate(config)
    assert calls == [] and second.scanned == 0 and second.cache_hits == 4
    assert second.malicious == first.malicious and second.benign == first.benign
    assert [o.result.artifact.path for o in second.outcomes] == [
        o.sample.display for o in second.outcomes
    ]
    # Another set of limits is another cache namespace: everything is scanned again.
    third = evaluate(dataclasses.replace(config, limits=dataclasses.replace(Limits(), seconds=60.0)))
    assert len(calls) == 4 and third.scanned == 4


def test_interrupted_run_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mal, ben = build_corpus(tmp_path / "corpus")
    real = real_scan_many

    def interrupted(
        jobs: Iterable[Job], options: ScanOptions, *, workers: int, on_result: Callable[[int, ScanResult], None]
    ) -> None:
        done = 0

        def once(index: int, result: ScanResult) -> None:
            nonlocal done
            on_result(index, result)
            done += 1
            if done == 3:
                raise KeyboardInterrupt

        real(jobs, options, workers=workers, on_result=once)

    monkeypatch.setattr(TARGET, interrupted)
    config = EvalConfig(malicious=mal, benign=ben, jobs=1, cache_dir=tmp_path / "cache")
    with pytest.raises(KeyboardInterrupt):
        evaluate(config)
    calls: list[str] = []
    monkeypatch.setattr(TARGET, _counting(calls, real))
    resumed = evaluate(config)
    assert len(calls) == 1 and resumed.cache_hits == 3
    assert resumed.malicious.files == 2 and resumed.benign.files == 2


def test_identical_artifacts_are_scanned_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mal, _ = build_corpus(tmp_path / "corpus")
    copy = mal / "evil-copy"
    copy.mkdir()
    (copy / "same.tar.gz").write_bytes((mal / "evil-one" / "evil_one-0.1.tar.gz").read_bytes())
    calls: list[str] = []
    monkeypatch.setattr(TARGET, _counting(calls, real_scan_many))
    result = evaluate(EvalConfig(malicious=mal, jobs=1, cache_dir=None))
    assert len(calls) == 2
    assert result.malicious.files == 3
    assert {o.result.artifact.path for o in result.outcomes} == {
        "evil-copy/same.tar.gz", "evil-one/evil_one-0.1.tar.gz", "evil-two/evil_two-0.1.tar.gz"
    }


def test_results_without_a_hash_are_cached_under_the_artifact_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that died or timed out reports no sha256; the harness knows it from the file."""
    mal, _ = build_corpus(tmp_path / "corpus")

    def dying(
        jobs: Iterable[Job], options: ScanOptions, *, workers: int, on_result: Callable[[int, ScanResult], None]
    ) -> None:
        for job in jobs:
            info = ArtifactInfo(job.display, "", 0)
            on_result(job.index, ScanResult(info, Verdict.ERROR, 0.0, error="worker process died"))

    monkeypatch.setattr(TARGET, dying)
    config = EvalConfig(malicious=mal, jobs=1, cache_dir=tmp_path / "cache")
    first = evaluate(config)
    assert first.malicious.errors == 2
    assert all(len(o.result.artifact.sha256) == 64 for o in first.outcomes)
    calls: list[str] = []
    monkeypatch.setattr(TARGET, _counting(calls, real_scan_many))
    assert evaluate(config).cache_hits == 2 and calls == []
    retried = evaluate(dataclasses.replace(config, retry_errors=True))
    assert len(calls) == 2 and retried.malicious.errors == 0
