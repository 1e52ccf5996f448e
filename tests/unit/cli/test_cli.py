"""The ``capwatch`` command line: exit statuses, output formats, targets, ``rules``.

Artifacts are small packages built here; ``--jobs 1`` keeps scans in this process. Nothing
from a package is ever run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import sdist_bytes, wheel_bytes
from tests.integration.hostile_lib import (
    BENIGN_INIT,
    BENIGN_SETUP,
    MALICIOUS_SETUP,
    TarEntry,
    jsonl_results,
    sdist_entries,
    tar_gz,
)

from capwatch.cli import EXIT_ERROR, EXIT_FOUND, EXIT_OK, main
from capwatch.rules import all_rules

SCHEMA = "capwatch.scan/1"
BASE = ["--no-progress", "--jobs", "1"]


@pytest.fixture
def artifacts(tmp_path: Path) -> dict[str, Path]:
    """One malicious, one suspicious (a link out of the archive), two clean, one empty."""
    out = tmp_path / "dist"
    out.mkdir()
    files = {
        "evilnormal-1.0.tar.gz": sdist_bytes({"setup.py": MALICIOUS_SETUP}, top="evilnormal-1.0"),
        "linky-0.1.tar.gz": tar_gz(
            [
                *sdist_entries("linky-0.1", {"setup.py": BENIGN_SETUP}),
                TarEntry(b"linky-0.1/linky/passwd", type=b"2", linkname=b"/etc/passwd"),
            ]
        ),
        "nicepkg-1.0.tar.gz": sdist_bytes(
            {"setup.py": BENIGN_SETUP, "nicepkg/__init__.py": BENIGN_INIT}, top="nicepkg-1.0"
        ),
        "nicepkg-1.0-py3-none-any.whl": wheel_bytes(
            {"nicepkg/__init__.py": BENIGN_INIT}, name="nicepkg", version="1.0"
        ),
        "empty-0.1.tar.gz": b"",
    }
    paths = {}
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scan(
    capsys: pytest.CaptureFixture[str], *targets: Path | str, args: tuple[str, ...] = ()
) -> tuple[int, str, str]:
    return run(["scan", *map(str, targets), *BASE, *args], capsys)


def verdicts(out: str) -> dict[str, str]:
    return {Path(r["artifact"]["path"]).name: r["verdict"] for r in jsonl_results(out)}


# ------------------------------------------------------------------------------------------------
# Exit status


def test_clean_only_exits_0(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(
        capsys, artifacts["nicepkg-1.0.tar.gz"], artifacts["nicepkg-1.0-py3-none-any.whl"],
        args=("--format", "jsonl"),
    )
    assert code == EXIT_OK == 0
    assert set(verdicts(out).values()) == {"clean"}


def test_malicious_exits_1(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(
        capsys, artifacts["evilnormal-1.0.tar.gz"], artifacts["nicepkg-1.0.tar.gz"],
        args=("--format", "jsonl"),
    )
    assert code == EXIT_FOUND == 1
    assert verdicts(out)["evilnormal-1.0.tar.gz"] == "malicious"


@pytest.mark.parametrize(
    ("fail_on", "target", "expected"),
    [
        ("malicious", "evilnormal-1.0.tar.gz", 1),
        ("malicious", "linky-0.1.tar.gz", 0),
        ("suspicious", "linky-0.1.tar.gz", 1),
        ("suspicious", "evilnormal-1.0.tar.gz", 1),
        ("suspicious", "nicepkg-1.0.tar.gz", 0),
        ("never", "evilnormal-1.0.tar.gz", 0),
        ("never", "linky-0.1.tar.gz", 0),
    ],
)
def test_fail_on(
    artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str],
    fail_on: str, target: str, expected: int,
) -> None:
    code, out, _ = scan(capsys, artifacts[target], args=("--format", "jsonl", "--fail-on", fail_on))
    assert code == expected, out
    if target == "linky-0.1.tar.gz":
        assert verdicts(out)[target] == "suspicious"


def test_missing_file_exits_2_and_the_rest_is_scanned(
    artifacts: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-1.0.tar.gz"
    code, out, err = scan(capsys, missing, artifacts["nicepkg-1.0.tar.gz"], args=("--format", "jsonl"))
    assert code == EXIT_ERROR == 2
    assert "no-such-1.0.tar.gz" in err and "no such file" in err
    assert verdicts(out) == {"nicepkg-1.0.tar.gz": "clean"}


def test_missing_file_with_malicious_exits_1(
    artifacts: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Documented: 2 only when nothing reached --fail-on.
    code, _, err = scan(capsys, tmp_path / "gone.whl", artifacts["evilnormal-1.0.tar.gz"],
                        args=("--format", "jsonl"))
    assert code == EXIT_FOUND
    assert "gone.whl" in err


def test_unreadable_artifact_exits_2(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, artifacts["empty-0.1.tar.gz"], args=("--format", "jsonl"))
    assert code == EXIT_ERROR
    (result,) = jsonl_results(out)
    assert result["verdict"] == "error" and result["error"]


@pytest.mark.parametrize(
    "limit", ["nosuchlimit=3", "seconds=abc", "members=-5", "members=0", "files=1.5"]
)
def test_bad_limit_exits_2(
    artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    code, out, err = scan(capsys, artifacts["nicepkg-1.0.tar.gz"], args=("--limit", limit))
    assert code == EXIT_ERROR
    assert out == ""
    assert "capwatch: error:" in err and limit.split("=")[0] in err


def test_unknown_limit_lists_the_known_ones(
    artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = scan(capsys, artifacts["nicepkg-1.0.tar.gz"], args=("--limit", "bogus=1"))
    assert "seconds" in err and "member_bytes" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["scan", "x.tar.gz", "--format", "yaml"],
        ["scan", "x.tar.gz", "--limit", "seconds"],
        ["scan", "x.tar.gz", "--fail-on", "sometimes"],
        ["scan", "x.tar.gz", "--jobs", "many"],
        ["scan"],
        ["frobnicate"],
    ],
    ids=["unknown-format", "limit-without-value", "bad-fail-on", "bad-jobs", "no-target", "no-command"],
)
def test_argparse_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_negative_jobs_exits_2(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", str(artifacts["nicepkg-1.0.tar.gz"]), "--jobs", "-1"], capsys)
    assert code == EXIT_ERROR
    assert "--jobs" in err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([], capsys)
    assert code == EXIT_ERROR
    assert "scan" in out and "rules" in out


# ------------------------------------------------------------------------------------------------
# Formats

ARTIFACT_KEYS = {"path", "sha256", "ecosystem", "name", "version", "kind"}
RESULT_KEYS = {"artifact", "verdict", "score", "findings", "capabilities", "error", "duration_ms"}
FINDING_KEYS = {
    "rule", "severity", "confidence", "phase", "capabilities", "message", "location", "evidence",
}


def check_result(result: dict[str, Any]) -> None:
    assert set(result) >= RESULT_KEYS, set(result)
    art = result["artifact"]
    assert set(art) >= ARTIFACT_KEYS, set(art)
    assert isinstance(art["path"], str)
    assert len(art["sha256"]) == 64 or result["verdict"] == "error"
    assert art["ecosystem"] in ("pypi", "npm", "unknown")
    assert art["kind"] in ("sdist", "wheel", "egg", "npm-tarball", "source", "unknown")
    assert result["verdict"] in ("clean", "suspicious", "malicious", "error")
    assert isinstance(result["score"], int | float)
    assert isinstance(result["duration_ms"], int | float) and result["duration_ms"] >= 0
    assert result["error"] is None or isinstance(result["error"], str)
    for finding in result["findings"]:
        assert set(finding) >= FINDING_KEYS, set(finding)
        assert finding["rule"].startswith("CW")
        assert finding["severity"] in ("info", "low", "medium", "high", "critical")
        assert finding["confidence"] in ("low", "medium", "high")
        assert finding["phase"] in (None, "install", "startup", "import", "runtime")
        assert all(isinstance(c, str) for c in finding["capabilities"])
        assert isinstance(finding["message"], str) and finding["message"]
        if finding["evidence"]:
            assert set(finding["location"]) >= {"path", "line"}
            assert finding["location"]["path"] == finding["evidence"][0]["location"]["path"]
        else:
            assert finding["location"] is None
    for cap in result["capabilities"]:
        assert set(cap) >= {"id", "phase", "count"}
        assert cap["phase"] in ("install", "startup", "import", "runtime")
        assert isinstance(cap["count"], int) and cap["count"] > 0


def test_json_document(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, *artifacts.values(), args=("--format", "json"))
    assert code == EXIT_FOUND
    doc = json.loads(out)
    assert list(doc) == ["schema", "results"]
    assert doc["schema"] == SCHEMA
    assert len(doc["results"]) == len(artifacts)
    # In command-line order.
    assert [Path(r["artifact"]["path"]).name for r in doc["results"]] == list(artifacts)
    for result in doc["results"]:
        check_result(result)
    by_name = {Path(r["artifact"]["path"]).name: r for r in doc["results"]}
    evil = by_name["evilnormal-1.0.tar.gz"]
    assert evil["verdict"] == "malicious"
    assert (evil["artifact"]["name"], evil["artifact"]["version"], evil["artifact"]["kind"]) == (
        "evilnormal", "1.0", "sdist"
    )
    assert evil["artifact"]["ecosystem"] == "pypi"
    finding = next(f for f in evil["findings"] if f["rule"] == "CW106")
    assert finding["location"]["path"].endswith("setup.py") and finding["location"]["line"] > 0
    assert finding["phase"] == "install"
    wheel = by_name["nicepkg-1.0-py3-none-any.whl"]
    assert wheel["artifact"]["kind"] == "wheel" and wheel["verdict"] == "clean"
    empty = by_name["empty-0.1.tar.gz"]
    assert empty["verdict"] == "error" and empty["error"]
    assert out.endswith("\n")
    assert out.isascii()


def test_jsonl_one_line_per_result(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, *artifacts.values(), args=("--format", "jsonl"))
    assert code == EXIT_FOUND
    assert out.endswith("\n")
    lines = out.splitlines()
    assert len(lines) == len(artifacts)
    for line in lines:
        obj = json.loads(line)
        assert next(iter(obj)) == "schema" and obj["schema"] == SCHEMA
        check_result(obj)


def test_jsonl_results_carry_the_schema(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # Whatever the line layout, every result object is there, complete, in ASCII.
    code, out, _ = scan(capsys, *artifacts.values(), args=("--format", "jsonl"))
    assert code == EXIT_FOUND
    results = jsonl_results(out)
    assert len(results) == len(artifacts)
    assert sorted(Path(r["artifact"]["path"]).name for r in results) == sorted(artifacts)
    for obj in results:
        assert next(iter(obj)) == "schema" and obj["schema"] == SCHEMA
        check_result(obj)
    assert out.isascii()


def test_sarif(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, *artifacts.values(), args=("--format", "sarif"))
    assert code == EXIT_FOUND
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert "sarif" in log["$schema"]
    (run_,) = log["runs"]
    assert run_["tool"]["driver"]["name"] == "capwatch"
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(set(rule_ids))
    assert "CW106" in rule_ids
    assert {r["ruleId"] for r in run_["results"]} <= set(rule_ids)
    assert len(run_["artifacts"]) == len(artifacts)
    assert any(
        n["level"] == "error" and "empty-0.1.tar.gz" in n["message"]["text"]
        for inv in run_["invocations"]
        for n in inv.get("toolExecutionNotifications", [])
    )


def test_text_default(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = scan(capsys, artifacts["evilnormal-1.0.tar.gz"], artifacts["nicepkg-1.0.tar.gz"])
    assert code == EXIT_FOUND
    assert "MALICIOUS" in out and "CW106" in out and "CLEAN" in out
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "2 artifacts scanned" in err


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif", "text"])
def test_output_file(
    artifacts: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    report = tmp_path / f"report.{fmt}"
    code, out, _ = scan(
        capsys, artifacts["evilnormal-1.0.tar.gz"], artifacts["nicepkg-1.0.tar.gz"],
        args=("--format", fmt, "--output", str(report)),
    )
    assert code == EXIT_FOUND
    assert out == ""
    text = report.read_text(encoding="utf-8")
    assert "evilnormal-1.0.tar.gz" in text
    if fmt == "json":
        assert len(json.loads(text)["results"]) == 2
    elif fmt == "jsonl":
        assert len(jsonl_results(text)) == 2
    elif fmt == "sarif":
        assert json.loads(text)["version"] == "2.1.0"


# ------------------------------------------------------------------------------------------------
# Targets


def test_directory_target(artifacts: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = artifacts["nicepkg-1.0.tar.gz"].parent
    (folder / "README.txt").write_text("not an artifact\n")
    (folder / "notes.py").write_text("print('not scanned from a directory')\n")
    sub = folder / "more"
    sub.mkdir()
    (sub / "again-1.0-py3-none-any.whl").write_bytes(
        wheel_bytes({"again/__init__.py": BENIGN_INIT}, name="again", version="1.0")
    )
    code, out, _ = scan(capsys, folder, args=("--format", "json"))
    assert code == EXIT_FOUND
    names = [Path(r["artifact"]["path"]).name for r in json.loads(out)["results"]]
    assert sorted(names) == sorted([*artifacts, "again-1.0-py3-none-any.whl"])
    assert "README.txt" not in names and "notes.py" not in names


def test_single_source_file_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "setup.py"
    source.write_text(MALICIOUS_SETUP)
    code, out, _ = scan(capsys, source, args=("--format", "json"))
    (result,) = json.loads(out)["results"]
    check_result(result)
    assert result["artifact"]["kind"] == "source"
    assert result["error"] is None
    assert code in (EXIT_OK, EXIT_FOUND)
    assert code == (EXIT_FOUND if result["verdict"] == "malicious" else EXIT_OK)


# ------------------------------------------------------------------------------------------------
# Catalogues


def test_rules_prints_every_rule_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == EXIT_OK
    ids = [rule.id for rule in all_rules()]
    assert ids
    for rule_id in ids:
        assert f"## {rule_id}" in out, rule_id
    for rule in all_rules():
        assert rule.title in out


def test_rules_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "rules.md"
    code, out, _ = run(["rules", "--output", str(target)], capsys)
    assert code == EXIT_OK and out == ""
    assert all(rule.id in target.read_text() for rule in all_rules())


def test_capabilities_prints_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["capabilities"], capsys)
    assert code == EXIT_OK
    assert "# Capabilities" in out and "fs.write" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("capwatch ")
