"""``capwatch eval`` end to end, through ``capwatch.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.unit.dataset.dataset_testlib import build_corpus

from capwatch.cli import main

REQUIRED = {"schema", "malicious", "benign", "misses", "false_alarms", "errors", "seconds"}


def _run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["eval", "--format", "json", *args]) == 0
    out = capsys.readouterr().out
    document: dict[str, Any] = json.loads(out)
    return document


def test_eval_json_on_directories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mal, ben = build_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    doc = _run_json(
        ["--malicious", str(mal), "--benign", str(ben), "--jobs", "2", "--cache-dir", str(cache)],
        capsys,
    )
    assert doc.keys() >= REQUIRED
    assert doc["schema"] == "capwatch.eval/1"
    m = doc["malicious"]
    assert {"files", "families", "recall", "family_recall"} <= m.keys()
    assert set(m["recall"]) == set(m["family_recall"]) == {"malicious", "alert"}
    assert m["files"] == 2
    # The two setup.py differ only in constants: one derived family.
    assert m["families"] == 1 and m["families_derived"] is True
    assert m["recall"] == {"malicious": 1.0, "alert": 1.0}
    assert m["family_recall"] == {"malicious": 1.0, "alert": 1.0}
    b = doc["benign"]
    assert {"files", "projects", "fpr", "project_fpr"} <= b.keys()
    assert (b["files"], b["projects"]) == (2, 2)
    assert b["fpr"] == {"malicious": 0.0, "alert": 0.0}
    assert b["project_fpr"] == {"malicious": 0.0, "alert": 0.0}
    assert doc["misses"] == [] and doc["false_alarms"] == [] and doc["errors"] == []
    assert isinstance(doc["seconds"], float)
    assert len(doc["slowest"]) == 4
    assert doc["scanned"] == 4 and doc["cache_hits"] == 0
    assert any(cache.rglob("*.json"))

    again = _run_json(
        ["--malicious", str(mal), "--benign", str(ben), "--cache-dir", str(cache)], capsys
    )
    assert again["scanned"] == 0 and again["cache_hits"] == 4
    assert again["malicious"] == doc["malicious"] and again["benign"] == doc["benign"]


def test_eval_counts_errors_misses_and_false_alarms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mal, ben = build_corpus(tmp_path / "corpus")
    # A malicious "artifact" that cannot be read as one, and a benign project that is flagged.
    (mal / "broken").mkdir()
    (mal / "broken" / "broken-1.tar.gz").write_bytes(b"")
    (ben / "odd").mkdir()
    (ben / "odd" / "odd-1.tar.gz").write_bytes((mal / "evil-one" / "evil_one-0.1.tar.gz").read_bytes())
    manifest = tmp_path / "corpus" / "malicious.tsv"
    manifest.write_text(
        "path\tfamily\n"
        "malicious/evil-one/evil_one-0.1.tar.gz\tA\n"
        "malicious/evil-two/evil_two-0.1.tar.gz\tB\n"
        "malicious/broken/broken-1.tar.gz\tB\n"
        "malicious/gone/gone-1.tar.gz\tC\n"
    )
    doc = _run_json(
        ["--malicious", str(manifest), "--benign", str(ben), "--no-cache", "--jobs", "1"], capsys
    )
    m, b = doc["malicious"], doc["benign"]
    assert (m["files"], m["families"], m["errors"]) == (3, 2, 1)
    assert m["missing"] == ["malicious/gone/gone-1.tar.gz"]
    assert m["recall"]["alert"] == pytest.approx(2 / 3, abs=1e-6)
    assert m["family_recall"]["alert"] == pytest.approx((1 + 0.5) / 2, abs=1e-6)
    assert (b["files"], b["projects"], b["errors"]) == (3, 3, 0)
    assert b["fpr"]["alert"] == pytest.approx(1 / 3, abs=1e-6)
    assert b["project_fpr"]["alert"] == pytest.approx(1 / 3, abs=1e-6)
    assert [e["path"] for e in doc["errors"]] == ["malicious/broken/broken-1.tar.gz"]
    assert doc["errors"][0]["label"] == "malicious" and doc["errors"][0]["error"]
    assert doc["misses"] == []  # the error is listed under errors, not as a miss
    assert [a["path"] for a in doc["false_alarms"]] == ["odd/odd-1.tar.gz"]
    alarm = doc["false_alarms"][0]
    assert alarm["project"] == "odd" and alarm["findings"]
    assert {"rule", "severity", "message", "location"} <= alarm["findings"][0].keys()
    short = {r["family"]: r for r in doc["below_malicious_by_family"]}
    assert short["B"]["error"] == 1 and "A" not in short


def test_eval_text_report_is_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mal, ben = build_corpus(tmp_path / "corpus")
    out = tmp_path / "report.md"
    code = main(
        ["eval", "--malicious", str(mal), "--benign", str(ben), "--no-cache", "-j", "1", "-o", str(out)]
    )
    assert code == 0
    text = out.read_text()
    assert "| measure | malicious tier |" in text
    assert "| recall per file (2 files) | 100.00% (2) | 100.00% (2) |" in text
    assert "| false-positive rate per project (2 projects) | 0.00% (0) | 0.00% (0) |" in text
    assert "Families were derived" in text
    assert "### Slowest 20" in text
    assert capsys.readouterr().out == ""


def test_one_side_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, ben = build_corpus(tmp_path / "corpus")
    doc = _run_json(["--benign", str(ben), "--no-cache", "-j", "1"], capsys)
    assert doc["malicious"]["files"] == 0
    assert doc["malicious"]["recall"] == {"malicious": None, "alert": None}
    assert doc["benign"]["files"] == 2


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--no-cache"]) == 2
    assert main(["eval", "--benign", str(tmp_path / "absent"), "--no-cache"]) == 2
    assert main(["eval", "--benign", str(tmp_path), "--no-cache"]) == 2  # no artifacts
    assert main(["eval", "--benign", str(tmp_path), "--limit", "nope=1", "--no-cache"]) == 2
    assert main(["eval", "--benign", str(tmp_path), "--jobs", "-1", "--no-cache"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--benign", str(tmp_path), "--no-cache", "--cache-dir", str(tmp_path)])
    assert exc.value.code == 2
    assert "error" in capsys.readouterr().err


def test_retry_errors_scans_cached_errors_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mal, _ = build_corpus(tmp_path / "corpus")
    (mal / "broken").mkdir()
    (mal / "broken" / "broken-1.tar.gz").write_bytes(b"\x1f\x8b not really gzip")
    args = ["--malicious", str(mal), "--cache-dir", str(tmp_path / "cache"), "-j", "1"]
    first = _run_json(args, capsys)
    assert first["scanned"] == 3 and len(first["errors"]) == 1
    assert _run_json(args, capsys)["scanned"] == 0
    retried = _run_json([*args, "--retry-errors"], capsys)
    assert retried["scanned"] == 1 and retried["cache_hits"] == 2
    assert retried["malicious"] == first["malicious"]
