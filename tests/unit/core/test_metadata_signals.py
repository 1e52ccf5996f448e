"""Metadata read from the artifact itself, kept on the result, and the metadata rules' switches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.helpers import sdist_bytes, wheel_bytes

from capwatch.cli import EXIT_FOUND, EXIT_OK, main
from capwatch.engine import ScanOptions, scan_bytes
from capwatch.model import HookKind, Phase, Severity
from capwatch.report.serialize import result_from_dict, result_to_dict
from capwatch.rules.confusion_version import confusion_shaped
from capwatch.rules.empty_description import templated

PKG_INFO = """Metadata-Version: 2.1
Name: sizefmt
Version: 1.2.0
Summary: Format byte sizes for people
Home-page: https://github.com/ada/sizefmt
Author: Ada
Author-email: ada@sizefmt.example
Maintainer-email: grace@sizefmt.example
Project-URL: Source, https://github.com/ada/sizefmt
Requires-Dist: click>=8
Requires-Dist: rich; extra == "color"

# sizefmt

Turns 1536 into "1.5 KiB".
"""


def test_metadata_comes_from_pkg_info_and_round_trips() -> None:
    data = sdist_bytes(
        {"PKG-INFO": PKG_INFO, "sizefmt/__init__.py": "X = 1\n", "setup.py": "from setuptools import setup\nsetup()\n",
         "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'},
        top="sizefmt-1.2.0",
    )
    result = scan_bytes(data, "sizefmt-1.2.0.tar.gz")
    meta = result.metadata
    assert meta is not None
    assert (meta.name, meta.version, meta.summary) == ("sizefmt", "1.2.0", "Format byte sizes for people")
    assert meta.author_email == "ada@sizefmt.example" and meta.maintainer_email == "grace@sizefmt.example"
    assert meta.requires_dist == ("click>=8", 'rich; extra == "color"')
    assert meta.project_urls == ("Source, https://github.com/ada/sizefmt",)
    assert meta.description_length > 20 and len(meta.description_sha256) == 64
    assert meta.source == "PKG-INFO"
    inventory = result.inventory
    assert inventory is not None
    assert {f.path for f in inventory.files} == {"setup.py", "sizefmt/__init__.py"}
    assert {(h.kind, h.detail) for h in inventory.hooks} == {
        (HookKind.SETUP_SCRIPT, "setup.py"), (HookKind.BUILD_BACKEND, "setuptools.build_meta"),
    }
    doc = result_to_dict(result)
    assert list(doc)[-2:] == ["metadata", "inventory"]
    assert result_from_dict(json.loads(json.dumps(doc))) == result


def test_old_documents_without_the_new_fields_still_load() -> None:
    result = scan_bytes(sdist_bytes({"a/__init__.py": "X = 1\n"}, top="a-1.0"), "a-1.0.tar.gz")
    doc = result_to_dict(result)
    del doc["metadata"], doc["inventory"]
    loaded = result_from_dict(doc)
    assert loaded.metadata is None and loaded.inventory is None


def test_wheel_metadata_and_pth_hook() -> None:
    data = wheel_bytes({"demo/__init__.py": "X = 1\n", "demo.pth": "import demo\n", "paths.pth": "lib\n"},
                       name="demo", version="2.0")
    result = scan_bytes(data, "demo-2.0-py3-none-any.whl")
    assert result.metadata is not None and result.metadata.version == "2.0"
    assert result.inventory is not None
    pth = {h.detail for h in result.inventory.hooks if h.kind is HookKind.PTH}
    assert pth == {"demo.pth: import lines", "paths.pth: paths only"}
    assert any(f.phase is Phase.STARTUP for f in result.inventory.files)


@pytest.mark.parametrize(
    ("version", "shaped"),
    [("99.0.0", True), ("999.0.0", True), ("1000.1", True), ("v9999", True),
     ("98.1", False), ("2024.11.2", False), ("20240107", False), ("202401", False),
     ("1.0", False), ("not-a-version", False)],
)
def test_confusion_shaped_versions(version: str, shaped: bool) -> None:
    assert confusion_shaped(version) is shaped


def test_templates() -> None:
    assert templated("A small example package") == "a small example package"
    assert templated("Add a short description here!") is not None
    assert templated("Format byte sizes, a small example package for people who like sizes" * 5) is None
    assert templated("Turns 1536 into 1.5 KiB") is None


def test_metadata_rules_are_switched_off_by_the_option() -> None:
    info = "Metadata-Version: 2.1\nName: corp-internal\nVersion: 999.0.0\nSummary: A small example package\n"
    data = sdist_bytes({"PKG-INFO": info, "corp/__init__.py": "X = 1\n"}, top="corp-internal-1.0")
    on = {f.rule for f in scan_bytes(data, "corp_internal-1.0.tar.gz").findings}
    assert {"CW211", "CW212", "CW213"} <= on
    off = {f.rule for f in scan_bytes(data, "x.tar.gz", ScanOptions(metadata_signals=False)).findings}
    assert not off & {"CW210", "CW211", "CW212", "CW213"}


def test_consistent_names_are_no_contradiction() -> None:
    info = "Metadata-Version: 2.1\nName: Size.Fmt\nVersion: 1.0.0\nSummary: sizes\n\nlong text\n"
    data = sdist_bytes({"PKG-INFO": info, "size_fmt/__init__.py": "X = 1\n"}, top="size_fmt-1.0")
    rules = {f.rule for f in scan_bytes(data, "Size_Fmt-1.0.0.tar.gz").findings}
    assert "CW212" not in rules and "CW213" not in rules


def test_cli_diff_and_previous(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "sizefmt-1.0.tar.gz"
    new = tmp_path / "sizefmt-1.1.tar.gz"
    info = "Metadata-Version: 2.1\nName: sizefmt\nVersion: {}\nSummary: sizes\n"
    old.write_bytes(sdist_bytes({"PKG-INFO": info.format("1.0"), "sizefmt/__init__.py": "X = 1\n"}, top="sizefmt-1.0"))
    new.write_bytes(sdist_bytes(
        {"PKG-INFO": info.format("1.1"),
         "sizefmt/__init__.py": "import socket\nsocket.create_connection(('198.51.100.1', 9))\n"},
        top="sizefmt-1.1",
    ))
    assert main(["diff", str(old), str(old)]) == EXIT_OK
    assert "no changes" in capsys.readouterr().out
    assert main(["diff", "-f", "json", str(old), str(new)]) == EXIT_FOUND
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "capwatch.diff/1" and doc["findings"][0]["rule"] == "CW201"
    assert main(["diff", "--fail-on", "malicious", str(old), str(new)]) == EXIT_OK
    capsys.readouterr()
    base = ["scan", "--no-progress", "--jobs", "1", "-f", "json", "--fail-on", "suspicious", str(new)]
    main(base)
    plain = json.loads(capsys.readouterr().out)["results"][0]
    assert main([*base, "--previous", str(old)]) == EXIT_FOUND
    folded = json.loads(capsys.readouterr().out)["results"][0]
    assert "CW201" in {f["rule"] for f in folded["findings"]}
    assert "CW201" not in {f["rule"] for f in plain["findings"]}
    assert folded["stats"]["drift"]["previous_version"] == "1.0"
    assert main(["diff", str(old), str(tmp_path / "missing.tar.gz")]) == 2


@pytest.mark.parametrize(
    ("name", "severity"),
    [("reqeusts", Severity.MEDIUM), ("requestz", Severity.MEDIUM), ("beautifullsoup", Severity.LOW)],
)
def test_a_look_alike_name_alone_two_edits_away_is_a_note(name: str, severity: Severity) -> None:
    info = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nSummary: Helpers\n"
    data = sdist_bytes({"PKG-INFO": info, "helpers/__init__.py": "X = 1\n"}, top=f"{name}-1.0")
    found = [f for f in scan_bytes(data, f"{name}-1.0.tar.gz").findings if f.rule == "CW210"]
    assert [f.severity for f in found] == [severity]
