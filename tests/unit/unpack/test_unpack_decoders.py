"""capwatch.unpack.decoders: each decoder, leniency, limits and bombs."""

from __future__ import annotations

import base64
import bz2
import contextlib
import gzip
import lzma
import marshal
import random
import zlib
from collections.abc import Callable

import pytest

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack import decoders
from capwatch.unpack.decoders import DECODERS, DecodeError, run_decoder

CODE = b"import os\nos.system('echo hi')\n"
MiB = 1024 * 1024
GiB = 1024 * MiB


# -- base-N -------------------------------------------------------------------------------------


def test_b64_standard_and_text_input() -> None:
    encoded = base64.b64encode(CODE)
    assert decoders.b64decode(encoded) == CODE
    assert decoders.b64decode(encoded.decode()) == CODE


def test_b64_missing_padding_and_whitespace() -> None:
    encoded = base64.b64encode(b"hello!!").decode().rstrip("=")
    wrapped = "\n".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))
    assert decoders.b64decode("  " + wrapped + "\n") == b"hello!!"


def test_b64_urlsafe_and_altchars() -> None:
    data = bytes(range(250, 256)) * 3
    assert decoders.b64decode(base64.urlsafe_b64encode(data), urlsafe=True) == data
    assert decoders.b64decode(base64.b64encode(data, altchars=b"*!"), altchars=b"*!") == data


def test_b64_invalid_length_and_non_ascii() -> None:
    with pytest.raises(DecodeError):
        decoders.b64decode("abcde")
    with pytest.raises(DecodeError):
        decoders.b64decode("aGVsbG8é")


def test_b32_lowercase_without_padding() -> None:
    encoded = base64.b32encode(CODE).decode().lower().rstrip("=")
    assert decoders.b32decode(encoded) == CODE
    assert decoders.b32decode(base64.b32hexencode(CODE), hex_alphabet=True) == CODE


def test_b85_and_a85() -> None:
    assert decoders.b85decode(base64.b85encode(CODE)) == CODE
    assert decoders.a85decode(base64.a85encode(CODE)) == CODE
    assert decoders.a85decode(base64.a85encode(CODE, adobe=True)) == CODE


def test_a85_zero_run_is_bounded() -> None:
    with pytest.raises(LimitExceeded):
        decoders.a85decode(b"z" * 1000, max_bytes=100)


def test_hex_with_whitespace_and_case() -> None:
    assert decoders.hexdecode("69 6D 70\n6f 72 74") == b"import"
    with pytest.raises(DecodeError):
        decoders.hexdecode("abc")
    with pytest.raises(DecodeError):
        decoders.hexdecode("zz")


# -- decompressors ------------------------------------------------------------------------------


def test_inflate_detects_zlib_gzip_and_raw_deflate() -> None:
    assert decoders.inflate(zlib.compress(CODE)) == CODE
    assert decoders.inflate(gzip.compress(CODE)) == CODE
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    assert decoders.inflate(raw.compress(CODE) + raw.flush()) == CODE
    assert decoders.inflate(zlib.compress(CODE), wbits=15) == CODE


def test_gzip_members_bz2_streams_and_xz() -> None:
    assert decoders.gunzip(gzip.compress(b"a") + gzip.compress(b"b")) == b"ab"
    assert decoders.bunzip2(bz2.compress(b"a") + bz2.compress(b"b")) == b"ab"
    assert decoders.unxz(lzma.compress(CODE)) == CODE
    assert decoders.unxz(lzma.compress(CODE, format=lzma.FORMAT_ALONE)) == CODE


@pytest.mark.parametrize(
    ("func", "data"),
    [
        (decoders.inflate, zlib.compress(CODE * 50)[:-20]),
        (decoders.gunzip, gzip.compress(CODE * 50, mtime=0)[:30]),
        (decoders.bunzip2, bz2.compress(CODE * 50)[:40]),
        (decoders.unxz, lzma.compress(CODE * 50)[:40]),
    ],
)
def test_truncated_streams_are_invalid(func: Callable[..., bytes], data: bytes) -> None:
    with pytest.raises(DecodeError):
        func(data)


def test_decompressors_reject_text_and_garbage() -> None:
    for func in (decoders.inflate, decoders.gunzip, decoders.bunzip2, decoders.unxz):
        with pytest.raises(DecodeError):
            func("not bytes")
        with pytest.raises(DecodeError):
            func(b"\x00\x01garbage" * 4)


def test_output_exactly_at_the_limit_passes() -> None:
    data = b"x" * 1000
    assert decoders.inflate(zlib.compress(data), max_bytes=1000) == data
    with pytest.raises(LimitExceeded) as info:
        decoders.inflate(zlib.compress(data), max_bytes=999)
    assert info.value.limit == "decoded_bytes"


def _deflate_bomb(size: int) -> bytes:
    """A raw deflate stream of ``size`` zero bytes, built without compressing ``size`` bytes."""
    chunk_size = MiB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor keeps no history: the same input compresses to the same
    # self-contained, byte-aligned blocks, which can simply be repeated.
    compressor.compress(b"\0" * chunk_size)
    compressor.flush(zlib.Z_FULL_FLUSH)
    chunk = compressor.compress(b"\0" * chunk_size) + compressor.flush(zlib.Z_FULL_FLUSH)
    return chunk * (size // chunk_size) + compressor.flush(zlib.Z_FINISH)


@pytest.fixture(scope="module")
def deflate_gib() -> bytes:
    return _deflate_bomb(GiB)


def test_zlib_bomb_stops_at_the_limit(deflate_gib: bytes) -> None:
    bomb = b"\x78\x9c" + deflate_gib + b"\0\0\0\0"  # checksum never reached
    assert len(bomb) < 2 * MiB
    with pytest.raises(LimitExceeded) as info:
        run_decoder("zlib.decompress", bomb, limits=Limits(decoded_bytes=MiB))
    assert info.value.limit == "decoded_bytes"


def test_gzip_bomb(deflate_gib: bytes) -> None:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    bomb = header + deflate_gib + (0).to_bytes(4, "little") + (GiB % 2**32).to_bytes(4, "little")
    with pytest.raises(LimitExceeded):
        decoders.gunzip(bomb, max_bytes=MiB)
    with pytest.raises(LimitExceeded):
        run_decoder("zlib.decompress", bomb, limits=Limits(decoded_bytes=MiB))


def test_bz2_and_xz_bombs_of_concatenated_streams() -> None:
    bz_stream = bz2.compress(b"\0" * (8 * MiB))
    with pytest.raises(LimitExceeded):
        decoders.bunzip2(bz_stream * 128, max_bytes=MiB)  # 1 GiB declared
    xz_stream = lzma.compress(b"\0" * (8 * MiB))
    with pytest.raises(LimitExceeded):
        decoders.unxz(xz_stream * 128, max_bytes=MiB)


# -- simple transforms --------------------------------------------------------------------------


def test_rot13_reverse_xor() -> None:
    assert decoders.rot13("vzcbeg bf") == "import os"
    assert decoders.rot13(b"vzcbeg") == b"import"
    assert decoders.reverse("so tropmi") == "import os"
    assert decoders.xor(bytes(b ^ 7 for b in CODE), 7) == CODE
    key = b"k3y"
    hidden = bytes(b ^ key[i % 3] for i, b in enumerate(CODE))
    assert decoders.xor(hidden, key) == CODE
    assert decoders.xor(hidden, "k3y") == CODE
    assert decoders.xor("".join(chr(ord(c) ^ 5) for c in "import"), 5) == "import"
    assert decoders.xor("\u4e2d", 1) == "\u4e2c"
    with pytest.raises(DecodeError):
        decoders.xor(b"abc", b"")
    with pytest.raises(DecodeError):
        decoders.xor(b"abc", 256)


def test_text_codecs_are_whitelisted() -> None:
    assert decoders.text_decode("é".encode("utf-16"), "UTF-16") == ("é", None)
    assert decoders.text_decode(b"\\x41\\u0042", "unicode_escape") == (
        "AB",
        "codecs.decode:unicode_escape",
    )
    with pytest.raises(DecodeError):
        decoders.text_decode(b"x", "rot13")
    with pytest.raises(DecodeError):
        decoders.text_decode(b"x", "some.module.codec")
    assert decoders.text_encode("é", "latin-1") == b"\xe9"


# -- the API table ------------------------------------------------------------------------------


def test_table_names() -> None:
    expected = {
        "base64.b64decode", "base64.urlsafe_b64decode", "base64.b32decode", "base64.b85decode",
        "base64.a85decode", "base64.b16decode", "binascii.unhexlify", "binascii.a2b_hex",
        "binascii.a2b_base64", "bytes.fromhex", "zlib.decompress", "gzip.decompress",
        "bz2.decompress", "lzma.decompress", "codecs.decode", "marshal.loads",
    }  # fmt: skip
    assert expected <= set(DECODERS)


@pytest.mark.parametrize(
    ("name", "data", "args", "expected", "label"),
    [
        ("base64.b64decode", base64.b64encode(CODE), (), CODE, "base64.b64decode"),
        ("base64.urlsafe_b64decode", base64.urlsafe_b64encode(b"\xff\xfe"), (), b"\xff\xfe", None),
        ("base64.b16decode", CODE.hex().upper(), (), CODE, "base64.b16decode"),
        ("binascii.a2b_hex", CODE.hex(), (), CODE, "binascii.a2b_hex"),
        ("bytearray.fromhex", CODE.hex(), (), CODE, "bytes.fromhex"),
        ("zlib.decompress", zlib.compress(CODE), (), CODE, "zlib.decompress"),
        ("zlib.decompress", gzip.compress(CODE, mtime=0), (31,), CODE, "zlib.decompress"),
        ("zlib.decompress", zlib.compress(CODE), (-15,), CODE, "zlib.decompress"),
        ("gzip.decompress", gzip.compress(CODE, mtime=0), (), CODE, "gzip.decompress"),
        ("bz2.decompress", bz2.compress(CODE), (), CODE, "bz2.decompress"),
        ("lzma.decompress", lzma.compress(CODE), (), CODE, "lzma.decompress"),
        ("codecs.decode", "vzcbeg bf", ("rot13",), "import os", "codecs.decode:rot13"),
        ("codecs.decode", "vzcbeg bf", ("rot_13",), "import os", "codecs.decode:rot13"),
        ("codecs.decode", CODE.hex(), ("hex",), CODE, "codecs.decode:hex"),
        ("codecs.decode", base64.b64encode(CODE), ("base64",), CODE, "codecs.decode:base64"),
        ("codecs.decode", zlib.compress(CODE), ("zlib",), CODE, "codecs.decode:zlib"),
        ("codecs.decode", bz2.compress(CODE), ("bz2_codec",), CODE, "codecs.decode:bz2"),
        ("codecs.decode", CODE, ("utf-8",), CODE.decode(), None),
        ("codecs.decode", CODE, (), CODE.decode(), None),
        ("codecs.encode", "vzcbeg", ("rot13",), "import", "codecs.encode:rot13"),
        ("codecs.encode", "é", ("utf-8",), "é".encode(), None),
    ],
)
def test_run_decoder(
    name: str, data: bytes | str, args: tuple[object, ...], expected: bytes | str, label: str | None
) -> None:
    value, got_label = run_decoder(name, data, args)  # type: ignore[arg-type]
    assert value == expected
    assert got_label == (label if label is not None or name != "base64.urlsafe_b64decode" else name)


def test_codecs_keyword_arguments() -> None:
    value, label = run_decoder("codecs.decode", "vzcbeg", (), {"encoding": "rot13"})
    assert (value, label) == ("import", "codecs.decode:rot13")


def test_codecs_encode_only_folds_rot13_among_binary_codecs() -> None:
    with pytest.raises(DecodeError):
        run_decoder("codecs.encode", b"abc", ("base64",))


def test_marshal_adapter_renders_without_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    blob = marshal.dumps(compile("import os\nos.system('x')\n", "<t>", "exec"))

    def forbidden(*args: object) -> object:
        raise AssertionError("marshal.loads must never run")

    monkeypatch.setattr(marshal, "loads", forbidden)
    text, label = run_decoder("marshal.loads", blob)
    assert label == "marshal.loads"
    assert isinstance(text, str)
    assert "'system'" in text
    assert "'x'" in text


def test_decoders_on_random_garbage_raise_only_decode_errors() -> None:
    rng = random.Random(1234)
    limits = Limits(decoded_bytes=64 * 1024)
    for _ in range(300):
        data = rng.randbytes(rng.randrange(0, 200))
        for name, adapter in DECODERS.items():
            args = ("rot13",) if name.startswith("codecs.") else ()
            for blob in (data, data.decode("latin-1")):
                with contextlib.suppress(DecodeError, LimitExceeded):
                    adapter(blob, args, {}, limits)
