"""Evaluating the scanner on labelled corpora: load, scan (or reuse cached results), measure.

Artifacts are scanned with :func:`capwatch.batch.scan_many` and ``ScanOptions(limits=...)``, the
very engine and settings of ``capwatch scan``. Each result is cached by artifact sha256 under the
ruleset version (:mod:`capwatch.dataset.cache`), so an interrupted run resumes where it stopped
and a rerun with an unchanged scanner scans nothing. Identical artifacts are scanned once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from capwatch.batch import Job, default_jobs, scan_many
from capwatch.config import Limits
from capwatch.dataset.cache import ResultCache, namespace
from capwatch.dataset.families import derive_family
from capwatch.dataset.manifest import Label, LabelledSource, Sample, load_source
from capwatch.dataset.metrics import (
    BenignMetrics,
    MaliciousMetrics,
    Record,
    Tier,
    benign_metrics,
    malicious_metrics,
)
from capwatch.dataset.ruleset import ruleset_version
from capwatch.engine import ScanOptions
from capwatch.errors import UsageError
from capwatch.model import ScanResult, Verdict
from capwatch.rules import RuleKind, all_rules
from capwatch.verdict import decide

_CHUNK = 1 << 20


class ProgressSink(Protocol):
    """Where an evaluation reports progress (a progress bar, or nothing)."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self, flagged: bool = False) -> None: ...


class NoProgress:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, flagged: bool = False) -> None:
        pass


NO_METADATA_SUFFIX = "+no-metadata-signals"


@dataclass(frozen=True, slots=True)
class EvalConfig:
    malicious: Path | None = None
    benign: Path | None = None
    limits: Limits = dataclasses.field(default_factory=Limits)
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    cache_dir: Path | None = None
    """``None`` disables the cache."""
    retry_errors: bool = False
    """Scan again artifacts whose cached result is an ``error`` (a time-out on a busy machine)."""
    metadata_signals: bool = True
    """Run the name and metadata rules (``ScanOptions.metadata_signals``). When off, the ruleset
    reported (and the cache namespace) carries ``+no-metadata-signals``."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One labelled artifact with its scan result."""

    sample: Sample
    group: str
    """The family or project the metrics use (derived when the source named none)."""
    result: ScanResult
    cached: bool


@dataclass(frozen=True, slots=True)
class Evaluation:
    malicious: MaliciousMetrics
    benign: BenignMetrics
    outcomes: tuple[Outcome, ...]
    sources: tuple[LabelledSource, ...]
    families_derived: bool
    """Some malicious artifacts had no family in their source and got a derived one."""
    ruleset: str
    limits: Limits
    seconds: float
    scanned: int
    """Artifacts scanned in this run (the rest came from the cache or were duplicates)."""
    cache_hits: int
    workers: int
    """Worker processes used for scanning (0 when everything came from the cache)."""
    load_average: tuple[float, float, float] | None
    """The machine's 1, 5 and 15 minute load averages when the run ended: timings on a busy
    machine are slower, and artifacts near the time limit may time out."""
    without_metadata: tuple[MaliciousMetrics, BenignMetrics] | None = None
    """The same scans decided without the name and metadata rules' findings (rules are
    independent, so this equals a run with ``--no-metadata-signals``); ``None`` when the run
    had them off."""

    def source(self, label: Label) -> LabelledSource | None:
        return next((s for s in self.sources if s.label is label), None)


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def evaluate(
    config: EvalConfig,
    progress: ProgressSink | None = None,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> Evaluation:
    """Scan both labelled sources (either may be ``None``, not both) and measure."""
    started = clock()
    sink = progress or NoProgress()
    if config.malicious is None and config.benign is None:
        raise UsageError("nothing to evaluate: give --malicious, --benign, or both")
    if config.jobs < 0:
        raise UsageError("--jobs takes a positive number (0 means one per core)")
    sources = tuple(
        load_source(path, label)
        for path, label in ((config.malicious, Label.MALICIOUS), (config.benign, Label.BENIGN))
        if path is not None
    )
    samples = [s for source in sources for s in source.samples]
    ruleset = ruleset_version() + ("" if config.metadata_signals else NO_METADATA_SUFFIX)
    cache = ResultCache(
        config.cache_dir, namespace(ruleset, config.limits), retry_errors=config.retry_errors
    )

    # Identify every artifact by content, find cached results, derive missing families.
    sink.stage("reading", len(samples))
    hashes: list[str | None] = []
    groups: list[str] = []
    results: dict[str, ScanResult] = {}
    cached: set[str] = set()
    for sample in samples:
        sha = file_sha256(sample.path)
        hashes.append(sha)
        group = sample.group
        if group is None:
            group = _family(sample, sha, cache, config.limits)
        groups.append(group)
        if sha is not None and sha not in results:
            hit = cache.get(sha)
            if hit is not None:
                results[sha] = hit
                cached.add(sha)
        sink.advance()

    # Scan each artifact not cached once; biggest first, so the slowest do not come last.
    todo: dict[str, int] = {}
    jobs: list[Job] = []
    unhashed: dict[int, ScanResult] = {}
    for i, (sample, sha) in enumerate(zip(samples, hashes, strict=True)):
        if sha is not None and (sha in results or sha in todo):
            continue
        if sha is not None:
            todo[sha] = i
        jobs.append(Job(i, sample.path, sample.display))
    jobs.sort(key=lambda job: -_size(job.path))
    sink.stage("scanning", len(jobs))

    def on_result(index: int, result: ScanResult) -> None:
        sha = hashes[index]
        if sha is None:
            unhashed[index] = result
        else:
            if result.artifact.sha256 != sha:  # a worker that died or timed out knew no hash
                result = dataclasses.replace(
                    result, artifact=dataclasses.replace(result.artifact, sha256=sha)
                )
            results[sha] = result
            cache.put(sha, result)
        sink.advance(flagged=Tier.ALERT.reached(result.verdict))

    workers = min(config.jobs or default_jobs(), len(jobs))
    if jobs:
        options = ScanOptions(limits=config.limits, metadata_signals=config.metadata_signals)
        scan_many(jobs, options, workers=workers, on_result=on_result)

    outcomes: list[Outcome] = []
    for i, (sample, sha, group) in enumerate(zip(samples, hashes, groups, strict=True)):
        result = unhashed[i] if sha is None else results[sha]
        if result.artifact.path != sample.display:
            result = dataclasses.replace(
                result, artifact=dataclasses.replace(result.artifact, path=sample.display)
            )
        outcomes.append(Outcome(sample, group, result, sha in cached))
    records = [Record(o.sample.label, o.group, o.result.verdict) for o in outcomes]
    without = None
    if config.metadata_signals:
        plain = [Record(o.sample.label, o.group, verdict_without_metadata(o.result)) for o in outcomes]
        without = (malicious_metrics(plain), benign_metrics(plain))
    return Evaluation(
        malicious=malicious_metrics(records),
        benign=benign_metrics(records),
        outcomes=tuple(outcomes),
        sources=sources,
        families_derived=any(s.group is None for s in samples if s.label is Label.MALICIOUS),
        ruleset=ruleset,
        limits=config.limits,
        seconds=clock() - started,
        scanned=len(jobs),
        cache_hits=len(cached),
        workers=workers,
        load_average=_load_average(),
        without_metadata=without,
    )


def verdict_without_metadata(result: ScanResult) -> Verdict:
    """The verdict ``result`` would have had without the name and metadata rules."""
    if result.verdict is Verdict.ERROR:
        return result.verdict
    metadata_rules = {r.id for r in all_rules() if r.kind is RuleKind.METADATA}
    kept = [f for f in result.findings if f.rule not in metadata_rules]
    if len(kept) == len(result.findings):
        return result.verdict
    return decide(kept)[0]


def _load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _family(sample: Sample, sha: str | None, cache: ResultCache, limits: Limits) -> str:
    if sha is not None:
        known = cache.get_family(sha)
        if known is not None:
            return known
    try:
        if sample.path.stat().st_size > limits.artifact_bytes:
            return "file:" + (sha or sample.display)[:16]
        data = sample.path.read_bytes()
    except OSError:
        return "unreadable:" + sample.display
    family = derive_family(data, sample.display, limits)
    if sha is not None:
        cache.put_family(sha, family)
    return family
