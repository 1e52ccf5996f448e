"""The ``capwatch eval`` subcommand: argument parsing and output around :func:`evaluate`.

Exit status: 0 when the evaluation ran (it reports, it never fails on what it measures); 2 for
usage errors (the command line's ``main`` turns :class:`UsageError` into 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from capwatch.config import Limits
from capwatch.dataset.cache import DEFAULT_CACHE_DIR
from capwatch.dataset.evaluate import EvalConfig, evaluate
from capwatch.dataset.report import to_json, to_text
from capwatch.errors import UsageError

EXIT_OK = 0


def _limit(value: str) -> tuple[str, str]:
    name, sep, number = value.partition("=")
    if not sep or not name.strip() or not number.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), number.strip()


def register_eval(sub: Any) -> argparse.ArgumentParser:
    """Add the ``eval`` subcommand to ``sub`` (the parser's subparsers action)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "eval",
        help="measure recall and false positives on labelled corpora",
        description=(
            "Scan a labelled malicious and/or benign corpus with the settings of 'capwatch scan' "
            "and report recall per file and per family, false-positive rates per file and per "
            "project, every miss, false alarm and error, and the slowest artifacts. SRC is a "
            "directory (every artifact below it; for --benign the project is the first folder "
            "below it) or a tab-separated manifest with a 'path' column relative to its folder "
            "and optional 'family' (malicious) or 'name' (benign project) columns; a manifest "
            "with 'name' and 'filename' but no 'path' names files below $CAPWATCH_BENIGN_DIR "
            "(default ~/.cache/capwatch-corpus/benign). Results are cached by artifact sha256 "
            "and ruleset version, so an interrupted run resumes."
        ),
        epilog="exit status: 0 the evaluation ran; 2 usage error.",
    )
    parser.add_argument("--malicious", type=Path, metavar="SRC", help="malicious corpus")
    parser.add_argument("--benign", type=Path, metavar="SRC", help="benign corpus")
    parser.add_argument(
        "-f", "--format", choices=["text", "json"], default="text",
        help="report format: Markdown text or capwatch.eval/1 JSON (default: text)",
    )
    parser.add_argument("-o", "--output", type=Path, help="write the report to this file")
    parser.add_argument(
        "-j", "--jobs", type=int, default=0, help="worker processes (default: one per core)"
    )
    caching = parser.add_mutually_exclusive_group()
    caching.add_argument(
        "--cache-dir", type=Path, default=DEFAULT_CACHE_DIR,
        help=f"where results are cached (default: {DEFAULT_CACHE_DIR})",
    )
    caching.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--retry-errors", action="store_true",
        help="scan again artifacts whose cached result is an error (e.g. a time-out)",
    )
    parser.add_argument(
        "--limit", action="append", type=_limit, default=[], metavar="NAME=VALUE",
        help="override an analysis limit as for 'capwatch scan' (repeatable)",
    )
    parser.add_argument(
        "--no-metadata-signals", action="store_true",
        help="leave out the name and metadata rules, to measure their effect (cached apart)",
    )
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    return parser


class _Bar:
    """A Rich progress bar on stderr, one task per stage."""

    def __init__(self, enabled: bool) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[flagged]} flagged"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True, disable=not enabled,
        )
        self.task: TaskID | None = None
        self.flagged = 0

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.progress.__exit__(kind, value, traceback)

    def stage(self, name: str, total: int) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.flagged = 0
        self.task = self.progress.add_task(name, total=total, flagged=0)

    def advance(self, flagged: bool = False) -> None:
        if self.task is not None:
            self.flagged += flagged
            self.progress.update(self.task, advance=1, flagged=self.flagged)


def run_eval(args: argparse.Namespace) -> int:
    """Run ``capwatch eval`` for parsed ``args``; raises :class:`UsageError` for bad usage."""
    if args.malicious is None and args.benign is None:
        raise UsageError("capwatch eval: give --malicious SRC, --benign SRC, or both")
    if args.jobs < 0:
        raise UsageError("--jobs takes a positive number (0 means one per core)")
    config = EvalConfig(
        malicious=args.malicious,
        benign=args.benign,
        limits=Limits().with_overrides(dict(args.limit)),
        jobs=args.jobs,
        cache_dir=None if args.no_cache else args.cache_dir,
        retry_errors=args.retry_errors,
        metadata_signals=not args.no_metadata_signals,
    )
    show = not args.no_progress and sys.stderr.isatty()
    with _Bar(show) as bar:
        evaluation = evaluate(config, bar)
    if args.format == "json":
        text = json.dumps(to_json(evaluation), indent=2) + "\n"
    else:
        text = to_text(evaluation)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    m, b = evaluation.malicious, evaluation.benign
    print(
        f"capwatch eval: {m.files:,} malicious, {b.files:,} benign in "
        f"{evaluation.seconds:.1f} s ({evaluation.scanned:,} scanned, "
        f"{evaluation.cache_hits:,} cached)",
        file=sys.stderr,
    )
    return EXIT_OK
