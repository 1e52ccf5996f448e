"""The one function that turns an artifact into a :class:`~capwatch.model.ScanResult`.

Everything else (the command line, batch scanning, evaluation, the review service) calls
:func:`scan_bytes` or :func:`scan_path`. Nothing from the artifact is executed: members are read
into memory, parsed, and reasoned about.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from capwatch.artifact import ArchiveIssue, Member, MemberKind, open_artifact
from capwatch.capabilities.catalog import load_catalog
from capwatch.config import Limits
from capwatch.ecosystem.commands import takes_over
from capwatch.ecosystem.layout import FilePlan, Identity, identify, plan_files
from capwatch.errors import ArtifactError, CapwatchError, LimitExceeded
from capwatch.flow import assign_phases
from capwatch.inventory import build_inventory, members_read
from capwatch.lang.base import FileAnalysis, Problem, ProblemKind
from capwatch.lang.python.analyzer import PythonAnalyzer
from capwatch.lang.serialized import analyze_compiled, analyze_pickle
from capwatch.model import (
    ArtifactInfo,
    ArtifactKind,
    CapabilitySummary,
    Ecosystem,
    Finding,
    Location,
    Phase,
    ScanResult,
    Verdict,
)
from capwatch.profile import (
    IdleTest,
    IndicatorMemo,
    NamesRead,
    Profile,
    build_profile,
    drop_idle_facts,
)
from capwatch.rules import RuleKind, all_rules
from capwatch.verdict import decide

_METADATA_NAMES = ("PKG-INFO", "METADATA", "package.json", "pyproject.toml")


@dataclass(frozen=True, slots=True)
class ScanOptions:
    limits: Limits = field(default_factory=Limits)
    metadata_signals: bool = True
    """Run the name and metadata rules (typosquats, dependency-confusion versions, metadata that
    contradicts the contents). ``False`` leaves them out, e.g. to measure their effect in eval."""
    intel_db: Path | None = None
    """Known-malware index (``capwatch intel import``) to look the artifact up in; ``None``: none."""


class _Deadline(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the scan after ``seconds`` where signals allow (the main thread of a process).

    Batch scans also enforce a hard limit from the parent process, which ends a worker that
    does not return.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _Deadline

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # Repeats each second: an exception raised inside a destructor (``ZipFile.__del__``) is
    # printed and dropped by the interpreter, so one alarm alone could be lost.
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one scan, then sweep what the scan left.

    A scan allocates millions of objects that reference counting frees (syntax trees, facts);
    left on, the collector walks them again and again and costs a third of the scan. What few
    reference cycles a scan makes (exceptions that hold their frames) are young, and one
    collection of the youngest generation after the scan frees them.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def scan_path(path: Path | str, options: ScanOptions = ScanOptions(), display: str | None = None) -> ScanResult:
    """Scan one artifact file."""
    path = Path(path)
    shown = display or str(path)
    started = time.perf_counter()
    try:
        size = path.stat().st_size
        if size > options.limits.artifact_bytes:
            raise LimitExceeded(
                "artifact_bytes",
                f"artifact is {size:,} bytes, over the artifact_bytes limit "
                f"({options.limits.artifact_bytes:,})",
            )
        data = path.read_bytes()
    except (OSError, CapwatchError) as exc:
        message = exc.diagnostic if isinstance(exc, CapwatchError) else f"cannot read: {exc}"
        return error_result(ArtifactInfo(shown, "", 0), message, started)
    return scan_bytes(data, shown, options)


def error_result(info: ArtifactInfo, message: str, started: float) -> ScanResult:
    return ScanResult(
        artifact=info,
        verdict=Verdict.ERROR,
        score=0.0,
        error=message,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
    )


def scan_bytes(data: bytes, display: str, options: ScanOptions = ScanOptions()) -> ScanResult:
    """Scan one artifact held in memory. Never raises for a bad artifact: returns ``error``."""
    started = time.perf_counter()
    info = ArtifactInfo(display, hashlib.sha256(data).hexdigest(), len(data))
    limits = options.limits
    try:
        with _cyclic_gc_paused(), _deadline(limits.seconds):
            return _scan(data, info, options, started)
    except _Deadline:
        return error_result(
            info, f"scan took longer than the seconds limit ({limits.seconds:g} s)", started
        )
    except ArtifactError as exc:
        return error_result(info, exc.diagnostic, started)
    except LimitExceeded as exc:
        return error_result(info, exc.diagnostic, started)
    except (RecursionError, MemoryError) as exc:
        return error_result(info, f"analysis aborted: {type(exc).__name__}", started)
    except Exception as exc:
        # A bug met on one artifact's content must not take down a batch (or a service
        # worker) with it: the artifact gets an error result that names the defect.
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return error_result(
            info,
            f"internal error {type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            f" ({exc}); please report it with the artifact",
            started,
        )


@dataclass(slots=True)
class _Read:
    """What a scan keeps of the artifact once every member it needs is read and analysed: the
    archive and its decompressed bytes are gone by then."""

    identity: Identity
    info: ArtifactInfo
    plans: list[FilePlan]
    analyses: dict[str, FileAnalysis]
    digests: dict[str, str]
    problems: list[Problem]
    issues: list[ArchiveIssue]
    late: dict[str, bytes]
    """The members the inventory reads (:func:`~capwatch.inventory.members_read`), read."""


def _scan(data: bytes, info: ArtifactInfo, options: ScanOptions, started: float) -> ScanResult:
    limits = options.limits
    if not data:
        raise ArtifactError("empty file: zero bytes, nothing to scan")
    # The archive lives only inside _read_and_analyze: the phases, the profile and the rules
    # need the files' facts, not the decompressed bytes.
    indicator_memo: IndicatorMemo = {}
    done = _read_and_analyze(data, info, limits, indicator_memo)
    identity, info, plans, analyses = done.identity, done.info, done.plans, done.analyses
    problems = done.problems
    if len(plans) > limits.files:
        problems.append(
            Problem(
                ProblemKind.TOO_LARGE,
                Location(""),
                f"{len(plans):,} source files; only the first {limits.files:,} analysed (files limit)",
            )
        )
    phases = assign_phases(
        {p.path: p for p in plans if p.path in analyses},
        analyses,
        [c.target for c in identity.commands if takes_over(c.name, identity.name)],
    )
    profile = build_profile(
        identity, plans, analyses, phases, load_catalog().matcher("python"), indicator_memo
    )
    profile.problems.extend(problems)
    profile.archive_issues.extend(done.issues)
    profile.files_scanned = len(analyses)
    profile.artifact = info
    if options.intel_db is not None:
        from capwatch.intel import lookup

        profile.intel = lookup(options.intel_db, info)
    findings = run_rules(profile, options)
    verdict, score = decide(findings)
    inventory = build_inventory(
        identity, plans, analyses, done.digests, profile.uses, done.late.get
    )
    return ScanResult(
        artifact=info,
        verdict=verdict,
        score=score,
        findings=findings,
        capabilities=summarize(profile),
        error=None,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        files_scanned=len(analyses),
        metadata=identity.metadata,
        inventory=inventory,
    )


def _read_and_analyze(
    data: bytes, info: ArtifactInfo, limits: Limits, indicator_memo: IndicatorMemo
) -> _Read:
    archive = open_artifact(data, info.path, limits)
    files: dict[str, Member] = {m.path: m for m in archive.members if m.kind is MemberKind.FILE}
    cache: dict[str, bytes] = {}
    problems: list[Problem] = []

    def read(path: str) -> bytes | None:
        if path in cache:
            return cache[path]
        member = files.get(path)
        if member is None:
            return None
        try:
            content = archive.read(member)
        except LimitExceeded as exc:
            problems.append(Problem(ProblemKind.TOO_LARGE, Location(path), exc.diagnostic))
            return None
        except ArtifactError as exc:
            problems.append(Problem(ProblemKind.UNPARSABLE, Location(path), exc.diagnostic))
            return None
        if path.rsplit("/", 1)[-1] in _METADATA_NAMES:
            cache[path] = content
        return content

    paths = list(files)
    identity = identify(paths, read)
    if archive.container == "file":
        identity = Identity(Ecosystem.UNKNOWN, ArtifactKind.SOURCE, None, None, "")
    info = ArtifactInfo(
        info.path, info.sha256, info.size, identity.ecosystem, identity.name, identity.version,
        identity.kind, archive.container,
    )
    plans = plan_files(identity, paths, read)
    # From here on only the planned files and the inventory's members are read, once each: the
    # archive lets the rest of a compressed tar go now, and each file's bytes once read.
    late_paths = members_read(identity)
    archive.expect_reads(
        [
            files[path]
            for path in [*(p.path for p in plans[: limits.files]), *late_paths]
            if path in files and path not in cache
        ]
    )
    # import facts are left out: imports are edges of the call graph, and no rule reads them;
    # the facts drop_idle_facts would drop are not made
    names = NamesRead(load_catalog().matcher("python"), _names_read())
    analyzer = PythonAnalyzer(
        limits, import_facts=False, keep=IdleTest(indicator_memo, names)
    )
    analyses: dict[str, FileAnalysis] = {}
    digests: dict[str, str] = {}
    for plan in plans[: limits.files]:
        content = read(plan.path)
        if content is None:
            continue
        digests[plan.path] = hashlib.sha256(content).hexdigest()
        analysis = analyses[plan.path] = _analyze(analyzer, plan, content)
        if plan.role != "pth":  # the inventory tells a .pth's kind by its facts
            drop_idle_facts(analysis, indicator_memo, names)
    late = _read_late(late_paths, read, cache, archive.issues, problems)
    return _Read(identity, info, plans, analyses, digests, problems, archive.issues, late)


@functools.cache
def _names_read() -> frozenset[str]:
    """The call and reference names the rules read by the name alone (``Rule.names_read``)."""
    return frozenset().union(*(rule.names_read for rule in all_rules()))


def _read_late(
    paths: tuple[str, ...],
    read: Callable[[str], bytes | None],
    cache: dict[str, bytes],
    issues: list[ArchiveIssue],
    problems: list[Problem],
) -> dict[str, bytes]:
    """Read now the members the inventory reads at the end of the scan, as it would: after
    every source file, and without a trace in the result (an issue or problem found that late
    used to come after the lists were copied into the profile)."""
    late: dict[str, bytes] = {}
    for path in paths:
        content = cache.get(path)
        if content is None:
            issues_before, problems_before = len(issues), len(problems)
            content = read(path)
            del issues[issues_before:], problems[problems_before:]
        if content is not None:
            late[path] = content
    return late


def _analyze(analyzer: PythonAnalyzer, plan: FilePlan, content: bytes) -> FileAnalysis:
    module = plan.module or "<" + plan.path.replace(":", "_") + ">"
    if plan.role == "pickle":
        return analyze_pickle(content, plan.path, module, analyzer)
    if plan.role == "compiled":
        return analyze_compiled(content, plan.path, module, analyzer, is_package=plan.is_package)
    if plan.role == "pth":
        # Only lines that start with ``import`` are executed by site.py; the rest are paths.
        lines = [
            line
            for line in content.decode("utf-8", "replace").splitlines()
            if line.startswith(("import ", "import\t"))
        ]
        content = "\n".join(lines).encode("utf-8")
        # the inventory tells a .pth that runs import lines from one that lists paths by its facts
        analyzer = PythonAnalyzer(analyzer.limits)
    return analyzer.analyze(content, plan.path, module, is_package=plan.is_package)


def run_rules(profile: Profile, options: ScanOptions = ScanOptions()) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for rule in all_rules():
        if rule.kind is RuleKind.METADATA and not options.metadata_signals:
            continue
        findings.extend(rule.check(profile))
    findings.sort(key=lambda f: (-f.severity, f.phase if f.phase is not None else 9, f.rule))
    return tuple(findings)


def summarize(profile: Profile) -> tuple[CapabilitySummary, ...]:
    counts: dict[tuple[Phase, str], int] = {}
    for use in profile.uses:
        key = (use.phase, use.capability)
        counts[key] = counts.get(key, 0) + 1
    return tuple(CapabilitySummary(cap, phase, n) for (phase, cap), n in sorted(counts.items()))
