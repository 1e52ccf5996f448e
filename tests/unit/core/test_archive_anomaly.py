"""CW901: device files and other hostile entries count where an installer would unpack them."""

from __future__ import annotations

from tests.integration.hostile_lib import TarEntry, raw_tar, sdist_entries, tar_gz

from capwatch.engine import scan_bytes
from capwatch.model import Severity

SETUP = "from setuptools import setup\nsetup(name='demo', version='1.0')\n"
DEVICE = TarEntry(b"blkdev", type=b"4")


def _cw901(data: bytes) -> list[Severity]:
    result = scan_bytes(data, "demo-1.0.tar.gz")
    assert result.error is None, result.error
    return [f.severity for f in result.findings if f.rule == "CW901"]


def test_device_file_in_the_sdist_itself_is_hostile() -> None:
    entries = sdist_entries("demo-1.0", {"setup.py": SETUP})
    entries.append(TarEntry(b"demo-1.0/blkdev", type=b"4"))
    assert Severity.MEDIUM in _cw901(tar_gz(entries))


def test_device_file_inside_a_test_fixture_archive_is_informational() -> None:
    fixture = raw_tar([DEVICE, TarEntry(b"plain.txt", b"data")])
    entries = sdist_entries("demo-1.0", {"setup.py": SETUP, "tests/data/fixture.tar": fixture})
    severities = _cw901(tar_gz(entries))
    assert severities, "the nested device file should still be listed"
    assert all(s is Severity.INFO for s in severities), severities
