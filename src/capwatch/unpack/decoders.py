"""Pure, bounded decoders for the encodings malware wraps its payloads in.

Every function here works on ``bytes``/``str`` values only and never executes anything. Base-N
decoders are lenient where the runtime would be too (whitespace, missing padding); decompressors
inflate incrementally and stop with :class:`~capwatch.errors.LimitExceeded` (``decoded_bytes``)
as soon as the output would pass ``max_bytes``, so a bomb costs at most ``max_bytes`` of work.

:data:`DECODERS` maps the qualified names of the runtime APIs (``"base64.b64decode"``,
``"zlib.decompress"``, ``"codecs.decode"``...) to adapters that take the evaluated call
arguments and return the decoded value with the label to record in a decode chain.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import codecs
import lzma
import zlib
from collections.abc import Callable, Mapping, Sequence
from types import EllipsisType

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack.marshal_reader import MarshalError, read_marshal, render_marshal

Blob = bytes | str
"""A value a decoder reads or produces."""
Arg = str | bytes | int | float | bool | None | EllipsisType
"""An evaluated call argument; ``...`` stands for an argument that could not be evaluated."""
DecoderFunc = Callable[[Blob, Sequence[Arg], Mapping[str, Arg], Limits], tuple[Blob, str | None]]
"""Adapter for one API: ``(data, extra args, keyword args, limits) -> (value, chain label)``.

The label is ``None`` for plain text codecs (``utf-8``), which decode nothing hidden."""

DEFAULT_MAX_BYTES = Limits().decoded_bytes


class DecodeError(ValueError):
    """The input is not valid for the decoder (the runtime call would have failed)."""


PICKLE_STEP = "pickle.loads"
"""Decode-chain step of pickled data read as the calls loading it makes (rendered as code)."""


def _too_big(max_bytes: int) -> LimitExceeded:
    return LimitExceeded("decoded_bytes", f"a decoded payload exceeds {max_bytes} bytes")


def _bounded(out: bytes, max_bytes: int) -> bytes:
    if len(out) > max_bytes:
        raise _too_big(max_bytes)
    return out


def as_bytes(data: Blob) -> bytes:
    """``data`` as bytes; text must be ASCII, as the base-N decoders of the runtime require."""
    if isinstance(data, bytes):
        return data
    try:
        return data.encode("ascii")
    except UnicodeEncodeError:
        raise DecodeError("text with non-ASCII characters") from None


def _need_bytes(data: Blob) -> bytes:
    if not isinstance(data, bytes):
        raise DecodeError("binary input expected")
    return data


_WHITESPACE = b" \t\n\r\x0b\x0c"
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_NOT_ALPHABET_OR_PAD = bytes(sorted(set(range(256)) - set(_B64_ALPHABET + b"=")))
_URLSAFE_TO_STD = bytes.maketrans(b"-_", b"+/")


def _strip_ws(raw: bytes) -> bytes:
    return raw.translate(None, _WHITESPACE)


# -- base-N ------------------------------------------------------------------------------------


def b64decode(
    data: Blob,
    *,
    altchars: bytes | None = None,
    urlsafe: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bytes:
    """Decode base64 like ``base64.b64decode`` (junk characters dropped), padding repaired."""
    raw = as_bytes(data)
    if urlsafe:
        raw = raw.translate(_URLSAFE_TO_STD)
    if altchars is not None:
        if len(altchars) != 2:
            raise DecodeError("altchars must be two bytes")
        raw = raw.translate(bytes.maketrans(altchars, b"+/"))
    core = raw.translate(None, _B64_NOT_ALPHABET_OR_PAD)
    body = core.rstrip(b"=")
    if b"=" not in body:
        remainder = len(body) % 4
        if remainder == 1:
            raise DecodeError("base64 length is not valid")
        core = body + b"=" * (-len(body) % 4)
    try:
        return _bounded(binascii.a2b_base64(core), max_bytes)
    except binascii.Error as exc:
        raise DecodeError(str(exc)) from None


def b32decode(
    data: Blob, *, hex_alphabet: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """Decode base32 (either case, padding repaired)."""
    raw = _strip_ws(as_bytes(data)).upper().rstrip(b"=")
    raw += b"=" * (-len(raw) % 8)
    try:
        out = base64.b32hexdecode(raw) if hex_alphabet else base64.b32decode(raw)
    except (binascii.Error, ValueError) as exc:
        raise DecodeError(str(exc)) from None
    return _bounded(out, max_bytes)


def b85decode(data: Blob, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decode base85 (the ``base64.b85decode`` alphabet)."""
    raw = _strip_ws(as_bytes(data))
    try:
        return _bounded(base64.b85decode(raw), max_bytes)
    except ValueError as exc:
        raise DecodeError(str(exc)) from None


def a85decode(data: Blob, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decode Ascii85, with or without the Adobe ``<~ ~>`` frame."""
    raw = as_bytes(data).strip()
    # 'z' and 'y' expand one character to four bytes: estimate before decoding.
    estimate = len(raw) + 4 * (raw.count(b"z") + raw.count(b"y"))
    if estimate > max_bytes + 8:
        raise _too_big(max_bytes)
    adobe = raw.startswith(b"<~")
    try:
        return _bounded(base64.a85decode(raw, adobe=adobe), max_bytes)
    except ValueError as exc:
        raise DecodeError(str(exc)) from None


def hexdecode(data: Blob, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decode hex digits of either case; whitespace is ignored (as ``bytes.fromhex`` does)."""
    raw = _strip_ws(as_bytes(data))
    try:
        return _bounded(binascii.unhexlify(raw), max_bytes)
    except binascii.Error as exc:
        raise DecodeError(str(exc)) from None


# -- decompressors ------------------------------------------------------------------------------

_ZLIB_AUTO = -1


def _zlib_wbits(data: bytes) -> int:
    """Pick zlib, gzip or raw deflate framing from the first bytes."""
    if data[:2] == b"\x1f\x8b":
        return 31
    if len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0:
        return 15
    return -15


def inflate(data: Blob, *, wbits: int = _ZLIB_AUTO, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Inflate zlib, gzip (all members) or raw deflate data; framing detected unless ``wbits``."""
    raw = _need_bytes(data)
    if wbits == _ZLIB_AUTO:
        wbits = _zlib_wbits(raw)
    out = bytearray()
    while True:
        try:
            inflater = zlib.decompressobj(wbits)
            out += inflater.decompress(raw, max_bytes + 1 - len(out))
        except (zlib.error, ValueError) as exc:
            raise DecodeError(str(exc)) from None
        if len(out) > max_bytes:
            raise _too_big(max_bytes)
        if not inflater.eof:
            raise DecodeError("compressed data is truncated")
        raw = inflater.unused_data
        # gzip allows several members back to back; anything else after the end is ignored.
        if not (wbits > 15 and raw[:2] == b"\x1f\x8b"):
            return bytes(out)


def gunzip(data: Blob, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress gzip data (every member)."""
    return inflate(data, wbits=31, max_bytes=max_bytes)


def bunzip2(data: Blob, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress bzip2 data, including concatenated streams."""
    raw = _need_bytes(data)
    out = bytearray()
    while raw:
        decompressor = bz2.BZ2Decompressor()
        try:
            out += decompressor.decompress(raw, max_bytes + 1 - len(out))
        except (OSError, ValueError, EOFError) as exc:
            if out:
                break  # trailing junk after a complete stream is ignored, as bz2.decompress does
            raise DecodeError(str(exc)) from None
        if len(out) > max_bytes:
            raise _too_big(max_bytes)
        if not decompressor.eof:
            raise DecodeError("compressed data is truncated")
        raw = decompressor.unused_data
    return bytes(out)


def unxz(data: Blob, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress xz or legacy lzma data (every stream); dictionary memory bounded too."""
    raw = _need_bytes(data)
    if not raw:
        raise DecodeError("empty lzma input")
    memlimit = max(64 * 1024 * 1024, 8 * max_bytes)
    out = bytearray()
    while raw:
        decompressor = lzma.LZMADecompressor(lzma.FORMAT_AUTO, memlimit=memlimit)
        try:
            out += decompressor.decompress(raw, max_bytes + 1 - len(out))
        except lzma.LZMAError as exc:
            if "memory" in str(exc).lower():
                raise LimitExceeded(
                    "decoded_bytes", f"lzma data needs more than {memlimit} bytes of memory"
                ) from None
            if out:
                break
            raise DecodeError(str(exc)) from None
        if len(out) > max_bytes:
            raise _too_big(max_bytes)
        if not decompressor.eof:
            raise DecodeError("compressed data is truncated")
        raw = decompressor.unused_data
    return bytes(out)


# -- simple transforms --------------------------------------------------------------------------

_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
_ROT13_BYTES = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    b"NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)


def rot13(data: Blob) -> Blob:
    """Rotate ASCII letters by 13 (its own inverse)."""
    if isinstance(data, bytes):
        return data.translate(_ROT13_BYTES)
    return data.translate(_ROT13)


def reverse(data: Blob) -> Blob:
    """Reverse a string or byte string."""
    return data[::-1]


def xor(data: Blob, key: int | bytes | str) -> Blob:
    """XOR every byte (or character code) with ``key``; a multi-byte key repeats.

    Text XORed with an int key stays text (``chr(ord(c) ^ k)``). Runs at C speed.
    """
    if isinstance(key, str):
        key = key.encode("latin-1")
    if isinstance(data, str):
        if isinstance(key, int) and 0 <= key < 256 and data.isascii():
            table = bytes(i ^ key for i in range(256))
            return data.encode("latin-1").translate(table).decode("latin-1")
        if isinstance(key, int):
            if not 0 <= key <= 0x10FFFF:
                raise DecodeError("xor key out of range")
            return "".join(chr(ord(c) ^ key) for c in data)
        raise DecodeError("text xor with a byte key")
    if isinstance(key, int):
        if not 0 <= key < 256:
            raise DecodeError("xor key out of range")
        return data.translate(bytes(i ^ key for i in range(256)))
    if not key:
        raise DecodeError("empty xor key")
    stream = (key * (len(data) // len(key) + 1))[: len(data)]
    value = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
    return value.to_bytes(len(data), "big")


# -- text codecs --------------------------------------------------------------------------------

TEXT_CODECS = frozenset(
    {
        "utf_8", "utf8", "u8", "utf", "utf_8_sig", "utf_16", "utf_16_le", "utf_16_be", "utf_32",
        "utf_32_le", "utf_32_be", "latin_1", "latin1", "l1", "iso_8859_1", "iso8859_1", "ascii",
        "us_ascii", "cp1252", "windows_1252", "cp437", "unicode_escape", "raw_unicode_escape",
    }
)  # fmt: skip
"""Text codecs the evaluator may run (all stdlib, bounded, output no longer than 4x input)."""
_ESCAPE_CODECS = frozenset({"unicode_escape", "raw_unicode_escape"})


def normalize_encoding(name: str) -> str:
    """``"UTF-8"`` -> ``"utf_8"``: the spelling used by :data:`TEXT_CODECS` and binary codecs."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def text_decode(
    data: Blob, encoding: str = "utf-8", errors: str = "strict"
) -> tuple[str, str | None]:
    """``bytes.decode`` restricted to :data:`TEXT_CODECS`; label set for escape codecs."""
    name = normalize_encoding(encoding)
    if name not in TEXT_CODECS:
        raise DecodeError(f"codec {encoding!r} is not evaluated")
    if errors not in ("strict", "ignore", "replace", "surrogateescape", "backslashreplace"):
        raise DecodeError(f"error handler {errors!r} is not evaluated")
    raw = data.encode("utf-8") if isinstance(data, str) and name in _ESCAPE_CODECS else data
    if not isinstance(raw, bytes):
        raise DecodeError("text codecs decode bytes")
    try:
        text = codecs.decode(raw, name, errors)
    except (UnicodeError, ValueError, LookupError) as exc:
        raise DecodeError(str(exc)) from None
    if not isinstance(text, str):
        raise DecodeError("codec did not produce text")
    return text, ("codecs.decode:" + name if name in _ESCAPE_CODECS else None)


def text_encode(data: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """``str.encode`` restricted to :data:`TEXT_CODECS`."""
    name = normalize_encoding(encoding)
    if name not in TEXT_CODECS:
        raise DecodeError(f"codec {encoding!r} is not evaluated")
    if errors not in ("strict", "ignore", "replace", "surrogatepass", "backslashreplace"):
        raise DecodeError(f"error handler {errors!r} is not evaluated")
    try:
        out = codecs.encode(data, name, errors)
    except (UnicodeError, ValueError, LookupError) as exc:
        raise DecodeError(str(exc)) from None
    if not isinstance(out, bytes):
        raise DecodeError("codec did not produce bytes")
    return out


# -- API adapters -------------------------------------------------------------------------------


def _arg(args: Sequence[Arg], kwargs: Mapping[str, Arg], index: int, name: str) -> Arg:
    """Argument ``index`` of the extra arguments, or keyword ``name``; ``None`` if absent."""
    if index < len(args):
        return args[index]
    return kwargs.get(name)


def _str_arg(value: Arg, default: str) -> str:
    if value is None:
        return default
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    raise DecodeError("text argument expected")


def _plain(func: Callable[..., bytes], label: str) -> DecoderFunc:
    def adapter(
        data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
    ) -> tuple[Blob, str | None]:
        return func(data, max_bytes=limits.decoded_bytes), label

    return adapter


def _b64_api(label: str, *, urlsafe: bool = False) -> DecoderFunc:
    def adapter(
        data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
    ) -> tuple[Blob, str | None]:
        alt = _arg(args, kwargs, 0, "altchars")
        altchars = as_bytes(alt) if isinstance(alt, (bytes, str)) else None
        out = b64decode(data, altchars=altchars, urlsafe=urlsafe, max_bytes=limits.decoded_bytes)
        return out, label

    return adapter


def _b32hex_api(
    data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
) -> tuple[Blob, str | None]:
    return b32decode(data, hex_alphabet=True, max_bytes=limits.decoded_bytes), "base64.b32hexdecode"


def _zlib_api(
    data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
) -> tuple[Blob, str | None]:
    wbits = _arg(args, kwargs, 0, "wbits")
    if isinstance(wbits, int) and not isinstance(wbits, bool) and wbits != 0:
        try:
            return inflate(data, wbits=wbits, max_bytes=limits.decoded_bytes), "zlib.decompress"
        except DecodeError:
            pass  # the runtime would fail; detecting the framing still shows the payload
    return inflate(data, max_bytes=limits.decoded_bytes), "zlib.decompress"


def _marshal_api(
    data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
) -> tuple[Blob, str | None]:
    try:
        tree = read_marshal(_need_bytes(data), max_depth=min(limits.recursion, 200))
    except MarshalError as exc:
        raise DecodeError(str(exc)) from None
    text = render_marshal(tree)
    if len(text) > limits.decoded_bytes:
        raise _too_big(limits.decoded_bytes)
    return text, "marshal.loads"


def _pickle_api(
    data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
) -> tuple[Blob, str | None]:
    # the reader of pickles lives with the front end it hands its calls to
    from capwatch.lang.serialized import render_pickle

    text = render_pickle(_need_bytes(data), limits)
    if len(text) > limits.decoded_bytes:
        raise _too_big(limits.decoded_bytes)
    return text, PICKLE_STEP


_BINARY_CODECS: Mapping[str, tuple[str, Callable[[Blob, int], Blob]]] = {
    "rot13": ("rot13", lambda d, m: rot13(d)),
    "rot_13": ("rot13", lambda d, m: rot13(d)),
    "hex": ("hex", lambda d, m: hexdecode(d, max_bytes=m)),
    "hex_codec": ("hex", lambda d, m: hexdecode(d, max_bytes=m)),
    "base64": ("base64", lambda d, m: b64decode(d, max_bytes=m)),
    "base_64": ("base64", lambda d, m: b64decode(d, max_bytes=m)),
    "base64_codec": ("base64", lambda d, m: b64decode(d, max_bytes=m)),
    "zlib": ("zlib", lambda d, m: inflate(d, max_bytes=m)),
    "zip": ("zlib", lambda d, m: inflate(d, max_bytes=m)),
    "zlib_codec": ("zlib", lambda d, m: inflate(d, max_bytes=m)),
    "bz2": ("bz2", lambda d, m: bunzip2(d, max_bytes=m)),
    "bz2_codec": ("bz2", lambda d, m: bunzip2(d, max_bytes=m)),
}


def _codecs_api(api: str) -> DecoderFunc:
    def adapter(
        data: Blob, args: Sequence[Arg], kwargs: Mapping[str, Arg], limits: Limits
    ) -> tuple[Blob, str | None]:
        encoding = _str_arg(_arg(args, kwargs, 0, "encoding"), "utf-8")
        errors = _str_arg(_arg(args, kwargs, 1, "errors"), "strict")
        name = normalize_encoding(encoding)
        binary = _BINARY_CODECS.get(name)
        if binary is not None:
            if api == "codecs.encode" and binary[0] != "rot13":
                raise DecodeError("only rot13 is folded by codecs.encode")
            if binary[0] == "rot13" and not isinstance(data, str):
                raise DecodeError("rot13 works on text")
            return binary[1](data, limits.decoded_bytes), f"{api}:{binary[0]}"
        if api == "codecs.encode":
            if not isinstance(data, str):
                raise DecodeError("text expected")
            return text_encode(data, encoding, errors), None
        return text_decode(data, encoding, errors)

    return adapter


DECODERS: Mapping[str, DecoderFunc] = {
    "base64.b64decode": _b64_api("base64.b64decode"),
    "base64.standard_b64decode": _b64_api("base64.standard_b64decode"),
    "base64.urlsafe_b64decode": _b64_api("base64.urlsafe_b64decode", urlsafe=True),
    "base64.decodebytes": _b64_api("base64.decodebytes"),
    "base64.decodestring": _b64_api("base64.decodestring"),
    "binascii.a2b_base64": _b64_api("binascii.a2b_base64"),
    "base64.b32decode": _plain(b32decode, "base64.b32decode"),
    "base64.b32hexdecode": _b32hex_api,
    "base64.b85decode": _plain(b85decode, "base64.b85decode"),
    "base64.a85decode": _plain(a85decode, "base64.a85decode"),
    "base64.b16decode": _plain(hexdecode, "base64.b16decode"),
    "binascii.unhexlify": _plain(hexdecode, "binascii.unhexlify"),
    "binascii.a2b_hex": _plain(hexdecode, "binascii.a2b_hex"),
    "bytes.fromhex": _plain(hexdecode, "bytes.fromhex"),
    "bytearray.fromhex": _plain(hexdecode, "bytes.fromhex"),
    "zlib.decompress": _zlib_api,
    "gzip.decompress": _plain(gunzip, "gzip.decompress"),
    "bz2.decompress": _plain(bunzip2, "bz2.decompress"),
    "lzma.decompress": _plain(unxz, "lzma.decompress"),
    "codecs.decode": _codecs_api("codecs.decode"),
    "codecs.encode": _codecs_api("codecs.encode"),
    "marshal.loads": _marshal_api,
    "pickle.loads": _pickle_api,
    "_pickle.loads": _pickle_api,
    "cPickle.loads": _pickle_api,
    "dill.loads": _pickle_api,
}
"""Qualified API name -> adapter. Labels are the API names (``codecs.*`` add ``:codec``)."""


def run_decoder(
    name: str,
    data: Blob,
    args: Sequence[Arg] = (),
    kwargs: Mapping[str, Arg] | None = None,
    *,
    limits: Limits | None = None,
) -> tuple[Blob, str | None]:
    """Apply the :data:`DECODERS` entry ``name``; raises :class:`DecodeError` or ``LimitExceeded``."""
    return DECODERS[name](data, args, kwargs or {}, limits or Limits())
