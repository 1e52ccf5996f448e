"""``scan --previous-from-index``: the previous release comes from a local test index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers import sdist_bytes
from tests.unit.sources.sources_testlib import Dist, build_index

from capwatch.cli import EXIT_FOUND, main
from capwatch.config import Limits
from capwatch.drift.previous import previous_spec
from capwatch.sources import pipconfig

INFO = "Metadata-Version: 2.1\nName: sizefmt\nVersion: {}\nSummary: sizes\n"


def release(version: str, init: str) -> bytes:
    return sdist_bytes({"PKG-INFO": INFO.format(version), "sizefmt/__init__.py": init}, top=f"sizefmt-{version}")


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    honest = "X = 1\n"
    payload = "import socket\nsocket.create_connection(('198.51.100.1', 9))\n"
    simple = build_index(tmp_path / "index", {"sizefmt": [
        Dist("sizefmt-0.9.tar.gz", content=release("0.9", honest)),
        Dist("sizefmt-1.0.tar.gz", content=release("1.0", honest)),
        Dist("sizefmt-1.0.5.tar.gz", yanked="broken", content=release("1.0.5", payload)),
        Dist("sizefmt-1.1rc1.tar.gz", content=release("1.1rc1", honest)),
        Dist("sizefmt-1.1.tar.gz", content=release("1.1", payload)),
    ]}, "html")
    monkeypatch.setenv("PIP_INDEX_URL", simple.as_uri())
    monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "no-pip.conf"))
    monkeypatch.setenv("CAPWATCH_CACHE_DIR", str(tmp_path / "cache"))
    pipconfig._cached_settings.cache_clear()
    target = tmp_path / "sizefmt-1.1.tar.gz"
    target.write_bytes(release("1.1", payload))
    yield target
    pipconfig._cached_settings.cache_clear()


def test_previous_spec_skips_yanked_and_prereleases(index: Path) -> None:
    assert previous_spec("sizefmt", "1.1", Limits()) == "sizefmt==1.0"
    assert previous_spec("SizeFmt", "1.0", Limits()) == "sizefmt==0.9"
    assert previous_spec("sizefmt", "0.9", Limits()) is None


def test_scan_folds_drift_from_the_index(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--no-progress", "--jobs", "1", "-f", "json", "--fail-on", "suspicious",
                 "--previous-from-index", str(index)])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert code == EXIT_FOUND
    assert result["stats"]["drift"]["previous_version"] == "1.0"
    assert "CW201" in {f["rule"] for f in result["findings"]}
