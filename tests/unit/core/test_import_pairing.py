"""At import, a large library's modules name hosts in data: CW105 pairs an endpoint named at
import with network use of its own file at import, as CW104 pairs within a function."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Severity

_TABLE = (
    "class FileHosts:\n"
    "    HOSTS = ('pastebin.com', 'gofile.io')\n"
    "    EXAMPLES = [{'url': 'https://gofile.io/d/Xy12Zw'}]\n"
)
_CLIENT = (
    "import urllib.request\n"
    "from grabkit.hosts import FileHosts\n"
    "PAGE = urllib.request.urlopen('https://example.com/index').read()\n"
)


def _cw105(hosts_module: str) -> Severity | None:
    release = sdist_bytes(
        {
            "setup.py": "from setuptools import setup\nsetup(name='grabkit', version='1.0')\n",
            "grabkit/__init__.py": _CLIENT,
            "grabkit/hosts.py": hosts_module,
        },
        top="grabkit-1.0",
    )
    fired = [f for f in scan_bytes(release, "grabkit-1.0.tar.gz").findings if f.rule == "CW105"]
    return max((f.severity for f in fired), default=None)


def test_hosts_held_as_data_at_import_are_a_note_when_their_file_reaches_nothing() -> None:
    assert _cw105(_TABLE) is Severity.LOW


def test_the_file_that_names_the_host_and_reaches_it_at_import_is_critical() -> None:
    sends = _TABLE + "import urllib.request\nurllib.request.urlopen('https://gofile.io/d/Xy12Zw')\n"
    assert _cw105(sends) is Severity.CRITICAL
