"""Derived families: near-duplicates (same code shape, other constants and names) group together."""

from __future__ import annotations

from tests.helpers import sdist_bytes, wheel_bytes

from capwatch.dataset.families import derive_family, shape_of

SETUP = """\
import os
from setuptools import setup

{var} = {value!r}

def {func}(arg):
    return os.path.join(arg, {var})

setup(name={name!r}, version={version!r}, description={func}('x'))
"""


def _setup(name: str, version: str, var: str, value: str, func: str) -> str:
    return SETUP.format(name=name, version=version, var=var, value=value, func=func)


def test_setups_differing_only_in_constants_and_names_share_a_family() -> None:
    one = sdist_bytes({"setup.py": _setup("alpha", "1.0", "TOKEN", "abc", "helper")}, top="alpha-1.0")
    two = sdist_bytes({"setup.py": _setup("bravo", "9.9", "KEY", "zzz-123", "other")}, top="bravo-9.9")
    family = derive_family(one, "alpha-1.0.tar.gz")
    assert family.startswith("setup:")
    assert derive_family(two, "bravo-9.9.tar.gz") == family


def test_other_files_do_not_matter_when_setup_py_exists() -> None:
    setup = _setup("alpha", "1.0", "T", "v", "f")
    one = sdist_bytes({"setup.py": setup, "alpha/__init__.py": "X = 1\n"}, top="alpha-1.0")
    two = sdist_bytes({"setup.py": setup, "README.md": "hello"}, top="alpha-1.1")
    assert derive_family(one, "a") == derive_family(two, "b")


def test_a_different_shape_is_a_different_family() -> None:
    one = sdist_bytes({"setup.py": _setup("alpha", "1.0", "T", "v", "f")}, top="alpha-1.0")
    changed = _setup("alpha", "1.0", "T", "v", "f").replace("os.path.join", "os.getenv")
    two = sdist_bytes({"setup.py": changed}, top="alpha-1.0")
    assert derive_family(one, "a") != derive_family(two, "b")


def test_nested_setup_py_is_not_the_root_one() -> None:
    only_nested = sdist_bytes({"pkg/sub/setup.py": "import os\n", "pkg/mod.py": "X = 1\n"}, top="p-1")
    assert derive_family(only_nested, "p").startswith("py:")


def test_without_setup_py_all_python_files_are_shaped() -> None:
    one = wheel_bytes({"aaa/__init__.py": "import os\nA = os.getcwd()\n", "aaa/b.py": "def f(x):\n    return x\n"}, name="aaa")
    two = wheel_bytes({"zzz/__init__.py": "import os\nZ = os.getcwd()\n", "zzz/q.py": "def g(y):\n    return y\n"}, name="zzz", version="5")
    three = wheel_bytes({"zzz/__init__.py": "import sys\n"}, name="zzz")
    assert derive_family(one, "a").startswith("py:")
    assert derive_family(one, "a") == derive_family(two, "b")
    assert derive_family(one, "a") != derive_family(three, "c")


def test_unparsable_setup_and_non_archives_still_get_a_family() -> None:
    broken = sdist_bytes({"setup.py": "def (:\n"}, top="b-1")
    assert derive_family(broken, "b").startswith("raw:")
    assert derive_family(b"not an archive at all", "x").startswith("file:")
    assert derive_family(b"", "empty").startswith("file:")


def test_shape_blanks_constants_and_names_but_keeps_api_names() -> None:
    assert shape_of(b"a = 'x'\nb = os.system(a)\n") == shape_of(b"q = 'y'\nr = os.system(q)\n")
    assert shape_of(b"b = os.system(a)\n") != shape_of(b"b = os.popen(a)\n")
    assert shape_of(b"def (") is None
