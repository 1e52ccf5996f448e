"""The ``capwatch`` command line: parses arguments, calls the library, prints.

Exit status of ``capwatch scan``: 0 when no artifact is at or above ``--fail-on``; 1 when one is;
2 for usage errors, or when a target could not be resolved or an artifact could not be read
(and nothing reached ``--fail-on``).
"""

from __future__ import annotations

import argparse
import enum
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO, assert_never

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from capwatch import __version__
from capwatch.batch import Job, default_jobs, scan_many
from capwatch.config import Limits
from capwatch.dataset.command import register_eval, run_eval
from capwatch.drift.command import register_diff, run_diff
from capwatch.engine import ScanOptions
from capwatch.errors import CapwatchError, UsageError
from capwatch.model import ScanResult, Verdict
from capwatch.report import OutputFormat, render, stream_line, summary
from capwatch.service.command import register_admin, register_serve, run_admin, run_serve
from capwatch.service.scale_command import (
    register_backfill,
    register_rescan,
    register_worker,
    run_backfill,
    run_rescan,
    run_worker,
)

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_ERROR = 2


class FailOn(enum.Enum):
    MALICIOUS = "malicious"
    SUSPICIOUS = "suspicious"
    NEVER = "never"

    def reached(self, verdict: Verdict) -> bool:
        match self:
            case FailOn.MALICIOUS:
                return verdict is Verdict.MALICIOUS
            case FailOn.SUSPICIOUS:
                return verdict in (Verdict.MALICIOUS, Verdict.SUSPICIOUS)
            case FailOn.NEVER:
                return False
            case _:
                assert_never(self)


def _limit(value: str) -> tuple[str, str]:
    name, sep, number = value.partition("=")
    if not sep or not name or not number:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), number.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capwatch",
        description="Static capability analysis and malware review of package artifacts.",
    )
    parser.add_argument("--version", action="version", version=f"capwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser(
        "scan",
        help="scan artifacts, directories of artifacts, or name==version from the index",
        description=(
            "Scan package artifacts statically: nothing from a package is ever run. A TARGET is "
            "an artifact file (sdist, wheel, egg, npm tarball, or a single source file), a "
            "directory (every artifact below it), or NAME==VERSION / NAME fetched from the "
            "package index pip is configured to use (downloaded, never built)."
        ),
        epilog=(
            "exit status: 0 nothing at or above --fail-on; 1 something is; 2 usage error, or a "
            "target that could not be resolved or read. Limits: "
            + ", ".join(f"{n}={getattr(Limits(), n)}" for n in Limits.names())
        ),
    )
    scan.add_argument("targets", nargs="+", metavar="TARGET")
    scan.add_argument(
        "-f", "--format", choices=[f.value for f in OutputFormat], default="text",
        help="output format (default: text)",
    )
    scan.add_argument("-o", "--output", type=Path, help="write the report to this file")
    scan.add_argument(
        "--fail-on", choices=[f.value for f in FailOn], default="malicious",
        help="lowest verdict that makes the exit status 1 (default: malicious)",
    )
    scan.add_argument(
        "-j", "--jobs", type=int, default=0,
        help="worker processes (default: one per core)",
    )
    scan.add_argument(
        "--limit", action="append", type=_limit, default=[], metavar="NAME=VALUE",
        help="override an analysis limit, e.g. --limit seconds=30 (repeatable)",
    )
    scan.add_argument(
        "--all-files", action="store_true",
        help="for NAME==VERSION, scan every file of the release, not just sdist + one wheel",
    )
    previous = scan.add_mutually_exclusive_group()
    previous.add_argument(
        "--previous", metavar="ARTIFACT",
        help="the previous release (file or NAME==VERSION): add drift findings to the verdict",
    )
    previous.add_argument(
        "--previous-from-index", action="store_true",
        help="find each artifact's previous release on the index and add drift findings",
    )
    add_scan_options(scan)
    scan.add_argument("-v", "--verbose", action="store_true", help="show clean artifacts in full")
    scan.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    scan.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto",
        help="colour the text report (default: auto)",
    )

    rules = sub.add_parser("rules", help="print the rules catalogue (Markdown)")
    rules.add_argument("-o", "--output", type=Path, help="write to this file")
    caps = sub.add_parser("capabilities", help="print the capability catalogue (Markdown)")
    caps.add_argument("-o", "--output", type=Path, help="write to this file")
    register_diff(sub, add_scan_options)
    _register_intel(sub)
    register_eval(sub)
    register_serve(sub)
    register_admin(sub)
    _register_watch(sub)
    register_worker(sub)
    register_backfill(sub)
    register_rescan(sub)
    return parser


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """Options that change what a scan finds, shared by scan and diff."""
    parser.add_argument(
        "--no-metadata-signals", action="store_true",
        help="leave out the name and metadata rules (typosquats, dependency-confusion versions, "
             "metadata contradictions, empty descriptions)",
    )
    intel = parser.add_mutually_exclusive_group()
    intel.add_argument(
        "--intel-db", type=Path, metavar="FILE",
        help="known-malware index from 'capwatch intel import' (default: the one in the cache "
             "directory, when it exists)",
    )
    intel.add_argument("--no-intel", action="store_true", help="do not consult a known-malware index")
    if not any(a.dest == "limit" for a in parser._actions):
        parser.add_argument(
            "--limit", action="append", type=_limit, default=[], metavar="NAME=VALUE",
            help="override an analysis limit, e.g. --limit seconds=30 (repeatable)",
        )


def scan_options(args: argparse.Namespace) -> ScanOptions:
    """The :class:`ScanOptions` that parsed scan options ask for."""
    from capwatch.intel import default_intel_db

    limits = Limits().with_overrides(dict(args.limit))
    intel_db: Path | None = None
    if args.intel_db is not None:
        if not args.intel_db.is_file():
            raise UsageError(
                f"--intel-db {args.intel_db}: no such index (create it with 'capwatch intel import')"
            )
        intel_db = args.intel_db
    elif not args.no_intel and default_intel_db().is_file():
        intel_db = default_intel_db()
    return ScanOptions(
        limits=limits, metadata_signals=not args.no_metadata_signals, intel_db=intel_db
    )


def _register_intel(sub: Any) -> None:
    intel = sub.add_parser(
        "intel",
        help="manage the local index of known-malware records (OSV)",
        description="Known-malware intelligence: OSV records in a local index that scans consult.",
    )
    actions = intel.add_subparsers(dest="intel_command", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import",
        help="load OSV records (a directory of .json files or a zip of them) into the index",
        description=(
            "Load OSV records, e.g. a checkout or zip of ossf/malicious-packages, into the local "
            "index. Records already there are replaced; withdrawn records are dropped."
        ),
    )
    load.add_argument("path", type=Path, metavar="PATH")
    load.add_argument("--intel-db", type=Path, metavar="FILE",
                      help="the index to write (default: intel.sqlite in the capwatch cache)")


def _run_intel(args: argparse.Namespace) -> int:
    from capwatch.intel import default_intel_db, import_records

    db = args.intel_db or default_intel_db()
    summary = import_records(args.path, db)
    for problem in summary.skipped[:20]:
        print(f"capwatch: skipped {problem}", file=sys.stderr)
    if len(summary.skipped) > 20:
        print(f"capwatch: ... {len(summary.skipped) - 20} more skipped", file=sys.stderr)
    print(
        f"{summary.records:,} records ({summary.packages:,} package entries, {summary.hashes:,} "
        f"sha256) imported into {db}; {summary.withdrawn:,} withdrawn, "
        f"{len(summary.skipped):,} skipped"
    )
    return EXIT_OK


def _register_watch(sub: Any) -> None:
    from capwatch.service.feeds import FEED_KINDS

    watch = sub.add_parser(
        "watch",
        help="poll a package index for new files and submit them to a capwatch server",
        description=(
            "Poll a package index's simple API (PEP 691 JSON or PEP 503 HTML) and, where offered, "
            "its change feed; download every distribution file not seen before (bounded, "
            "hash-checked, never unpacked or run) and submit it to a capwatch server, or print "
            "it. Seen files and the feed position are kept in --state, so a restart resumes."
        ),
    )
    watch.add_argument("--index", required=True, metavar="URL",
                       help="the index's simple API root, e.g. https://pypi.org/simple/")
    target = watch.add_mutually_exclusive_group(required=True)
    target.add_argument("--server", metavar="URL", help="capwatch server to submit to")
    target.add_argument("--print", action="store_true",
                        help="print one line per new file instead of submitting")
    watch.add_argument("--token", metavar="TOKEN",
                       help="uploader token for --server (default: $CAPWATCH_TOKEN)")
    watch.add_argument("--state", type=Path, metavar="FILE",
                       help="state file (default: a file per index under the capwatch cache)")
    watch.add_argument("--interval", type=float, default=60.0, metavar="S",
                       help="seconds between polls (default: 60)")
    watch.add_argument("--once", action="store_true", help="poll once and exit")
    watch.add_argument("--feed", choices=FEED_KINDS, default="auto",
                       help="change feed: auto (XML-RPC on pypi.org, else none), xmlrpc, rss, "
                            "or none to read the full listing (default: auto)")
    watch.add_argument("--feed-url", metavar="URL", help="where the feed is, when not the default")
    watch.add_argument("--max-files", type=int, default=200, metavar="N",
                       help="files submitted per poll at most (default: 200)")
    watch.add_argument("--max-file-bytes", type=int, default=256 * 1024 * 1024, metavar="N",
                       help="larger files are skipped (default: 256 MiB)")
    watch.add_argument("--delay", type=float, default=0.0, metavar="S",
                       help="pause between requests to the index (default: 0)")
    watch.add_argument("--timeout", type=float, default=30.0, metavar="S",
                       help="network timeout (default: 30)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        match args.command:
            case "scan":
                return _scan(args)
            case "eval":
                return run_eval(args)
            case "diff":
                return run_diff(args, scan_options(args))
            case "intel":
                return _run_intel(args)
            case "serve":
                return run_serve(args)
            case "admin":
                return run_admin(args)
            case "worker":
                return run_worker(args)
            case "backfill":
                return run_backfill(args)
            case "rescan":
                return run_rescan(args)
            case "watch":
                from capwatch.service.watch_command import run_watch

                return run_watch(args)
            case "rules":
                from capwatch.docs import rules_markdown

                return _emit(rules_markdown(), args.output)
            case "capabilities":
                from capwatch.docs import capabilities_markdown

                return _emit(capabilities_markdown(), args.output)
            case _:
                parser.print_help()
                return EXIT_ERROR
    except CapwatchError as exc:
        print(f"capwatch: error: {exc.diagnostic}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("capwatch: interrupted", file=sys.stderr)
        return 130


def _emit(text: str, output: Path | None) -> int:
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _jobs_from(
    specs: Sequence[str], args: argparse.Namespace, limits: Limits, errors: list[str]
) -> Iterator[Job]:
    from capwatch.sources import resolve_targets

    index = 0
    for spec in specs:
        try:
            for target in resolve_targets([spec], all_files=args.all_files, limits=limits):
                yield Job(index, target.path, target.display)
                index += 1
        except UsageError:
            raise
        except CapwatchError as exc:
            errors.append(exc.diagnostic)


def _scan(args: argparse.Namespace) -> int:
    fmt = OutputFormat(args.format)
    fail_on = FailOn(args.fail_on)
    if args.jobs < 0:
        raise UsageError("--jobs takes a positive number (0 means one per core)")
    options = scan_options(args)
    limits = options.limits
    previous: ScanResult | None = None
    if args.previous:
        from capwatch.drift.command import scan_spec

        previous = scan_spec(args.previous, options)
        if previous.verdict is Verdict.ERROR:
            raise UsageError(f"--previous {args.previous}: {previous.error}")
    from capwatch.drift.previous import PreviousFromIndex, noted

    from_index = PreviousFromIndex(options) if args.previous_from_index else None
    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    color = args.color == "always" or (args.color == "auto" and out.isatty())
    stderr = Console(stderr=True)
    show_progress = not args.no_progress and sys.stderr.isatty()
    resolve_errors: list[str] = []
    results: dict[int, ScanResult] = {}
    started = time.perf_counter()
    try:
        # Resolve lazily but know the count for the bar when targets are few enough to list.
        jobs = list(_jobs_from(args.targets, args, limits, resolve_errors))
        workers = min(args.jobs or default_jobs(), max(len(jobs), 1))
        progress = Progress(
            TextColumn("[bold]scanning"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[flagged]} flagged"), TimeElapsedColumn(),
            console=stderr, transient=True, disable=not show_progress,
        )
        with progress:
            task = progress.add_task("scan", total=len(jobs), flagged=0)
            flagged = 0

            def on_result(index: int, result: ScanResult) -> None:
                nonlocal flagged
                before = previous
                if from_index is not None:
                    found = from_index.previous(result)
                    if isinstance(found, str):
                        result = noted(result, found)
                    else:
                        before = found
                if before is not None:
                    from capwatch.drift import drift_between
                    from capwatch.drift.fold import with_drift

                    result = with_drift(result, drift_between(before, result))
                results[index] = result
                if result.verdict in (Verdict.MALICIOUS, Verdict.SUSPICIOUS):
                    flagged += 1
                progress.update(task, advance=1, flagged=flagged)
                if fmt is OutputFormat.JSONL:
                    out.write(stream_line(result) + "\n")
                    out.flush()
                elif fmt is OutputFormat.TEXT and len(jobs) > 1:
                    text = render([result], fmt, color=color, verbose=args.verbose)
                    if show_progress and out is sys.stdout:
                        progress.console.file.flush()
                    out.write(text)

            scan_many(jobs, options, workers=workers, on_result=on_result)
        ordered = [results[i] for i in sorted(results)]
        if fmt in (OutputFormat.JSON, OutputFormat.SARIF) or (
            fmt is OutputFormat.TEXT and len(jobs) <= 1
        ):
            out.write(render(ordered, fmt, color=color, verbose=args.verbose))
    finally:
        if out is not sys.stdout:
            out.close()
    for message in resolve_errors:
        print(f"capwatch: error: {message}", file=sys.stderr)
    if len(ordered) > 1 or resolve_errors:
        print(summary(ordered, elapsed=time.perf_counter() - started), file=sys.stderr)
    if any(fail_on.reached(r.verdict) for r in ordered):
        return EXIT_FOUND
    if resolve_errors or any(r.verdict is Verdict.ERROR for r in ordered):
        return EXIT_ERROR
    return EXIT_OK
