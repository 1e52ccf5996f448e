#!/usr/bin/env python3
"""Backfill throughput: Celery workers (1, 2, 4 processes) and the embedded mode, on a sample.

A script that prints figures, not a timed test. Run from the repository root with PostgreSQL
and Redis up (as for the tests)::

    .venv/bin/python benchmarks/bench_backfill.py                       # 200 + 20 files
    .venv/bin/python benchmarks/bench_backfill.py --malicious 50 --benign 10 --modes celery-1
    .venv/bin/python benchmarks/bench_backfill.py --malicious all --benign 100   # whole corpus

The sample is the first ``--malicious`` rows of ../shared/corpus/malicious.tsv and the first
``--benign`` files under ~/.cache/capwatch-corpus/benign (sorted); ``all`` takes every one.
Files with the same content are scanned once (the service deduplicates by sha256), and files
the backfill refuses (not an artifact) are not scanned, so a mode is done when every scan the
backfill created has its verdict. They are read as bytes by the
service (stored in a temporary artifact store, scanned statically, deleted at the end), never
extracted to disk nor run. Each mode gets a fresh PostgreSQL database and a fresh store:

* ``embedded``: ``capwatch serve -j 2`` (one scan process per core) is started, then
  ``capwatch backfill --from-file`` submits the sample; the serve process scans what is queued;
* ``celery-N``: one ``capwatch worker -c N`` node and ``capwatch backfill --queue celery``
  (its outbox relay sends a task per artifact to Redis).

Printed per mode: wall time from the start of the backfill to the last verdict, files/s and MB/s
end to end, and the enqueue time alone. From the per-scan times (claim to verdict, recorded in
the database) of the one-process run (``celery-1``) a least-squares fit ``seconds = a + b * bytes``
gives the fixed cost per file and the cost per byte, and from them a sizing estimate for PyPI (~12 M files, ~100 TB): worker-hours,
and hours with 10 / 100 / 1000 worker processes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BENIGN = Path.home() / ".cache" / "capwatch-corpus" / "benign"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
PYPI_FILES = 12_000_000
PYPI_BYTES = 100e12
CAPWATCH = [sys.executable, "-m", "capwatch"]


def _count(text: str) -> int:
    """``--malicious`` / ``--benign``: a number of files, or ``all``."""
    if text == "all":
        return sys.maxsize
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("a number of files (0 or more) or 'all'")
    return value


def distinct(files: list[Path]) -> int:
    return len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})


def sample(malicious: int, benign: int) -> list[Path]:
    files: list[Path] = []
    tsv = CORPUS / "malicious.tsv"
    if malicious and tsv.exists():
        with tsv.open(encoding="utf-8") as lines:
            next(lines)
            for line in lines:
                if len(files) >= malicious:
                    break
                path = CORPUS / line.split("\t", 1)[0]
                if path.is_file():
                    files.append(path)
    if benign and BENIGN.is_dir():
        files += sorted(p for p in BENIGN.rglob("*") if p.is_file())[:benign]
    return files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Result:
    mode: str
    files: int
    bytes: int
    wall: float
    enqueue: float
    scans: list[tuple[int, float]]
    """(size, seconds from claim to verdict) per scan."""
    verdicts: dict[str, int]


def _rows(db_url: str) -> list[tuple[str, int, float | None]]:
    import psycopg

    with psycopg.connect(db_url) as conn:
        return [
            (status, size, seconds)
            for status, size, seconds in conn.execute(
                "SELECT status, size, EXTRACT(EPOCH FROM finished_at - started_at) FROM scans"
            ).fetchall()
        ]


def _wait_done(db_url: str, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    shown = time.monotonic()
    while time.monotonic() < deadline:
        rows = _rows(db_url)
        finished = sum(1 for status, _, _ in rows if status in ("done", "error"))
        if len(rows) >= count and finished == len(rows):
            return
        if time.monotonic() - shown > 30:
            print(f"  ... {finished}/{count} verdicts", file=sys.stderr, flush=True)
            shown = time.monotonic()
        time.sleep(0.25)
    raise SystemExit(f"timed out after {timeout:g} s waiting for {count} verdicts")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run(mode: str, listing: Path, expected: int, db_url: str, broker: str,
        tmp: Path, timeout: float) -> Result:
    data = tmp / f"data-{mode}"
    common = ["--db", db_url, "--data-dir", str(data)]
    queue = f"capwatch-bench-{uuid.uuid4().hex[:8]}"
    log = (tmp / f"{mode}.log").open("wb")
    if mode == "embedded":
        port = free_port()
        server = subprocess.Popen(
            [*CAPWATCH, "serve", "--port", str(port), "-j", "2", *common],
            stdout=log, stderr=log, start_new_session=True,
        )
        ready = f"http://127.0.0.1:{port}/healthz"
        backfill_queue: list[str] = []
    else:
        processes = mode.split("-", 1)[1]
        server = subprocess.Popen(
            [*CAPWATCH, "worker", "-c", processes, "--broker", broker, "--task-queue", queue,
             *common], stdout=log, stderr=log, start_new_session=True,
        )
        ready = ""
        backfill_queue = ["--queue", "celery", "--broker", broker, "--task-queue", queue]
    try:
        _wait_ready(server, ready, tmp / f"{mode}.log")
        started = time.perf_counter()
        subprocess.run(
            [*CAPWATCH, "backfill", "--from-file", str(listing), "--rate", "0", *common,
             *backfill_queue], check=True, stdout=subprocess.DEVNULL, stderr=log,
        )
        enqueue = time.perf_counter() - started
        # What the backfill accepted is committed by now: files it refused (not an artifact,
        # such as an empty file) never become scans, so they are not waited for.
        _wait_done(db_url, min(expected, len(_rows(db_url))), timeout=timeout)
        wall = time.perf_counter() - started
    finally:
        _stop(server)
        log.close()
    rows = _rows(db_url)
    verdicts: dict[str, int] = {}
    import psycopg

    with psycopg.connect(db_url) as conn:
        for (verdict, n) in conn.execute("SELECT verdict, count(*) FROM scans GROUP BY verdict"):
            verdicts[str(verdict)] = int(n)
    scans = [(size, float(seconds)) for _, size, seconds in rows if seconds is not None]
    return Result(mode, len(rows), sum(size for _, size, _ in rows), wall, enqueue, scans,
                  verdicts)


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process exited:\n{log.read_text(errors='replace')[-3000:]}")
        if url:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
        elif " ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise SystemExit("did not start in 120 s")


def fit(scans: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares ``seconds = a + b * size``: (a seconds per file, b seconds per byte)."""
    n = len(scans)
    mean_x = sum(s for s, _ in scans) / n
    mean_y = sum(t for _, t in scans) / n
    var = sum((s - mean_x) ** 2 for s, _ in scans)
    b = sum((s - mean_x) * (t - mean_y) for s, t in scans) / var if var else 0.0
    b = max(b, 0.0)
    return max(mean_y - b * mean_x, 0.0), b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--malicious", type=_count, default=200, metavar="N|all")
    parser.add_argument("--benign", type=_count, default=20, metavar="N|all")
    parser.add_argument("--modes", default="embedded,celery-1,celery-2,celery-4")
    parser.add_argument("--pg", default=DEFAULT_PG, help=f"PostgreSQL server (default {DEFAULT_PG})")
    parser.add_argument("--broker", default=DEFAULT_BROKER)
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds a mode may take (default: 1800, or 0.5 s a file if more)")
    args = parser.parse_args()
    import psycopg

    files = sample(args.malicious, args.benign)
    if not files:
        raise SystemExit("no sample: ../shared/corpus and ~/.cache/capwatch-corpus are missing")
    total = sum(p.stat().st_size for p in files)
    unique = distinct(files)
    timeout = args.timeout or max(1800.0, 0.5 * len(files))
    wanted = ", ".join(
        f"{'all' if n == sys.maxsize else n} {label}"
        for n, label in ((args.malicious, "malicious rows"), (args.benign, "benign"))
    )
    print(f"sample: {len(files)} files ({unique} distinct), {total / 1e6:.1f} MB ({wanted}); "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'mode':<9} {'files':>6} {'wall s':>7} {'enqueue s':>9} {'files/s':>8} {'MB/s':>6}"
          f" {'s/file':>8} {'s/MB':>7}   verdicts")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="capwatch-bench-backfill-") as tmp_name:
        tmp = Path(tmp_name)
        listing = tmp / "list.txt"
        listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
        for mode in args.modes.split(","):
            name = f"capwatch_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                result = run(mode, listing, unique, f"{args.pg.rsplit('/', 1)[0]}/{name}",
                             args.broker, tmp, timeout)
            finally:
                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            results.append(result)
            a, b = fit(result.scans)
            print(f"{mode:<9} {result.files:>6} {result.wall:>7.1f} {result.enqueue:>9.1f} "
                  f"{result.files / result.wall:>8.1f} {result.bytes / 1e6 / result.wall:>6.2f} "
                  f"{a:>8.3f} {b * 1e6:>7.3f}   "
                  + ", ".join(f"{k} {v}" for k, v in sorted(result.verdicts.items())),
                  flush=True)
    # Size from the run with one worker process: its per-scan times are the least inflated by
    # processes competing for the cores.
    single = next((r for r in results if r.mode == "celery-1"), results[0])
    a, b = fit(single.scans)
    worker_seconds = PYPI_FILES * a + PYPI_BYTES * b
    print(f"\nper-scan cost ({single.mode}, claim to verdict): {a * 1000:.0f} ms per file + "
          f"{b * 1e9:.0f} s per GB")
    print(f"PyPI sizing ({PYPI_FILES / 1e6:.0f} M files, {PYPI_BYTES / 1e12:.0f} TB): "
          f"{worker_seconds / 3600:,.0f} worker-hours; "
          + ", ".join(f"{n} workers {worker_seconds / 3600 / n:,.1f} h" for n in (10, 100, 1000)))
    print("(measured on a shared 2-core machine: figures are a lower bound on throughput; the "
          "sample's files are small, so the per-byte term is extrapolated)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
