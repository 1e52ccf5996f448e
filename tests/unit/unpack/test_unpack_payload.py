"""capwatch.unpack.payload: text detection, the code heuristic, and bare blob decoding."""

from __future__ import annotations

import base64
import bz2
import marshal
import random
import zlib

import pytest

from capwatch.config import Limits
from capwatch.unpack import decode_text, looks_like_python, payload, try_decode_blob

CODE = "import socket, subprocess\nsubprocess.call(['sh', '-c', 'id'])\n"


def test_decode_text() -> None:
    assert decode_text(CODE.encode()) == CODE
    assert decode_text("\ufeffé".encode()) == "é"
    assert (
        decode_text("naïve café".encode("latin-1")) is None
    )  # mostly-ASCII latin-1 still counts high bytes
    assert decode_text(("x" * 40 + "é").encode("latin-1")) == "x" * 40 + "é"
    assert decode_text(bytes(range(256)) * 4) is None
    assert decode_text(b"") is None
    assert decode_text("") is None
    assert decode_text("plain text\twith tabs\n") == "plain text\twith tabs\n"
    assert decode_text("\x00\x01\x02abc") is None


def test_looks_like_python() -> None:
    assert looks_like_python(CODE)
    assert looks_like_python("exec(payload)")
    assert looks_like_python("  from os import system\n")
    assert looks_like_python("def run():\n    pass\n")
    assert looks_like_python("x = compute(1)")
    assert not looks_like_python("Hello, this is a README about the package.")
    assert not looks_like_python('{"name": "demo", "version": 1}')
    assert not looks_like_python("abc")
    assert not looks_like_python("just_a_name")
    assert not looks_like_python("(" * 10_000)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("blob", "chain"),
    [
        (_b64(CODE.encode()), ("base64.b64decode",)),
        (_b64(CODE.encode()).encode(), ("base64.b64decode",)),
        (
            base64.urlsafe_b64encode(CODE.encode() + b"\xfb\xff").decode(),
            ("base64.urlsafe_b64decode",),
        ),
        (_b64(zlib.compress(CODE.encode())), ("base64.b64decode", "zlib.decompress")),
        (_b64(bz2.compress(CODE.encode())), ("base64.b64decode", "bz2.decompress")),
        (CODE.encode().hex(), ("bytes.fromhex",)),
        (_b64(_b64(CODE.encode()).encode()), ("base64.b64decode", "base64.b64decode")),
        (_b64(CODE.encode())[::-1], ("reverse", "base64.b64decode")),
        (
            "\n".join(_b64(CODE.encode() * 3)[i : i + 76] for i in range(0, 300, 76)),
            ("base64.b64decode",),
        ),
    ],
)
def test_try_decode_blob_finds_code(blob: str | bytes, chain: tuple[str, ...]) -> None:
    found = try_decode_blob(blob, Limits())
    assert len(found) == 1
    assert found[0].chain == chain
    assert isinstance(found[0].value, str) and "subprocess" in found[0].value


def test_try_decode_blob_marshal() -> None:
    blob = marshal.dumps(compile(CODE, "<t>", "exec"))  # test-authored code, dumped in the test
    found = try_decode_blob(_b64(zlib.compress(blob)), Limits())
    assert len(found) == 1
    assert found[0].chain == ("base64.b64decode", "zlib.decompress", "marshal.loads")
    assert "'subprocess'" in str(found[0].value)


@pytest.mark.parametrize(
    "blob",
    [
        "short",
        "aGVsbG8gd29ybGQ=",  # code-free and short
        "This is an ordinary sentence that is longer than forty characters.",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        _b64(b"just some words that are not code at all, really"),
        _b64(bytes(range(256))),
        "0123456789abcdef" * 8,
        "é" * 100,
    ],
)
def test_try_decode_blob_ignores_non_code(blob: str) -> None:
    assert try_decode_blob(blob, Limits()) == []


def test_try_decode_blob_respects_decode_depth() -> None:
    data = CODE.encode()
    for _ in range(5):
        data = base64.b64encode(data)
    assert try_decode_blob(data, Limits(decode_depth=3)) == []
    assert len(try_decode_blob(data, Limits(decode_depth=8))) == 1


def test_try_decode_blob_unwraps_dozens_of_layers() -> None:
    # obfuscators wrap a payload in base64 and zlib over and over: 50 rounds are 100 steps
    data = CODE.encode()
    for _ in range(50):
        data = base64.b64encode(zlib.compress(data))
    (found,) = try_decode_blob(data, Limits())
    assert found.value == CODE
    assert found.chain == ("base64.b64decode", "zlib.decompress") * 50
    assert try_decode_blob(data, Limits(decode_depth=99)) == []


def test_try_decode_blob_read_both_ways_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # text that starts with padding is tried as it stands and reversed at every layer; the
    # layers tried are bounded by the depth, not doubled at each one
    calls: list[int] = []

    def counting(raw: bytes, limits: Limits) -> list[tuple[bytes, str]]:
        calls.append(len(raw))
        return [(b"=" + base64.b64encode(b"x" * 60), "base64.b64decode")]

    monkeypatch.setattr(payload, "_first_layer", counting)
    assert try_decode_blob("=" + "A" * 80, Limits(decode_depth=16)) == []
    assert 16 <= len(calls) <= 4 * 17


def test_try_decode_blob_bomb_is_skipped() -> None:
    bomb = _b64(zlib.compress(b"\0" * (8 * 1024 * 1024)))
    assert try_decode_blob(bomb, Limits(decoded_bytes=1024 * 1024)) == []


def test_ordinary_strings_cost_almost_nothing() -> None:
    rng = random.Random(3)
    words = ["the", "package", "install", "value", "error", "path", "file", "user", "data"]
    strings = [" ".join(rng.choice(words) for _ in range(20)) for _ in range(10_000)]
    limits = Limits()
    for text in strings:
        assert try_decode_blob(text, limits) == []
