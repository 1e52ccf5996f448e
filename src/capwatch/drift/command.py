"""``capwatch diff OLD NEW``: what changed between two releases, as text or ``capwatch.diff/1``.

Exit status: 0 when the drift's verdict is below ``--fail-on``; 1 when it is at or above; 2 for
usage errors, or when a release could not be resolved or read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from capwatch.config import Limits
from capwatch.drift import Drift, drift_between
from capwatch.engine import ScanOptions, scan_path
from capwatch.errors import UsageError
from capwatch.model import ScanResult, Verdict

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def register_diff(sub: Any, add_scan_options: Any) -> None:
    parser = sub.add_parser(
        "diff",
        help="compare two releases of a project: capability, hook, file, dependency and "
             "metadata drift",
        description=(
            "Scan two releases with the same engine and report what changed from OLD to NEW: "
            "capabilities added or removed per phase, install and start-up hooks, files with "
            "code, dependencies and metadata, with findings for risky drift (rules CW201-CW204). "
            "OLD and NEW are artifact files or NAME==VERSION from the index pip is configured to "
            "use (the sdist when the release has one). Nothing from either package is run."
        ),
        epilog="exit status: 0 drift below --fail-on; 1 at or above; 2 usage error, or a "
               "release that could not be resolved or read.",
    )
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    parser.add_argument("-f", "--format", choices=["text", "json"], default="text",
                        help="output format: text or capwatch.diff/1 JSON (default: text)")
    parser.add_argument("-o", "--output", type=Path, help="write the report to this file")
    parser.add_argument(
        "--fail-on", choices=["malicious", "suspicious", "never"], default="suspicious",
        help="lowest drift verdict that makes the exit status 1 (default: suspicious)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show every site")
    add_scan_options(parser)


def resolve_one(spec: str, limits: Limits) -> tuple[Path, str]:
    """The one artifact a spec names: a file, or the sdist (else the first file) of a release."""
    from capwatch.sources import resolve_targets

    targets = list(resolve_targets([spec], limits=limits))
    if not targets:
        raise UsageError(f"{spec}: no artifact found")
    sdists = [t for t in targets if t.path.name.endswith((".tar.gz", ".zip", ".tar.bz2", ".tgz"))]
    chosen = (sdists or targets)[0]
    return chosen.path, chosen.display


def scan_spec(spec: str, options: ScanOptions) -> ScanResult:
    path, display = resolve_one(spec, options.limits)
    return scan_path(path, options, display)


def run_diff(args: argparse.Namespace, options: ScanOptions) -> int:
    old = scan_spec(args.old, options)
    new = scan_spec(args.new, options)
    drift = diff_results(old, new)
    from capwatch.report.diff import render_json, render_text

    text = render_json(drift) if args.format == "json" else render_text(drift, verbose=args.verbose)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    if drift.verdict is Verdict.ERROR:
        return EXIT_ERROR
    threshold = {"malicious": Verdict.MALICIOUS, "suspicious": Verdict.SUSPICIOUS}.get(args.fail_on)
    if threshold is not None and drift.verdict >= threshold:
        return EXIT_FOUND
    return EXIT_OK


def diff_results(old: ScanResult, new: ScanResult) -> Drift:
    return drift_between(old, new)
