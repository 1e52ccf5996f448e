"""Helpers for capwatch.sources tests: real-format artifacts, simple-API indexes, an HTTP server."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from capwatch.sources.transport import SIMPLE_JSON

# --- artifacts ---------------------------------------------------------------------------


def sdist_bytes(name: str, version: str) -> bytes:
    """A small but real .tar.gz sdist, byte-for-byte the same on every call."""
    buffer = io.BytesIO()
    root = f"{name.replace('-', '_')}-{version}"
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for member, text in (
            (f"{root}/PKG-INFO", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
            (f"{root}/setup.py", "from setuptools import setup\nsetup()\n"),
        ):
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), mtime=0)


def wheel_bytes(name: str, version: str) -> bytes:
    """A small but real wheel (a zip with a dist-info directory), the same on every call."""
    buffer = io.BytesIO()
    package = name.replace("-", "_")
    dist = f"{package}-{version}.dist-info"
    members = {
        f"{package}/__init__.py": "VALUE = 1\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n",
        f"{dist}/RECORD": "",
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            archive.writestr(zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def artifact_bytes(filename: str) -> bytes:
    """Plausible content for a distribution file name (a wheel for .whl, else a .tar.gz)."""
    stem = filename.split("-")
    name, version = stem[0], stem[1].removesuffix(".tar.gz").removesuffix(".zip")
    return wheel_bytes(name, version) if filename.endswith(".whl") else sdist_bytes(name, version)


# --- indexes -----------------------------------------------------------------------------


@dataclass
class Dist:
    """One file to list on a test index."""

    filename: str
    yanked: str | None = None
    hash: str = "good"
    """``good`` (the real sha256), ``bad`` (a wrong sha256) or ``none`` (no hash listed)."""
    content: bytes | None = None

    def data(self) -> bytes:
        return self.content if self.content is not None else artifact_bytes(self.filename)


def build_index(root: Path, projects: dict[str, list[Dist]], fmt: str) -> Path:
    """Write a simple-API index under ``root`` (``simple/`` pages, ``files/``); return ``simple``.

    ``fmt`` is ``html`` (PEP 503 ``index.html`` pages), ``json`` (PEP 691 ``index.json`` pages)
    or ``both``.
    """
    simple, files = root / "simple", root / "files"
    files.mkdir(parents=True, exist_ok=True)
    links = []
    for project, dists in projects.items():
        page = simple / project
        page.mkdir(parents=True)
        links.append(f'<a href="{project}/">{project}</a>')
        anchors, entries = [], []
        for dist in dists:
            data = dist.data()
            (files / dist.filename).write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            if dist.hash == "bad":
                digest = hashlib.sha256(data + b"tampered").hexdigest()
            fragment = f"#sha256={digest}" if dist.hash != "none" else ""
            yanked_attr = ""
            if dist.yanked is not None:
                yanked_attr = f' data-yanked="{dist.yanked}"' if dist.yanked else " data-yanked"
            anchors.append(
                f'<a href="../../files/{dist.filename}{fragment}"{yanked_attr}>{dist.filename}</a>'
            )
            entries.append(
                {
                    "filename": dist.filename,
                    "url": f"../../files/{dist.filename}",
                    "hashes": {"sha256": digest} if dist.hash != "none" else {},
                    "yanked": (dist.yanked or True) if dist.yanked is not None else False,
                }
            )
        if fmt in ("html", "both"):
            html = "<!DOCTYPE html><html><body>\n" + "\n".join(anchors) + "\n</body></html>\n"
            (page / "index.html").write_text(html)
        if fmt in ("json", "both"):
            doc = {
                "meta": {"api-version": "1.1"},
                "name": project,
                "files": entries,
                "versions": [],
            }
            (page / "index.json").write_text(json.dumps(doc))
    (simple / "index.html").write_text("<html><body>" + "\n".join(links) + "</body></html>")
    return simple


# --- an HTTP server ----------------------------------------------------------------------


@dataclass
class Served:
    """A running test server; ``url(path)`` gives its URL for a path below the served root."""

    root: Path
    port: int
    log: list[dict[str, str]] = field(default_factory=list)
    overrides: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    """Fixed responses by request path: status, headers, body."""
    honour_accept: bool = True
    """False: always serve index.html, like a static file server."""

    def url(self, path: str = "", *, userinfo: str = "") -> str:
        at = f"{userinfo}@" if userinfo else ""
        return f"http://{at}127.0.0.1:{self.port}/{path.lstrip('/')}"

    def requests_for(self, suffix: str) -> list[dict[str, str]]:
        return [entry for entry in self.log if entry["path"].endswith(suffix)]


def make_handler(served: Served) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.log.append(
                {
                    "path": self.path,
                    "accept": self.headers.get("Accept", ""),
                    "user-agent": self.headers.get("User-Agent", ""),
                    "authorization": self.headers.get("Authorization", ""),
                }
            )
            if self.path in served.overrides:
                status, headers, body = served.overrides[self.path]
                self._send(status, body, headers)
                return
            request_path = unquote(urlsplit(self.path).path)
            target = (served.root / request_path.lstrip("/")).resolve()
            if not target.is_relative_to(served.root.resolve()):
                self._send(403, b"")
                return
            if target.is_dir():
                if not request_path.endswith("/"):
                    self._send(301, b"", {"Location": request_path + "/"})
                    return
                wants_json = SIMPLE_JSON in self.headers.get("Accept", "")
                if served.honour_accept and wants_json and (target / "index.json").is_file():
                    self._send(
                        200, (target / "index.json").read_bytes(), {"Content-Type": SIMPLE_JSON}
                    )
                elif (target / "index.html").is_file():
                    body = (target / "index.html").read_bytes()
                    self._send(200, body, {"Content-Type": "text/html; charset=utf-8"})
                else:
                    self._send(404, b"not found")
                return
            if target.is_file():
                self._send(200, target.read_bytes(), {"Content-Type": "application/octet-stream"})
                return
            self._send(404, b"not found")

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


IndexFactory = Callable[[dict[str, list[Dist]]], str]
"""Build an index from projects and return its URL."""
