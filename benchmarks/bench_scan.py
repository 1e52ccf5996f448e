#!/usr/bin/env python3
"""Scan-speed and memory figures for capwatch on real and synthetic corpora.

A script that prints figures, not a timed test. Run from the repository root::

    .venv/bin/python benchmarks/bench_scan.py                  # everything (takes a while)
    .venv/bin/python benchmarks/bench_scan.py --sample 300     # quick run: 300 per corpus
    .venv/bin/python benchmarks/bench_scan.py --only heavy --json
    .venv/bin/python benchmarks/bench_scan.py --only malicious --sample 500 --profile 500
    .venv/bin/python benchmarks/bench_scan.py --paths a.whl b.tar.gz   # peak RSS of these files

Corpora:

* ``malicious``: the files listed in ``../shared/corpus/malicious.tsv`` (live malware: read only
  as bytes and scanned through capwatch, never extracted or run);
* ``benign``: every file under ``$CAPWATCH_BENIGN_DIR`` or ``~/.cache/capwatch-corpus/benign``
  (fetched by ``shared/corpus/fetch-benign``); skipped when absent;
* ``heavy``: a synthetic sdist with 100+ MB of varied Python source, generated in memory from a
  fixed seed (``--heavy-mb``).

For each corpus, in ONE run so that ratios compare like with like on a noisy machine:

* **latency**: per-artifact wall time of ``scan_bytes`` in this process, one artifact at a time
  (the bytes are read from disk first, so file I/O is not counted), median / p90 / max;
* **floor**: for the same artifact, right before its scan, the decompress-and-read-only time:
  ``open_artifact`` plus reading every member through ``Archive.files()``; the ratio
  scan / floor is printed (of the medians, and the median of the per-artifact ratios);
* **throughput**: artifacts per second through ``capwatch.batch.scan_many`` on ``--jobs``
  worker processes (default: every core), files read by the workers as in production;
* **peak memory**: each artifact is scanned in a freshly forked child of this (lean) process and
  the child's own ``ru_maxrss`` is taken from ``os.wait4``: an exact per-artifact peak RSS of a
  process that holds capwatch and one artifact, as a batch worker does. The max and the file
  that reached it are reported, with the RSS the children start from (``baseline``).

Nothing here changes capwatch; the figures are printed next to the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import math
import os
import pstats
import random
import select
import signal
import statistics
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# CAPWATCH_BENCH_SRC measures another checkout's capwatch (a base commit) with this script.
SRC = Path(os.environ.get("CAPWATCH_BENCH_SRC") or REPO / "src")
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from capwatch.artifact import open_artifact  # noqa: E402
from capwatch.batch import Job, default_jobs, scan_many  # noqa: E402
from capwatch.config import Limits  # noqa: E402
from capwatch.engine import ScanOptions, scan_bytes  # noqa: E402
from capwatch.errors import CapwatchError  # noqa: E402
from capwatch.model import ScanResult  # noqa: E402

CORPUS = Path(os.environ.get("CAPWATCH_CORPUS_DIR", REPO.parent / "shared" / "corpus"))
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")

TARGETS = {
    "malicious_median_ms": 5.0,
    "benign_median_ms": 50.0,
    "heavy_ratio": 3.0,
    "peak_rss_mb": 300.0,
}

MB = 1024 * 1024


# ------------------------------------------------------------------------------------------------
# Small statistics helpers


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def dist(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": statistics.median(values) if values else math.nan,
        "p90": pct(values, 90),
        "max": max(values) if values else math.nan,
        "mean": statistics.fmean(values) if values else math.nan,
    }


def fmt_ms(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    return f"{x:,.1f}" if x >= 100 else f"{x:.2f}"


def verdict_mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("OK" if ok else "MISSED")


# ------------------------------------------------------------------------------------------------
# Corpora


@dataclass(slots=True)
class Item:
    path: Path
    display: str


def malicious_items(sample: int | None, seed: int) -> list[Item]:
    tsv = CORPUS / "malicious.tsv"
    if not tsv.is_file():
        return []
    with tsv.open(encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        col = head.index("path")
        rels = [line.rstrip("\n").split("\t")[col] for line in f if line.strip()]
    items = [Item(CORPUS / rel, rel) for rel in rels]
    return _sample(items, sample, seed)


def benign_dir() -> Path:
    return Path(
        os.environ.get("CAPWATCH_BENIGN_DIR", Path.home() / ".cache" / "capwatch-corpus" / "benign")
    )


def benign_items(sample: int | None, seed: int) -> list[Item]:
    root = benign_dir()
    if not root.is_dir():
        return []
    items = [
        Item(p, p.relative_to(root).as_posix())
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    ]
    return _sample(items, sample, seed)


def _sample(items: list[Item], sample: int | None, seed: int) -> list[Item]:
    if sample is None or sample >= len(items):
        return items
    picked = random.Random(seed).sample(range(len(items)), sample)
    return [items[i] for i in sorted(picked)]


# ------------------------------------------------------------------------------------------------
# Synthetic source-heavy sdist

_STDLIB = (
    "os", "sys", "re", "json", "math", "time", "typing", "logging", "functools", "itertools",
    "collections", "dataclasses", "pathlib", "datetime", "decimal", "enum", "hashlib", "struct",
    "textwrap", "string", "operator", "contextlib", "abc", "copy", "heapq", "bisect", "uuid",
)
_WORDS = (
    "alpha", "beta", "gamma", "delta", "record", "value", "item", "node", "buffer", "config",
    "option", "result", "entry", "token", "frame", "chunk", "index", "cache", "queue", "batch",
    "user", "account", "order", "invoice", "price", "amount", "total", "count", "limit", "offset",
    "payload", "header", "field", "column", "row", "table", "schema", "query", "filter", "sort",
    "parse", "render", "encode", "decode", "load", "store", "fetch", "update", "merge", "split",
)


class SourceGenerator:
    """Deterministic, varied, realistic-looking Python modules (nothing here is ever run)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def ident(self, parts: int = 2) -> str:
        return "_".join(self.rng.choice(_WORDS) for _ in range(parts))

    def camel(self) -> str:
        return "".join(w.capitalize() for w in (self.rng.choice(_WORDS) for _ in range(2)))

    def expr(self, names: list[str], depth: int = 0) -> str:
        r = self.rng.random()
        if depth > 2 or r < 0.25:
            choice = self.rng.randrange(5)
            if choice == 0:
                return str(self.rng.randrange(-1000, 100000))
            if choice == 1:
                return repr(f"{self.rng.choice(_WORDS)} {self.rng.choice(_WORDS)} {self.rng.randrange(999)}")
            if choice == 2:
                return f"{self.rng.random():.4f}"
            return self.rng.choice(names)
        if r < 0.45:
            op = self.rng.choice(("+", "-", "*", "//", "%", "and", "or", "<", ">=", "=="))
            return f"({self.expr(names, depth + 1)} {op} {self.expr(names, depth + 1)})"
        if r < 0.6:
            args = ", ".join(self.expr(names, depth + 1) for _ in range(self.rng.randrange(4)))
            return f"{self.ident()}({args})"
        if r < 0.7:
            return f"{self.rng.choice(names)}.{self.ident(1)}({self.expr(names, depth + 1)})"
        if r < 0.8:
            v = self.rng.choice(_WORDS)
            return f"[{v} * 2 for {v} in range({self.rng.randrange(1, 50)}) if {v} % {self.rng.randrange(2, 7)}]"
        if r < 0.9:
            return "{" + ", ".join(f"{self.rng.choice(_WORDS)!r}: {self.expr(names, depth + 1)}" for _ in range(self.rng.randrange(1, 4))) + "}"
        return f'f"{self.rng.choice(_WORDS)}={{{self.rng.choice(names)}!r}} {self.rng.choice(_WORDS)}"'

    def body(self, names: list[str], indent: str, lines: list[str], depth: int = 0) -> None:
        for _ in range(self.rng.randrange(3, 9)):
            r = self.rng.random()
            if depth < 2 and r < 0.15:
                lines.append(f"{indent}if {self.expr(names)}:")
                self.body(names, indent + "    ", lines, depth + 1)
                lines.append(f"{indent}else:")
                lines.append(f"{indent}    {self.rng.choice(names)} = {self.expr(names)}")
            elif depth < 2 and r < 0.27:
                v = self.ident(1)
                lines.append(f"{indent}for {v} in {self.rng.choice(names)}:")
                self.body([*names, v], indent + "    ", lines, depth + 1)
            elif depth < 2 and r < 0.35:
                lines.append(f"{indent}try:")
                self.body(names, indent + "    ", lines, depth + 1)
                lines.append(f"{indent}except (KeyError, ValueError) as exc:")
                lines.append(f"{indent}    logger.warning('failed %s: %s', {self.rng.choice(names)}, exc)")
            elif depth < 2 and r < 0.4:
                lines.append(f"{indent}with contextlib.suppress(Exception):")
                self.body(names, indent + "    ", lines, depth + 1)
            elif r < 0.75:
                v = self.ident()
                lines.append(f"{indent}{v} = {self.expr(names)}")
                names.append(v)
            elif r < 0.9:
                lines.append(f"{indent}{self.rng.choice(names)}.{self.ident(1)}({self.expr(names)})")
            else:
                lines.append(f"{indent}# {' '.join(self.rng.choice(_WORDS) for _ in range(8))}")
        lines.append(f"{indent}return {self.expr(names)}")

    def function(self, name: str, indent: str, lines: list[str], method: bool = False) -> None:
        params = [self.ident(1) + str(i) for i in range(self.rng.randrange(0, 4))]
        sig = ", ".join((["self"] if method else []) + [f"{p}: int = {i}" for i, p in enumerate(params)])
        lines.append(f"{indent}def {name}({sig}) -> object:")
        lines.append(f'{indent}    """{name.replace("_", " ").capitalize()}: {" ".join(self.rng.choice(_WORDS) for _ in range(10))}."""')
        self.body([*params, "self" if method else "CONSTANT_0"], indent + "    ", lines)
        lines.append("")

    def module(self, target_bytes: int) -> str:
        lines = [f'"""{self.camel()} module: {" ".join(self.rng.choice(_WORDS) for _ in range(12))}."""', ""]
        for mod in sorted(self.rng.sample(_STDLIB, 6)):
            lines.append(f"import {mod}")
        lines.append("from typing import Any, Optional")
        lines.append("import contextlib")
        lines.append("import logging")
        lines.append("")
        lines.append("logger = logging.getLogger(__name__)")
        for i in range(self.rng.randrange(2, 6)):
            lines.append(f"CONSTANT_{i} = {self.rng.choice(_WORDS)!r} + str({self.rng.randrange(10**6)})")
        lines.append("")
        size = sum(len(x) + 1 for x in lines)
        while size < target_bytes:
            start = len(lines)
            if self.rng.random() < 0.4:
                lines.append(f"class {self.camel()}{self.rng.randrange(1000)}:")
                lines.append(f'    """A {self.rng.choice(_WORDS)} of {self.rng.choice(_WORDS)}s."""')
                lines.append(f"    kind = {self.rng.choice(_WORDS)!r}")
                lines.append("")
                for _ in range(self.rng.randrange(2, 6)):
                    self.function(self.ident(), "    ", lines, method=True)
            else:
                self.function(self.ident() + str(self.rng.randrange(100)), "", lines)
            size += sum(len(x) + 1 for x in lines[start:])
        return "\n".join(lines) + "\n"


def heavy_sdist(total_mb: float, seed: int) -> tuple[bytes, int, int]:
    """A gzip'd sdist with ``total_mb`` MiB of Python; returns (bytes, py_bytes, py_files)."""
    gen = SourceGenerator(seed)
    buffer = io.BytesIO()
    top = "heavysource-1.0"
    py_bytes = 0
    py_files = 0
    target = int(total_mb * MB)

    def add(tar: tarfile.TarFile, path: str, data: bytes) -> None:
        info = tarfile.TarInfo(f"{top}/{path}")
        info.size = len(data)
        info.mode = 0o644
        info.mtime = 1_700_000_000
        tar.addfile(info, io.BytesIO(data))

    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        add(tar, "PKG-INFO", b"Metadata-Version: 2.1\nName: heavysource\nVersion: 1.0\n")
        add(
            tar,
            "setup.py",
            b"from setuptools import find_packages, setup\n\n"
            b"setup(name='heavysource', version='1.0', packages=find_packages())\n",
        )
        while py_bytes < target:
            package = f"heavysource/sub{py_files // 100:03d}"
            if py_files % 100 == 0:
                init = f'"""Subpackage {py_files // 100}."""\n'.encode()
                add(tar, f"{package}/__init__.py", init)
                py_bytes += len(init)
                py_files += 1
            text = gen.module(gen.rng.randrange(8_000, 80_000)).encode()
            add(tar, f"{package}/mod{py_files:05d}.py", text)
            py_bytes += len(text)
            py_files += 1
    return buffer.getvalue(), py_bytes, py_files


# ------------------------------------------------------------------------------------------------
# Measurements


def floor_read(data: bytes, display: str, limits: Limits) -> tuple[int, int]:
    """Decompress and read every member: the least any scan must do. Returns (members, bytes)."""
    archive = open_artifact(data, display, limits)
    n = total = 0
    for _member, content in archive.files():
        n += 1
        total += len(content)
    return n, total


def py_bytes_of(data: bytes, display: str, limits: Limits) -> int:
    try:
        archive = open_artifact(data, display, limits)
        return sum(len(c) for m, c in archive.files() if m.path.endswith(".py"))
    except CapwatchError:
        return 0


@dataclass(slots=True)
class LatencyRow:
    display: str
    size: int
    scan_ms: float
    floor_ms: float
    verdict: str
    error: str | None


def latency_pass(items: Sequence[Item], options: ScanOptions, progress: Callable[[str], None]) -> list[LatencyRow]:
    """Floor then scan for each artifact, one after the other, in this process."""
    rows: list[LatencyRow] = []
    limits = options.limits
    every = max(1, len(items) // 20)
    for i, item in enumerate(items):
        data = item.path.read_bytes()
        t0 = time.perf_counter()
        with contextlib.suppress(CapwatchError):
            floor_read(data, item.display, limits)
        t1 = time.perf_counter()
        result = scan_bytes(data, item.display, options)
        t2 = time.perf_counter()
        rows.append(
            LatencyRow(item.display, len(data), (t2 - t1) * 1000, (t1 - t0) * 1000,
                       result.verdict.label, result.error)
        )
        del data
        if (i + 1) % every == 0:
            progress(f"  latency {i + 1}/{len(items)}")
    return rows


def throughput_pass(items: Sequence[Item], options: ScanOptions, jobs: int) -> dict[str, Any]:
    verdicts: Counter[str] = Counter()
    worker_ms: list[float] = []

    def on_result(index: int, result: ScanResult) -> None:
        verdicts[result.verdict.label] += 1
        worker_ms.append(result.duration_ms)

    started = time.perf_counter()
    scan_many(
        (Job(i, it.path, it.display) for i, it in enumerate(items)),
        options, workers=jobs, on_result=on_result,
    )
    elapsed = time.perf_counter() - started
    return {
        "jobs": jobs,
        "artifacts": len(items),
        "seconds": elapsed,
        "artifacts_per_second": len(items) / elapsed if elapsed else math.nan,
        "verdicts": dict(sorted(verdicts.items())),
        "worker_ms": dist(worker_ms),
    }


def _statm_rss() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass(slots=True)
class MemRow:
    display: str
    peak_mb: float
    start_mb: float
    status: str
    scan_ms: float = math.nan
    verdict: str = ""
    error: str | None = None
    files_scanned: int = 0


def _fork_scan(path: str, display: str, options: ScanOptions) -> tuple[int, int]:
    """Fork; the child writes its starting RSS, scans ``path``, writes a JSON summary, exits.

    The parent sees end-of-file on the pipe when the child is gone.
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(r)
            os.write(w, f"{_statm_rss()}\n".encode())
            data = Path(path).read_bytes()
            t0 = time.perf_counter()
            result = scan_bytes(data, display, options)
            elapsed = (time.perf_counter() - t0) * 1000
            summary = {"scan_ms": elapsed, "verdict": result.verdict.label,
                       "error": result.error, "files_scanned": result.files_scanned}
            os.write(w, json.dumps(summary).encode() + b"\n")
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def memory_pass(
    items: Sequence[tuple[str, str]],
    options: ScanOptions,
    jobs: int,
    progress: Callable[[str], None],
) -> list[MemRow]:
    """Peak RSS of scanning each (path, display) in its own freshly forked child, ``jobs`` at a
    time. ``os.wait4`` gives the child's own ``ru_maxrss``, so the figure is that artifact's
    alone (plus the RSS the child starts with, reported as ``start_mb``)."""
    hard = options.limits.seconds + 30
    rows: list[MemRow] = []
    running: dict[int, tuple[int, str, float, bytearray]] = {}  # fd -> (pid, display, t0, got)
    queue = iter(items)
    every = max(1, len(items) // 10)
    gc.collect()

    def finish(fd: int, override: str | None = None) -> None:
        pid, display, _, got = running.pop(fd)
        os.close(fd)
        if override:
            os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        lines = bytes(got).split(b"\n")
        start = int(lines[0]) if lines[0].isdigit() else 0
        code = os.waitstatus_to_exitcode(status)
        row = MemRow(display, usage.ru_maxrss / 1024, start / MB,
                     override or ("ok" if code == 0 else f"exit {code}"))
        if len(lines) > 1 and lines[1].startswith(b"{"):
            summary = json.loads(lines[1])
            row.scan_ms, row.verdict = summary["scan_ms"], summary["verdict"]
            row.error, row.files_scanned = summary["error"], summary["files_scanned"]
        rows.append(row)
        if len(rows) % every == 0:
            progress(f"  memory {len(rows)}/{len(items)}")

    while True:
        while len(running) < jobs:
            nxt = next(queue, None)
            if nxt is None:
                break
            pid, fd = _fork_scan(nxt[0], nxt[1], options)
            running[fd] = (pid, nxt[1], time.monotonic(), bytearray())
        if not running:
            break
        ready, _, _ = select.select(list(running), [], [], 1.0)
        for fd in ready:
            chunk = os.read(fd, 4096)
            if chunk:
                running[fd][3].extend(chunk)
            else:
                finish(fd)
        now = time.monotonic()
        for fd, (_pid, _d, began, _g) in list(running.items()):
            if now - began > hard:
                finish(fd, "killed (over time)")
    return rows


class Zygote:
    """A lean helper process forked at start-up, before anything big is scanned here.

    The benchmark's own process grows as it scans (the allocator keeps freed memory), so
    children forked from it later would start big. The zygote forks the per-artifact children
    instead, so every child starts from the same small, warmed-up state, like a batch worker.
    """

    def __init__(self, progress: Callable[[str], None]) -> None:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # zygote
            code = 0
            try:
                os.close(req_w)
                os.close(resp_r)
                with os.fdopen(req_r, "rb") as requests, os.fdopen(resp_w, "wb") as responses:
                    for line in requests:
                        req = json.loads(line)
                        options = ScanOptions(Limits(seconds=req["seconds"]))
                        rows = memory_pass([tuple(x) for x in req["items"]], options, req["jobs"], progress)
                        responses.write(json.dumps([_row_dict(r) for r in rows]).encode() + b"\n")
                        responses.flush()
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(req_r)
        os.close(resp_w)
        self.pid = pid
        self.requests = os.fdopen(req_w, "wb")
        self.responses = os.fdopen(resp_r, "rb")

    def measure(self, items: Sequence[tuple[str, str]], seconds: float, jobs: int) -> list[MemRow]:
        self.requests.write(json.dumps({"items": list(items), "seconds": seconds, "jobs": jobs}).encode() + b"\n")
        self.requests.flush()
        line = self.responses.readline()
        if not line:
            raise RuntimeError("the zygote process died")
        return [MemRow(**d) for d in json.loads(line)]

    def close(self) -> None:
        self.requests.close()
        self.responses.close()
        os.waitpid(self.pid, 0)


def _row_dict(row: MemRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in MemRow.__slots__}  # type: ignore[attr-defined]


def summarize_latency(rows: Sequence[LatencyRow]) -> dict[str, Any]:
    scan = [r.scan_ms for r in rows]
    floor = [r.floor_ms for r in rows]
    ratios = [r.scan_ms / r.floor_ms for r in rows if r.floor_ms > 0]
    slowest = sorted(rows, key=lambda r: -r.scan_ms)[:5]
    verdicts = Counter(r.verdict for r in rows)
    scan_d, floor_d = dist(scan), dist(floor)
    return {
        "scan_ms": scan_d,
        "floor_ms": floor_d,
        "ratio_of_medians": scan_d["median"] / floor_d["median"] if floor_d["median"] else math.nan,
        "ratio_of_totals": sum(scan) / sum(floor) if sum(floor) else math.nan,
        "ratio_median": statistics.median(ratios) if ratios else math.nan,
        "ratio_p90": pct(ratios, 90),
        "slowest": [
            {"artifact": r.display, "size": r.size, "scan_ms": r.scan_ms, "floor_ms": r.floor_ms,
             "verdict": r.verdict, "error": r.error}
            for r in slowest
        ],
        "verdicts": dict(sorted(verdicts.items())),
        "errors": [{"artifact": r.display, "error": r.error} for r in rows if r.verdict == "error"][:10],
    }


def summarize_memory(rows: Sequence[MemRow]) -> dict[str, Any]:
    if not rows:
        return {}
    top = sorted(rows, key=lambda r: -r.peak_mb)
    peaks = [r.peak_mb for r in rows]
    return {
        "peak_mb": dist(peaks),
        "max_mb": top[0].peak_mb,
        "max_artifact": top[0].display,
        "baseline_mb": statistics.median(r.start_mb for r in rows),
        "over_target": sum(1 for p in peaks if p > TARGETS["peak_rss_mb"]),
        "top": [{"artifact": r.display, "peak_mb": r.peak_mb, "status": r.status} for r in top[:5]],
        "failed": [{"artifact": r.display, "status": r.status} for r in rows if r.status != "ok"][:10],
    }


# ------------------------------------------------------------------------------------------------
# Reporting


def print_corpus(name: str, report: dict[str, Any], target_ms: float | None) -> None:
    lat = report.get("latency")
    print(f"\n== {name}: {report['artifacts']} artifacts ==")
    if lat:
        s, f = lat["scan_ms"], lat["floor_ms"]
        ok = None if target_ms is None else s["median"] <= target_ms
        tgt = f"   target median <= {target_ms:g} ms: {verdict_mark(ok)}" if target_ms else ""
        print(f"  scan  ms/artifact   median {fmt_ms(s['median']):>8}  p90 {fmt_ms(s['p90']):>8}  max {fmt_ms(s['max']):>10}{tgt}")
        print(f"  floor ms/artifact   median {fmt_ms(f['median']):>8}  p90 {fmt_ms(f['p90']):>8}  max {fmt_ms(f['max']):>10}   (open_artifact + Archive.files())")
        print(
            f"  scan/floor          ratio of medians {lat['ratio_of_medians']:.1f}x   "
            f"median per-artifact {lat['ratio_median']:.1f}x   p90 {lat['ratio_p90']:.1f}x   "
            f"totals {lat['ratio_of_totals']:.1f}x"
        )
        print(f"  verdicts (latency pass)  {lat['verdicts']}")
        print("  slowest:")
        for row in lat["slowest"]:
            err = f"  error: {row['error'][:80]}" if row["error"] else ""
            print(f"    {row['scan_ms']:>10,.1f} ms  (floor {row['floor_ms']:,.1f} ms, {row['size']:,} B)  {row['artifact']}{err}")
    thr = report.get("throughput")
    if thr:
        print(
            f"  throughput          {thr['artifacts_per_second']:,.1f} artifacts/s on {thr['jobs']} workers "
            f"({thr['artifacts']} in {thr['seconds']:.1f} s; worker-side median {fmt_ms(thr['worker_ms']['median'])} ms)"
        )
        print(f"  verdicts (batch)    {thr['verdicts']}")
    mem = report.get("memory")
    if mem:
        ok = mem["max_mb"] <= TARGETS["peak_rss_mb"]
        print(
            f"  peak RSS per artifact  median {mem['peak_mb']['median']:.0f} MB  p90 {mem['peak_mb']['p90']:.0f} MB  "
            f"max {mem['max_mb']:.0f} MB ({mem['max_artifact']})   baseline {mem['baseline_mb']:.0f} MB   "
            f"target <= {TARGETS['peak_rss_mb']:g} MB: {verdict_mark(ok)} ({mem['over_target']} over)"
        )
        for row in mem["top"][1:]:
            print(f"    {row['peak_mb']:>7.0f} MB  {row['artifact']}  [{row['status']}]")
        for row in mem["failed"]:
            print(f"    child failed: {row['artifact']}  [{row['status']}]")


def print_heavy(h: dict[str, Any]) -> None:
    print(f"\n== heavy: synthetic sdist, {h['py_mb']:.1f} MiB of Python in {h['py_files']:,} files "
          f"({h['artifact_mb']:.1f} MiB gzip'd; generated in {h['generate_s']:.1f} s) ==")
    print(f"  floor (decompress + read)  {h['floor_ms']:,.0f} ms")
    print(f"  scan                       {h['scan_ms']:,.0f} ms   verdict {h['verdict']}  files scanned {h['files_scanned']:,}"
          + (f"  error: {h['error']}" if h["error"] else ""))
    ok = h["ratio"] <= TARGETS["heavy_ratio"]
    print(f"  scan/floor                 {h['ratio']:.1f}x   target within {TARGETS['heavy_ratio']:g}x: {verdict_mark(ok)}")
    print(f"  throughput                 {h['py_mb'] / (h['scan_ms'] / 1000):.2f} MiB of source per second")
    if h.get("memory"):
        m = h["memory"]
        print(f"  peak RSS                   {m['max_mb']:.0f} MB (baseline {m['baseline_mb']:.0f} MB, a fresh child of the lean zygote)")
    if h.get("default_limit_note"):
        print(f"  note: {h['default_limit_note']}")
    if h.get("largest_benign"):
        lb = h["largest_benign"]
        print(f"  largest benign by .py bytes: {lb['artifact']} ({lb['py_mb']:.1f} MiB of .py) -- below 100 MiB, so the synthetic sdist is used")


def print_paths(rows: Sequence[MemRow], as_json: bool) -> None:
    """The rows of ``--paths``, one line per artifact (or one JSON document)."""
    if as_json:
        json.dump([_row_dict(r) for r in rows], sys.stdout, indent=2, allow_nan=True)
        sys.stdout.write("\n")
        return
    for row in rows:
        flag = "  over target" if row.peak_mb > TARGETS["peak_rss_mb"] else ""
        print(f"{row.peak_mb:>7.0f} MB  {row.scan_ms:>9,.0f} ms  {row.verdict:<10} {row.display}  "
              f"[{row.status}]{flag}")


def serve(zygote: Zygote, seconds: float) -> None:
    """``--serve``: one artifact per line of stdin, one row per line of stdout. Two servers (a base
    checkout's and this one's) driven in turn compare like with like on a busy machine."""
    for line in sys.stdin:
        path = line.strip()
        if path:
            row = zygote.measure([(path, path)], seconds, 1)[0]
            sys.stdout.write(json.dumps(_row_dict(row), allow_nan=True) + "\n")
            sys.stdout.flush()


# ------------------------------------------------------------------------------------------------
# Profiling


def profile_scan(items: Sequence[Item], options: ScanOptions, top: int) -> dict[str, str]:
    datas = [(it.display, it.path.read_bytes()) for it in items]
    profiler = cProfile.Profile()
    profiler.enable()
    for display, data in datas:
        scan_bytes(data, display, options)
    profiler.disable()
    out: dict[str, str] = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        out[key] = buf.getvalue()
    return out


# ------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=default_jobs(), help="workers for the throughput and memory passes")
    ap.add_argument("--sample", type=int, default=None, help="scan N random artifacts per corpus (default: all)")
    ap.add_argument("--sample-malicious", type=int, default=None, help="override --sample for the malicious corpus")
    ap.add_argument("--sample-benign", type=int, default=None, help="override --sample for the benign corpus")
    ap.add_argument("--seed", type=int, default=1234, help="seed of --sample and of the synthetic sdist")
    ap.add_argument("--only", choices=["malicious", "benign", "heavy"], action="append",
                    help="run only this part (repeatable)")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    ap.add_argument("--no-memory", action="store_true", help="skip the per-artifact peak-RSS pass")
    ap.add_argument("--no-throughput", action="store_true", help="skip the scan_many pass")
    ap.add_argument("--heavy-mb", type=float, default=110.0, help="MiB of Python in the synthetic sdist")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="also cProfile the scan of N artifacts in-process (benign ones with "
                    "--only benign, else malicious)")
    ap.add_argument("--profile-top", type=int, default=15)
    ap.add_argument("--paths", nargs="+", type=Path, metavar="FILE",
                    help="only the peak-RSS pass, on these artifact files (one child each)")
    ap.add_argument("--serve", action="store_true",
                    help="read artifact paths on stdin, one a line; for each, scan it in a fresh child "
                         "and write its peak-RSS row as one JSON line (benchmarks/compare_scan.py)")
    args = ap.parse_args(argv)
    parts = set(args.only or ["malicious", "benign", "heavy"])
    options = ScanOptions(Limits())
    quiet = args.json or args.serve  # --serve's stdout carries only its JSON rows

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    report: dict[str, Any] = {
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
        "jobs": args.jobs,
        "sample": args.sample,
        "targets": TARGETS,
    }
    if not quiet:
        sm = args.sample_malicious if args.sample_malicious is not None else args.sample
        sb = args.sample_benign if args.sample_benign is not None else args.sample
        print(f"capwatch scan benchmark  (python {report['python']}, {report['cores']} cores, --jobs {args.jobs}, "
              f"sample: malicious {sm or 'all'}, benign {sb or 'all'}; load average at start "
              f"{os.getloadavg()[0]:.1f})")

    # Warm up (imports, rule and catalogue caches) on a tiny artifact, then fork the zygote that
    # forks the per-artifact children of the memory passes, before this process grows.
    scan_bytes(heavy_sdist(0.01, 0)[0], "warmup.tar.gz", options)
    zygote = None if args.no_memory else Zygote(progress)
    if zygote is not None and (args.paths or args.serve):
        if args.serve:
            serve(zygote, options.limits.seconds)
        else:
            print_paths(zygote.measure([(str(p), str(p)) for p in args.paths], options.limits.seconds,
                                       args.jobs), quiet)
        zygote.close()
        return 0

    largest_benign: dict[str, Any] | None = None
    for name in ("malicious", "benign"):
        if name not in parts:
            continue
        if name == "malicious":
            n = args.sample_malicious if args.sample_malicious is not None else args.sample
            items = malicious_items(n, args.seed)
        else:
            n = args.sample_benign if args.sample_benign is not None else args.sample
            items = benign_items(n, args.seed)
        if not items:
            where = CORPUS / "malicious.tsv" if name == "malicious" else benign_dir()
            report[name] = {"skipped": f"no artifacts at {where}"}
            if not quiet:
                print(f"\n== {name}: skipped (no artifacts at {where}) ==")
            continue
        progress(f"{name}: {len(items)} artifacts")
        section: dict[str, Any] = {"artifacts": len(items)}
        if not args.no_memory:
            assert zygote is not None
            section["memory"] = summarize_memory(
                zygote.measure([(str(it.path), it.display) for it in items], options.limits.seconds, args.jobs)
            )
        rows = latency_pass(items, options, progress)
        section["latency"] = summarize_latency(rows)
        if not args.no_throughput:
            progress(f"  throughput ({args.jobs} workers)")
            section["throughput"] = throughput_pass(items, options, args.jobs)
        report[name] = section
        if name == "benign" and "heavy" in parts:
            # Is any benign sdist source-heavy enough to stand in for the synthetic one?
            candidates = sorted((r for r in rows if r.display.endswith((".tar.gz", ".zip", ".tgz"))),
                                key=lambda r: -r.floor_ms)[:5]
            best = max(
                ((r.display, py_bytes_of((benign_dir() / r.display).read_bytes(), r.display, options.limits))
                 for r in candidates),
                key=lambda x: x[1], default=None,
            )
            if best:
                largest_benign = {"artifact": best[0], "py_mb": best[1] / MB}
        if not quiet:
            print_corpus(name, section, TARGETS["malicious_median_ms"] if name == "malicious" else TARGETS["benign_median_ms"])

    if "heavy" in parts:
        progress(f"heavy: generating {args.heavy_mb:g} MiB of Python")
        t0 = time.perf_counter()
        data, py_bytes, py_files = heavy_sdist(args.heavy_mb, args.seed)
        gen_s = time.perf_counter() - t0
        # The default seconds limit (120 s) could cut a slow scan short; lift it here so the
        # figure is the real scan time, and say if the default would have been exceeded.
        heavy_limits = Limits(seconds=7200.0)
        display = "heavysource-1.0.tar.gz"
        progress("  floor")
        t0 = time.perf_counter()
        floor_read(data, display, heavy_limits)
        floor_ms = (time.perf_counter() - t0) * 1000
        progress("  scan")
        heavy: dict[str, Any] = {
            "artifact_mb": len(data) / MB, "py_mb": py_bytes / MB, "py_files": py_files,
            "generate_s": gen_s, "floor_ms": floor_ms,
        }
        if zygote is not None:
            # Scanned once, in a fresh child of the zygote: time and peak RSS of the same scan.
            with tempfile.TemporaryDirectory(prefix="capwatch-bench-") as tmp:
                path = Path(tmp) / display
                path.write_bytes(data)
                del data
                rows_m = zygote.measure([(str(path), display)], heavy_limits.seconds, 1)
            row = rows_m[0]
            heavy.update(scan_ms=row.scan_ms, verdict=row.verdict, error=row.error,
                         files_scanned=row.files_scanned, memory=summarize_memory(rows_m))
            if row.status != "ok":
                heavy["error"] = f"scan child {row.status}"
        else:
            t0 = time.perf_counter()
            result = scan_bytes(data, display, ScanOptions(heavy_limits))
            heavy.update(scan_ms=(time.perf_counter() - t0) * 1000, verdict=result.verdict.label,
                         error=result.error, files_scanned=result.files_scanned)
            del data
        heavy["ratio"] = heavy["scan_ms"] / floor_ms
        if heavy["scan_ms"] / 1000 > Limits().seconds:
            heavy["default_limit_note"] = (
                f"the scan took longer than the default seconds limit ({Limits().seconds:g} s): "
                "with default settings this sdist ends as an error"
            )
        if largest_benign:
            heavy["largest_benign"] = largest_benign
        report["heavy"] = heavy
        if not quiet:
            print_heavy(heavy)

    if args.profile:
        # the benign artifacts when only they are measured, else the malicious ones
        corpus = "benign" if parts == {"benign"} else "malicious"
        pick = benign_items if corpus == "benign" else malicious_items
        items = pick(args.profile, args.seed + 1)
        progress(f"profile: {len(items)} {corpus} artifacts")
        prof = profile_scan(items, options, args.profile_top)
        report["profile"] = prof
        if not quiet:
            print(f"\n== cProfile over {len(items)} {corpus} artifacts, by cumulative time ==")
            print(prof["cumulative"])
            print("== by self time ==")
            print(prof["tottime"])

    if not quiet:
        print("\n== targets ==")
        checks = []
        for name, key, label in (("malicious", "malicious_median_ms", "malicious median"),
                                 ("benign", "benign_median_ms", "benign median")):
            lat = report.get(name, {}).get("latency")
            if lat:
                checks.append((label, f"{lat['scan_ms']['median']:.2f} ms", f"<= {TARGETS[key]:g} ms",
                               lat["scan_ms"]["median"] <= TARGETS[key]))
        if "heavy" in report:
            checks.append(("source-heavy scan/floor", f"{report['heavy']['ratio']:.1f}x",
                           f"<= {TARGETS['heavy_ratio']:g}x", report["heavy"]["ratio"] <= TARGETS["heavy_ratio"]))
        peaks = [(n, report[n]["memory"]) for n in ("malicious", "benign", "heavy")
                 if isinstance(report.get(n), dict) and report[n].get("memory")]
        for n, mem in peaks:
            checks.append((f"peak RSS ({n})", f"{mem['max_mb']:.0f} MB", f"<= {TARGETS['peak_rss_mb']:g} MB",
                           mem["max_mb"] <= TARGETS["peak_rss_mb"]))
        for label, got, want, ok in checks:
            print(f"  {label:<26} {got:>12}   target {want:<10} {verdict_mark(ok)}")
        print(f"  (load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: "
              "absolute times scale with it; the scan/floor ratios are measured side by side)")
    else:
        json.dump(report, sys.stdout, indent=2, default=str, allow_nan=True)
        sys.stdout.write("\n")
    if zygote is not None:
        zygote.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
