"""Canary: capwatch never runs, imports or builds anything from a package.

The canary package, built here, has five places where a package gets code run on the machine
of whoever installs it: ``setup.py`` (install), a PEP 517 build backend named in
``pyproject.toml`` (install), ``pkg/__init__.py`` (import), a ``.pth`` file and a
``sitecustomize.py`` (every interpreter start). Each one, if executed, creates its own file in a
canary directory. The package is scanned as an sdist and as a wheel, through the command line
(in this process and in worker processes) and through ``scan_bytes``; afterwards no canary file
may exist, and the report must show that capwatch did see each piece of code.

Each canary comes in two forms: plain, and base64-decoded then ``exec``'d (what malware does),
so that the report names every file in a finding's evidence with the decoded text.
"""

from __future__ import annotations

import base64
import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import sdist_bytes, wheel_bytes
from tests.integration.hostile_lib import jsonl_results

from capwatch.cli import main
from capwatch.engine import scan_bytes
from capwatch.report import result_to_dict

TAGS = ("setup", "backend", "init", "pth", "sitecustomize")
MODULES = ("canarypkg", "canary_backend")


def _canary_code(tag: str, canary_dir: Path) -> str:
    # The directory comes from CANARY_DIR, and is also baked in as the default, so a canary that
    # ran in a process that did not inherit the variable still lands where the test looks.
    return (
        "import os\n"
        f"_d = os.environ.get('CANARY_DIR', {str(canary_dir)!r})\n"
        f"with open(os.path.join(_d, 'canary-{tag}'), 'w') as fh:\n"
        "    fh.write('executed')\n"
    )


def _wrap(tag: str, canary_dir: Path, encoded: bool) -> str:
    code = _canary_code(tag, canary_dir)
    if not encoded:
        return code
    blob = base64.b64encode(code.encode()).decode()
    return f"import base64\nexec(base64.b64decode({blob!r}))\n"


def _pth_line(canary_dir: Path, encoded: bool) -> str:
    # site.py executes .pth lines that start with "import": the whole canary on one line.
    code = _canary_code("pth", canary_dir)
    blob = base64.b64encode(code.encode()).decode()
    if encoded:
        return f"import base64; exec(base64.b64decode({blob!r}))\n"
    return (
        "import os; open(os.path.join(os.environ.get('CANARY_DIR', "
        f"{str(canary_dir)!r}), 'canary-pth'), 'w').write('executed')\n"
    )


def canary_files(canary_dir: Path, encoded: bool) -> dict[str, str]:
    return {
        "setup.py": _wrap("setup", canary_dir, encoded)
        + "from setuptools import setup\n"
        "setup(name='canarypkg', version='0.1', packages=['canarypkg'])\n",
        "pyproject.toml": (
            "[build-system]\nrequires = []\n"
            'build-backend = "canary_backend"\nbackend-path = ["."]\n'
        ),
        "canary_backend.py": _wrap("backend", canary_dir, encoded)
        + "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n"
        "    raise SystemExit(1)\n\n"
        "def build_sdist(sdist_directory, config_settings=None):\n"
        "    raise SystemExit(1)\n",
        "canarypkg/__init__.py": _wrap("init", canary_dir, encoded),
        "canarypkg.pth": _pth_line(canary_dir, encoded),
        "sitecustomize.py": _wrap("sitecustomize", canary_dir, encoded),
    }


FILE_OF_TAG = {
    "setup": "setup.py",
    "backend": "canary_backend.py",
    "init": "canarypkg/__init__.py",
    "pth": "canarypkg.pth",
    "sitecustomize": "sitecustomize.py",
}


@pytest.fixture
def canary_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "canaries"
    directory.mkdir()
    monkeypatch.setenv("CANARY_DIR", str(directory))
    modules_before = set(sys.modules)
    yield directory
    assert not sorted(directory.iterdir()), "a canary was executed"
    assert not (set(sys.modules) - modules_before) & set(MODULES)


def _artifacts(tmp_path: Path, canary_dir: Path, encoded: bool) -> dict[str, Path]:
    files = canary_files(canary_dir, encoded)
    paths = {
        "sdist": tmp_path / "canarypkg-0.1.tar.gz",
        "wheel": tmp_path / "canarypkg-0.1-py3-none-any.whl",
    }
    paths["sdist"].write_bytes(sdist_bytes(files, top="canarypkg-0.1"))
    paths["wheel"].write_bytes(wheel_bytes(files, name="canarypkg", version="0.1"))
    return paths


def _assert_saw_the_code(result: dict[str, Any], kind: str, encoded: bool) -> None:
    assert result["error"] is None, result["error"]
    assert result["artifact"]["kind"] == kind
    assert result["artifact"]["name"] == "canarypkg"
    caps = {(c["id"], c["phase"]) for c in result["capabilities"]}
    # Every canary writes a file; the phases show which pieces capwatch read and placed.
    # A wheel installs by unpacking: nothing of it runs at install time.
    expected_phases = {"install", "startup", "import"} if kind == "sdist" else {"startup", "import"}
    assert {phase for cap, phase in caps if cap == "fs.write"} >= expected_phases, caps
    if not encoded:
        return
    assert result["verdict"] == "malicious", result["verdict"]
    evidence = [
        (e["location"]["path"], e["decoded"] or "")
        for f in result["findings"]
        for e in f["evidence"]
    ]
    for tag, name in FILE_OF_TAG.items():
        seen = [decoded for path, decoded in evidence if path.endswith(name) and f"canary-{tag}" in decoded]
        assert seen, f"no finding shows the decoded canary of {name}: {evidence}"


@pytest.mark.parametrize("encoded", [False, True], ids=["plain", "encoded"])
def test_scan_bytes_never_executes(tmp_path: Path, canary_dir: Path, encoded: bool) -> None:
    paths = _artifacts(tmp_path, canary_dir, encoded)
    for kind, path in paths.items():
        result = result_to_dict(scan_bytes(path.read_bytes(), path.name))
        _assert_saw_the_code(result, kind, encoded)
    assert not sorted(canary_dir.iterdir())


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["in-process", "workers"])
@pytest.mark.parametrize("encoded", [False, True], ids=["plain", "encoded"])
def test_cli_never_executes(
    tmp_path: Path, canary_dir: Path, encoded: bool, jobs: str
) -> None:
    paths = _artifacts(tmp_path, canary_dir, encoded)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([
            "scan", str(paths["sdist"]), str(paths["wheel"]),
            "--format", "jsonl", "--no-progress", "--jobs", jobs, "--fail-on", "never",
        ])
    assert code == 0, err.getvalue()
    results = {Path(r["artifact"]["path"]).name: r for r in jsonl_results(out.getvalue())}
    assert len(results) == 2
    _assert_saw_the_code(results[paths["sdist"].name], "sdist", encoded)
    _assert_saw_the_code(results[paths["wheel"].name], "wheel", encoded)
    assert not sorted(canary_dir.iterdir())


def test_canaries_are_valid_code(canary_dir: Path) -> None:
    """Each canary is valid Python that names its own file (compiled for syntax only; the code
    object is discarded, never run), and the encoded form hides the name from plain text."""
    files = canary_files(canary_dir, encoded=False)
    for tag, name in FILE_OF_TAG.items():
        source = files[name]
        compile(source, name, "exec")
        assert f"canary-{tag}" in source
    encoded = canary_files(canary_dir, encoded=True)
    for tag, name in FILE_OF_TAG.items():
        assert f"canary-{tag}" not in encoded[name]
    assert set(TAGS) == set(FILE_OF_TAG)
