"""Known-malware intelligence in the service: an OSV record written here and imported; a
matching upload gets the intel finding exactly as ``capwatch scan`` reports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capwatch.cli import build_parser
from capwatch.engine import ScanOptions, scan_bytes
from capwatch.errors import UsageError
from capwatch.intel import import_records
from capwatch.service.command import settings_from
from capwatch.service.schema import Role
from tests.service.conftest import Harness
from tests.service.packages import clean_sdist


def _intel_db(tmp_path: Path) -> Path:
    records = tmp_path / "osv" / "pypi"
    records.mkdir(parents=True)
    doc = {
        "schema_version": "1.6.0", "id": "MAL-2026-0042", "modified": "2026-01-02T00:00:00Z",
        "summary": "Malicious code in known-bad (PyPI)",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "Known_Bad"}, "versions": ["1.0"]}],
    }
    (records / "MAL-2026-0042.json").write_text(json.dumps(doc))
    db = tmp_path / "intel.sqlite"
    summary = import_records(tmp_path / "osv", db)
    assert summary.records == 1
    return db


def test_a_known_malicious_release_gets_the_intel_finding(start_service, db_url, tmp_path):
    db = _intel_db(tmp_path)
    h: Harness = start_service(db_url, intel_db=db)
    data = clean_sdist("known-bad", "1.0")  # harmless code: only the record names it
    body = h.upload(data, "known-bad-1.0.tar.gz").json()
    detail = h.client.get(f"/api/v1/scans/{body['id']}", headers=h.auth(Role.UPLOADER)).json()
    found = [f for f in detail["result"]["findings"] if f["rule"] == "CW301"]
    assert found and "MAL-2026-0042" in json.dumps(found[0])
    assert detail["verdict"] == "malicious" and detail["gate"] == "hold"
    # Exactly what 'capwatch scan --intel-db' reports for the same file.
    cli = scan_bytes(data, "known-bad-1.0.tar.gz", ScanOptions(intel_db=db))
    assert [f.rule for f in cli.findings] == [f["rule"] for f in detail["result"]["findings"]]
    assert cli.verdict.label == detail["verdict"]
    # Another version is not named by the record.
    other = h.upload(clean_sdist("known-bad", "2.0"), "known-bad-2.0.tar.gz").json()
    assert other["verdict"] == "clean"


def _serve_args(*extra: str):
    return build_parser().parse_args(["serve", *extra])


def test_serve_takes_the_intel_index_like_scan(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPWATCH_CACHE_DIR", str(tmp_path / "cache"))
    assert settings_from(_serve_args()).intel_db is None  # no default index yet
    default = tmp_path / "cache" / "intel.sqlite"
    _intel_db(tmp_path)
    default.parent.mkdir(parents=True)
    default.write_bytes((tmp_path / "intel.sqlite").read_bytes())
    assert settings_from(_serve_args()).intel_db == default
    assert settings_from(_serve_args("--no-intel")).intel_db is None
    chosen = settings_from(_serve_args("--intel-db", str(tmp_path / "intel.sqlite")))
    assert chosen.intel_db == (tmp_path / "intel.sqlite").resolve()
    assert chosen.scan_options.intel_db == chosen.intel_db
    with pytest.raises(UsageError, match="no such index"):
        settings_from(_serve_args("--intel-db", str(tmp_path / "missing.sqlite")))
    worker = build_parser().parse_args(["worker", "--intel-db", str(tmp_path / "intel.sqlite")])
    assert worker.intel_db == tmp_path / "intel.sqlite"
