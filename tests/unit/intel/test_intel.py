"""Known-malware intelligence: OSV records written here, imported, and matched by scans."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import sdist_bytes

from capwatch.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK, main
from capwatch.engine import ScanOptions, scan_bytes
from capwatch.errors import UsageError
from capwatch.intel import import_records, lookup
from capwatch.model import (
    ArtifactInfo,
    Confidence,
    Ecosystem,
    IntelMatchKind,
    Severity,
    Verdict,
)


def record(rid: str, name: str, *, ecosystem: str = "PyPI", versions: list[str] | None = None,
           ranges: list[dict[str, Any]] | None = None, sha256: str | None = None,
           withdrawn: bool = False) -> dict[str, Any]:
    affected: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": name}}
    if versions is not None:
        affected["versions"] = versions
    if ranges is not None:
        affected["ranges"] = ranges
    doc: dict[str, Any] = {
        "schema_version": "1.6.0", "id": rid, "modified": "2026-01-02T00:00:00Z",
        "summary": f"Malicious code in {name} ({ecosystem})", "affected": [affected],
    }
    if sha256:
        doc["database_specific"] = {"malicious-packages-origins": [{"source": "test", "sha256": sha256}]}
    if withdrawn:
        doc["withdrawn"] = "2026-01-03T00:00:00Z"
    return doc


def write(folder: Path, doc: dict[str, Any]) -> None:
    path = folder / doc["affected"][0]["package"]["ecosystem"].lower() / f"{doc['id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))


def artifact(name: str, version: str, sha: str = "0" * 64, eco: Ecosystem = Ecosystem.PYPI) -> ArtifactInfo:
    return ArtifactInfo("x.tar.gz", sha, 1, eco, name, version)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    records = tmp_path / "osv"
    write(records, record("MAL-0001", "Evil_Pkg", versions=["1.0", "1.1"]))
    write(records, record("MAL-0002", "taken-over", ranges=[{"type": "ECOSYSTEM", "events": [
        {"introduced": "2.0"}, {"fixed": "2.3"}]}]))
    write(records, record("MAL-0003", "all-bad", ranges=[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]))
    write(records, record("MAL-0004", "gone", versions=["1.0"], withdrawn=True))
    write(records, record("MAL-0005", "left-pad-evil", ecosystem="npm", versions=["9.9.9"]))
    write(records, record("MAL-0006", "hash-only", sha256="AB" * 32))
    (records / "README.md").write_text("not a record")
    (records / "broken.json").write_text("{")
    path = tmp_path / "intel.sqlite"
    summary = import_records(records, path)
    assert (summary.records, summary.withdrawn, summary.hashes) == (5, 1, 1)
    assert len(summary.skipped) == 1 and "broken.json" in summary.skipped[0]
    return path


def test_exact_version_match_uses_normalised_names(db: Path) -> None:
    matches = lookup(db, artifact("evil-pkg", "1.1"))
    assert [(m.record, m.match) for m in matches] == [("MAL-0001", IntelMatchKind.VERSION)]
    assert lookup(db, artifact("evil.pkg", "1.1.0"))[0].record == "MAL-0001"  # PEP 440 equal
    assert lookup(db, artifact("evil-pkg", "1.2")) == ()


def test_ranges(db: Path) -> None:
    assert [m.match for m in lookup(db, artifact("taken-over", "2.1"))] == [IntelMatchKind.RANGE]
    assert lookup(db, artifact("taken-over", "2.3")) == ()
    assert lookup(db, artifact("taken-over", "1.9")) == ()
    assert lookup(db, artifact("all-bad", "0.0.1"))[0].record == "MAL-0003"


def test_withdrawn_ecosystem_and_sha256(db: Path) -> None:
    assert lookup(db, artifact("gone", "1.0")) == ()
    assert lookup(db, artifact("left-pad-evil", "9.9.9")) == ()  # npm record, PyPI artifact
    assert lookup(db, artifact("left-pad-evil", "9.9.9", eco=Ecosystem.NPM))[0].record == "MAL-0005"
    hit = lookup(db, artifact("renamed-upload", "0.1", sha="ab" * 32))
    assert [(m.record, m.match) for m in hit] == [("MAL-0006", IntelMatchKind.SHA256)]


def test_missing_index_gives_no_matches(tmp_path: Path) -> None:
    assert lookup(tmp_path / "none.sqlite", artifact("evil-pkg", "1.0")) == ()


def test_zip_of_records_and_reimport_replaces(tmp_path: Path) -> None:
    archive = tmp_path / "osv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("osv/malicious/pypi/a/MAL-9.json", json.dumps(record("MAL-9", "zipped", versions=["3"])))
    db = tmp_path / "i.sqlite"
    assert import_records(archive, db).records == 1
    assert lookup(db, artifact("zipped", "3"))[0].record == "MAL-9"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("MAL-9.json", json.dumps(record("MAL-9", "zipped", versions=["4"])))
    import_records(archive, db)
    assert lookup(db, artifact("zipped", "3")) == ()
    with pytest.raises(UsageError):
        import_records(tmp_path / "missing", db)


def test_scan_reports_a_match_as_critical_finding(db: Path, tmp_path: Path) -> None:
    data = sdist_bytes({"evil_pkg/__init__.py": "X = 1\n"}, top="evil_pkg-1.0")
    result = scan_bytes(data, "evil_pkg-1.0.tar.gz", ScanOptions(intel_db=db))
    found = [f for f in result.findings if f.rule == "CW301"]
    assert found and found[0].severity is Severity.CRITICAL and found[0].confidence is Confidence.HIGH
    assert "MAL-0001" in found[0].message
    assert result.verdict is Verdict.MALICIOUS
    assert scan_bytes(data, "evil_pkg-1.0.tar.gz").verdict is not Verdict.MALICIOUS


def test_range_match_is_critical_with_medium_confidence(db: Path) -> None:
    data = sdist_bytes({"t/__init__.py": "X = 1\n"}, top="taken-over-2.2")
    found = [f for f in scan_bytes(data, "t.tar.gz", ScanOptions(intel_db=db)).findings if f.rule == "CW301"]
    assert found[0].confidence is Confidence.MEDIUM


def test_cli_import_and_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = sdist_bytes({"renamed/__init__.py": "X = 1\n"}, top="renamed-0.1")
    target = tmp_path / "renamed-0.1.tar.gz"
    target.write_bytes(data)
    records = tmp_path / "osv"
    write(records, record("MAL-7", "other-name", sha256=hashlib.sha256(data).hexdigest()))
    db = tmp_path / "intel.sqlite"
    assert main(["intel", "import", str(records), "--intel-db", str(db)]) == EXIT_OK
    assert "1 records" in capsys.readouterr().out
    base = ["scan", "--no-progress", "--jobs", "1", str(target)]
    assert main([*base, "--intel-db", str(db)]) == EXIT_FOUND
    assert "MAL-7" in capsys.readouterr().out
    assert main([*base, "--no-intel"]) == EXIT_OK
    assert main([*base, "--intel-db", str(tmp_path / "nope.sqlite")]) == EXIT_ERROR
