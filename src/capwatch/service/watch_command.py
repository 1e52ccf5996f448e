"""``capwatch watch``: the index watcher from the command line (see :mod:`capwatch.service.watcher`).

Exit status: 0 when the poll (``--once``) or the watch ended normally; 2 for usage errors and,
with ``--once``, when the index could not be read or a file could not be downloaded or submitted
(it stays queued for the next run).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from capwatch.errors import UsageError
from capwatch.service.cursor import SqliteCursorStore
from capwatch.service.feeds import feed_for, make_client
from capwatch.service.watcher import (
    HttpSubmitter,
    IndexWatcher,
    PrintSubmitter,
    Submit,
    WatchLimits,
    default_state_path,
)
from capwatch.sources import default_cache_dir
from capwatch.sources.transport import redact_url

EXIT_OK = 0
EXIT_ERROR = 2


def run_watch(args: argparse.Namespace) -> int:
    """Run ``capwatch watch`` with parsed arguments; errors are raised as ``CapwatchError``."""
    if args.interval <= 0 or args.timeout <= 0:
        raise UsageError("--interval and --timeout take a positive number of seconds")
    if args.max_files < 1 or args.max_file_bytes < 1 or args.delay < 0:
        raise UsageError("--max-files and --max-file-bytes take a positive number, --delay >= 0")
    index = args.index
    state = args.state or default_state_path(index, default_cache_dir())
    limits = WatchLimits(
        max_file_bytes=args.max_file_bytes,
        max_files_per_poll=args.max_files,
        request_delay=args.delay,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("capwatch watch: %(message)s"))
    logger = logging.getLogger("capwatch")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        return _watch(args, state, limits)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _watch(args: argparse.Namespace, state: Path, limits: WatchLimits) -> int:
    index = args.index
    with make_client(args.timeout) as client:
        submit: Submit
        if args.print:
            submit = PrintSubmitter(sys.stdout)
        else:
            token = args.token or os.environ.get("CAPWATCH_TOKEN")
            if not token:
                raise UsageError("--server needs --token (or CAPWATCH_TOKEN): an uploader token")
            submit = HttpSubmitter(args.server, token, client)
        cursor = SqliteCursorStore(state, index.rstrip("/") + "/")
        try:
            watcher = IndexWatcher(
                index, submit, cursor, client,
                feed=feed_for(args.feed, index, client, feed_url=args.feed_url),
                limits=limits,
            )
            if args.once:
                done = watcher.poll_once()
                print(
                    f"capwatch watch: {len(done)} new file(s) from {redact_url(index)}; "
                    f"{len(cursor.pending())} project(s) still queued; state in {state}",
                    file=sys.stderr,
                )
                if watcher.last_errors:
                    return EXIT_ERROR
            else:
                watcher.run(interval=args.interval)
        finally:
            cursor.close()
    return EXIT_OK
