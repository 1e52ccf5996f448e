"""The closing line of a batch: how many artifacts, what verdicts, how long it took."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from capwatch.model import ScanResult, Verdict

__all__ = ["summary"]

_ORDER = (Verdict.MALICIOUS, Verdict.SUSPICIOUS, Verdict.CLEAN)


def summary(results: Sequence[ScanResult], *, elapsed: float | None = None) -> str:
    """One plain-text line (no trailing newline) summing up a batch.

    ``elapsed`` is the batch's wall-clock time in seconds; the scanner runs artifacts in
    parallel, so the caller should pass it. Without it the per-artifact ``duration_ms`` are added
    up, which is the time spent scanning rather than the time waited. An artifact counts as an
    error when its verdict is ``error`` or it carries an error message, and then under no other
    verdict. Contains no package-controlled text.

    Example: ``12 artifacts scanned in 3.40 s (3.5 artifacts/s): 1 malicious, 2 suspicious,
    8 clean, 1 error; 5 findings, 1,234 files``.
    """
    n = len(results)
    if elapsed is None:
        elapsed = sum(r.duration_ms for r in results if math.isfinite(r.duration_ms)) / 1000.0
    counts: Counter[Verdict] = Counter(
        Verdict.ERROR if r.error is not None else r.verdict for r in results
    )
    head = f"{n:,} artifact{'' if n == 1 else 's'} scanned in {_duration(elapsed)}"
    if n and elapsed > 0:
        head += f" ({n / elapsed:,.1f} artifacts/s)"
    verdicts = [f"{counts[v]:,} {v.label}" for v in _ORDER]
    errors = counts[Verdict.ERROR]
    verdicts.append(f"{errors:,} error{'' if errors == 1 else 's'}")
    findings = sum(len(r.findings) for r in results)
    files = sum(r.files_scanned for r in results)
    return (
        f"{head}: {', '.join(verdicts)}; "
        f"{findings:,} finding{'' if findings == 1 else 's'}, {files:,} file{'' if files == 1 else 's'}"
    )


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "? s"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{int(minutes)} min {secs:.0f} s"
    hours, minutes = divmod(minutes, 60)
    return f"{int(hours)} h {int(minutes)} min"
