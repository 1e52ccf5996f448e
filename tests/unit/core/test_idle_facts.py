"""Facts that can give the profile and the rules nothing are dropped right after each file."""

from __future__ import annotations

from capwatch.capabilities.catalog import load_catalog
from capwatch.config import Limits
from capwatch.engine import _names_read
from capwatch.lang.python.analyzer import PythonAnalyzer
from capwatch.model import FactKind
from capwatch.profile import NamesRead, drop_idle_facts

SOURCE = """
import os, subprocess
from client import Client

def run(request, codes):
    c = Client()
    c.create_job(request=request)
    p = subprocess.Popen(cmd)
    p.wait()
    os.dup2(s.fileno(), 0)
    c.fetch("https://example.com/x")
    token = os.environ
    return "".join(chr(x) for x in codes)
"""


def _kept() -> set[tuple[FactKind, str]]:
    analysis = PythonAnalyzer(Limits(), import_facts=False).analyze(
        SOURCE.encode(), "pkg/mod.py", "pkg.mod", is_package=False
    )
    drop_idle_facts(analysis, {}, NamesRead(load_catalog().matcher("python"), _names_read()))
    return {(f.kind, f.name) for f in analysis.facts}


def test_calls_that_give_nothing_go_and_the_rest_stay() -> None:
    kept = _kept()
    names = {name for kind, name in kept if kind is FactKind.CALL}
    assert "subprocess.Popen" in names  # a capability
    assert "?.fetch" in names  # a folded argument
    assert {"?.wait", "os.dup2", "chr"} <= names  # names rules read with nothing else to them
    assert "client.Client" not in names and "?.create_job" not in names
    assert (FactKind.REFERENCE, "os.environ") in kept


def test_rules_name_what_they_read_by_name() -> None:
    assert {"?.wait", "os.dup2", "chr", "exec", "base64.b64decode"} <= _names_read()
