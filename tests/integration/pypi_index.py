"""A real local package index for integration tests: pypiserver, fed with twine uploads.

The ``index`` fixture (in ``conftest.py``) starts pypiserver on a free port with an empty package
directory and no upload authentication; :meth:`Index.upload` uploads files with twine, as a
publisher would.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class Index:
    url: str
    """The simple API root."""
    upload_url: str
    work: Path

    def upload(self, *files: tuple[str, bytes]) -> None:
        paths = []
        for name, data in files:
            path = self.work / name
            path.write_bytes(data)
            paths.append(str(path))
        subprocess.run(
            [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
             "--repository-url", self.upload_url, "-u", "watcher", "-p", "unused", *paths],
            check=True, capture_output=True, timeout=60,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_index(tmp_path: Path) -> Iterator[Index]:
    """pypiserver on a free port, serving (and taking uploads into) ``tmp_path/packages``."""
    packages = tmp_path / "packages"
    work = tmp_path / "work"
    packages.mkdir()
    work.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port),
         "-a", ".", "-P", ".", str(packages)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/simple/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("pypiserver did not start")
            time.sleep(0.1)
        yield Index(url=f"{base}/simple/", upload_url=f"{base}/", work=work)
    finally:
        process.terminate()
        process.wait(10)
