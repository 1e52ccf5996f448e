"""capwatch.unpack.marshal_reader: reading marshal data without loading it."""

from __future__ import annotations

import ast
import marshal
import random
import struct

import pytest
from tests.unit.unpack.unpack_testlib import MARSHAL_BLOBS, MARSHAL_SOURCE

from capwatch.unpack import MarshalCode, MarshalError, read_marshal, render_marshal

NESTED = '''
import os, subprocess
URL = "https://example.invalid/collect"
def outer(a):
    """doc"""
    def inner(b):
        return subprocess.run(["sh", "-c", b])
    return inner(a + ("x", "y")[0])
class Thing:
    def method(self):
        return b"raw-bytes"
grab = lambda: os.environ.get("HOME")
'''


def _dump(source: str) -> bytes:
    # compile + marshal.dumps of test-authored code, in the test only; the reader never loads.
    return marshal.dumps(compile(source, "<t>", "exec"))


@pytest.fixture(autouse=True)
def _no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object) -> object:
        raise AssertionError("the reader must not call marshal.loads")

    monkeypatch.setattr(marshal, "loads", forbidden)


def _by_name(tree: MarshalCode) -> dict[str, MarshalCode]:
    return {code.name: code for code in tree.walk()}


def test_nested_functions_current_python() -> None:
    tree = read_marshal(_dump(NESTED))
    assert isinstance(tree, MarshalCode)
    assert tree.layout == "3.11"
    assert tree.name == "<module>"
    assert tree.filename == "<t>"
    assert "https://example.invalid/collect" in tree.string_consts
    codes = _by_name(tree)
    assert set(codes) >= {"<module>", "outer", "inner", "Thing", "method", "<lambda>"}
    assert codes["inner"].qualname == "outer.<locals>.inner"
    assert {"subprocess", "run"} <= set(codes["inner"].names)
    assert {"sh", "-c"} <= set(codes["inner"].string_consts)
    assert "doc" in codes["outer"].string_consts
    assert codes["method"].bytes_consts == (b"raw-bytes",)
    assert {"os", "environ", "get"} <= set(codes["<lambda>"].names)
    assert "HOME" in codes["<lambda>"].string_consts
    assert [c.name for c in codes["outer"].children] == ["inner"]


@pytest.mark.parametrize(
    ("version", "layout"),
    [("2.7", "2.7"), ("3.6", "3.0"), ("3.8", "3.8"), ("3.10", "3.8"), ("3.12", "3.11")],
)
def test_other_python_versions(version: str, layout: str) -> None:
    tree = read_marshal(bytes.fromhex("".join(MARSHAL_BLOBS[version])))
    assert isinstance(tree, MarshalCode)
    assert tree.layout == layout
    codes = _by_name(tree)
    assert set(codes) == {"<module>", "f", "g"}
    assert {"os", "system"} <= set(codes["f"].names)
    assert "x" in codes["f"].string_consts
    assert "inner" in codes["g"].string_consts
    assert {"os", "f"} <= set(tree.names)


def test_all_marshal_versions_of_current_python() -> None:
    for version in range(marshal.version + 1):
        tree = read_marshal(marshal.dumps(compile(MARSHAL_SOURCE, "<t>", "exec"), version))
        assert isinstance(tree, MarshalCode)
        assert {c.name for c in tree.walk()} == {"<module>", "f", "g"}


def test_non_code_data_gives_strings() -> None:
    data = marshal.dumps(
        {"key": ["value", b"bytes", 1, 2**100, -3.5, 1j, None, True, ..., frozenset({"fs"})]}
    )
    found = read_marshal(data)
    assert isinstance(found, tuple)
    assert set(found) == {"key", "value", "bytes", "fs"}


def test_shared_references_are_read_once() -> None:
    code = compile("def f(): return 'once'", "<t>", "exec")
    tree = read_marshal(marshal.dumps((code, code, "s", "s")))
    assert isinstance(tree, MarshalCode)
    assert tree.name == "<data>"
    assert len(tree.children) == 1
    assert tree.string_consts == ("s",)


def test_trailing_bytes_are_ignored_like_marshal_loads() -> None:
    tree = read_marshal(_dump("x = 'a'") + b"trailing")
    assert isinstance(tree, MarshalCode)
    assert "a" in tree.string_consts


def test_render_is_parseable_python_with_names_and_strings() -> None:
    text = render_marshal(read_marshal(_dump(NESTED)))
    tree = ast.parse(text)
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert {"subprocess", "run", "sh", "https://example.invalid/collect"} <= strings
    assert ast.parse(render_marshal(("a", "b'c")))


def test_render_deep_nesting_stays_parseable() -> None:
    source = "def f0():\n"
    for level in range(1, 60):
        source += "    " * level + f"def f{level}():\n"
    source += "    " * 60 + "return 'deep'\n"
    text = render_marshal(read_marshal(_dump(source)))
    ast.parse(text)
    assert "'deep'" in text


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00",
        b"c",
        b"\xe3" + b"\x00" * 10,
        b"s\xff\xff\xff\x7fabc",  # declared length beyond the data
        b"(\xff\xff\xff\x7f",  # declared item count beyond the data
        b"r\x05\x00\x00\x00",  # reference to nothing
        b"l\x02\x00\x00\x00\xff\xff\xff\xff",  # long digit out of range
        b"u\x02\x00\x00\x00\xff\xfe",  # invalid UTF-8
        b"f\x03abc",  # invalid float text
        b"Q",
    ],
)
def test_garbage_raises_marshal_error(data: bytes) -> None:
    with pytest.raises(MarshalError):
        read_marshal(data)
    assert issubclass(MarshalError, ValueError)


def test_deep_nesting_is_bounded() -> None:
    deep = b")\x01" * 5000 + b"N"
    with pytest.raises(MarshalError):
        read_marshal(deep, max_depth=100)
    assert read_marshal(b")\x01" * 50 + b"N", max_depth=100) == ()


def test_size_bound() -> None:
    with pytest.raises(MarshalError):
        read_marshal(b"N" + b"\0" * 100, max_bytes=50)


def test_huge_long_is_skipped_not_built() -> None:
    digits = 100_000
    data = b"l" + struct.pack("<i", digits) + b"\x01\x00" * digits
    assert read_marshal(data) == ()


def test_random_garbage_never_raises_anything_else() -> None:
    rng = random.Random(7)
    seeds = [_dump(NESTED), _dump(MARSHAL_SOURCE), marshal.dumps({"a": [1, "b"]})]
    for _ in range(2000):
        blob = bytearray(rng.choice(seeds))
        for _ in range(rng.randrange(1, 6)):
            blob[rng.randrange(len(blob))] = rng.randrange(256)
        try:
            result = read_marshal(bytes(blob))
        except MarshalError:
            continue
        render_marshal(result)
