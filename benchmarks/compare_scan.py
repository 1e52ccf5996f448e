#!/usr/bin/env python3
"""Peak RSS and scan time of two capwatch checkouts on the same artifacts, side by side.

A script that prints figures. Run from the repository root::

    .venv/bin/python benchmarks/compare_scan.py --base-src ../base/src --paths a.whl b.tar.gz
    .venv/bin/python benchmarks/compare_scan.py --base-src ../base/src --sample-benign 60
    .venv/bin/python benchmarks/compare_scan.py --base-src src --base-python ../py311/.venv/bin/python \
        --sample-benign 60                      # the same code under two interpreters

Two ``bench_scan.py --serve`` processes are started, one importing capwatch from
``--base-src``, one from this checkout; each artifact is sent to both in turn (the order
alternates from one artifact to the next), so only one scan runs at a time and a change in the
machine's load falls on both alike. Each scan is a fresh child of a lean, warmed-up process
(see ``bench_scan.py``): its ``ru_maxrss`` is the artifact's peak RSS, its wall time the scan's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_MB = 300.0


class Server:
    """One ``bench_scan.py --serve`` process, importing capwatch from ``src``, run by
    ``python`` (by default, this interpreter)."""

    def __init__(self, src: Path | None, python: Path | None = None) -> None:
        env = dict(os.environ)
        if src is not None:
            env["CAPWATCH_BENCH_SRC"] = str(src.resolve())
        self.proc = subprocess.Popen(
            [str(python or sys.executable), str(HERE / "bench_scan.py"), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, text=True,
        )

    def measure(self, path: Path) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("a bench_scan.py --serve process died")
        row: dict[str, Any] = json.loads(line)
        return row

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def benign_sample(n: int, seed: int) -> list[Path]:
    import random

    root = Path(os.environ.get("CAPWATCH_BENIGN_DIR",
                               Path.home() / ".cache" / "capwatch-corpus" / "benign"))
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    return sorted(random.Random(seed).sample(files, min(n, len(files))))


def run(
    paths: Sequence[Path], base_src: Path, base_python: Path | None = None
) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
    base, branch = Server(base_src, base_python), Server(None)
    rows = []
    try:
        for i, path in enumerate(paths):
            if i % 2:
                b = branch.measure(path)
                a = base.measure(path)
            else:
                a = base.measure(path)
                b = branch.measure(path)
            rows.append((path, a, b))
            print(f"  {i + 1}/{len(paths)} {path.name}", file=sys.stderr, flush=True)
    finally:
        base.close()
        branch.close()
    return rows


def report(rows: Sequence[tuple[Path, dict[str, Any], dict[str, Any]]]) -> None:
    print(f"{'base MB':>8} {'branch MB':>9}  {'base ms':>9} {'branch ms':>9}  artifact")
    for path, a, b in rows:
        same = "" if a["verdict"] == b["verdict"] else f"  VERDICT {a['verdict']} -> {b['verdict']}"
        print(f"{a['peak_mb']:>8.0f} {b['peak_mb']:>9.0f}  {a['scan_ms']:>9,.0f} {b['scan_ms']:>9,.0f}"
              f"  {path.name}{same}")
    for label, key in (("base", 1), ("branch", 2)):
        peaks = [r[key]["peak_mb"] for r in rows]
        times = [r[key]["scan_ms"] for r in rows]
        print(f"{label:>6}: max {max(peaks):.0f} MB, {sum(p > TARGET_MB for p in peaks)} over "
              f"{TARGET_MB:g} MB; median scan {statistics.median(times):,.1f} ms, "
              f"total {sum(times) / 1000:,.1f} s")
    ratios = [r[2]["scan_ms"] / r[1]["scan_ms"] for r in rows if r[1]["scan_ms"] > 0]
    if ratios:
        print(f"branch/base time: median per-artifact ratio {statistics.median(ratios):.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-src", type=Path, required=True, help="the base checkout's src folder")
    ap.add_argument("--base-python", type=Path, default=None,
                    help="the interpreter the base runs under (default: this one)")
    ap.add_argument("--paths", nargs="*", type=Path, default=[], help="artifact files")
    ap.add_argument("--sample-benign", type=int, default=0, help="also N random benign files")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args(argv)
    paths = [*args.paths, *benign_sample(args.sample_benign, args.seed)]
    report(run(paths, args.base_src, args.base_python))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
