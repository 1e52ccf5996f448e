"""Decide whether decoded bytes are text worth re-analysing, and find hidden payloads.

:func:`decode_text` turns a decoded value into text when it plausibly is text or code;
:func:`looks_like_python` is a cheap test for code; :func:`try_decode_blob` tries the usual
encodings on a long literal that is not visibly passed to a decoder (it may be decoded through a
variable or ``getattr``) and keeps the decodings that look like code. All three are cheap on
ordinary strings: pre-checks on length and alphabet reject them in C-speed passes.
"""

from __future__ import annotations

import ast
import re

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack import decoders
from capwatch.unpack.const import Const
from capwatch.unpack.marshal_reader import MarshalError, read_marshal, render_marshal

MIN_BLOB_CHARS = 40
"""Shorter literals are never tried as encoded payloads."""
_MAX_PARSE_CHARS = 200_000
_CONTROL = bytes(c for c in range(32) if c not in b"\t\n\r\x0c") + b"\x7f"
_HIGH = bytes(range(128, 256))
_CODE_HINT = re.compile(
    r"^[ \t]*(?:import[ \t]+\w|from[ \t]+[\w.]+[ \t]+import\b|def[ \t]+\w+[ \t]*\(|class[ \t]+\w+[ \t]*[(:])"
    r"|\b(?:exec|eval|__import__|compile)[ \t]*\(",
    re.MULTILINE,
)
_HINT_WORDS = ("import", "def", "class", "exec", "eval", "compile")
_CODE_NODES = (ast.Call, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign)

_B64_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"
_HEX_CHARS = b"0123456789abcdefABCDEF"
_WHITESPACE = b" \t\n\r\x0b\x0c"
_B64_CHARS_WS = _B64_CHARS + _WHITESPACE
_HEAD = 256
_MARSHAL_CODE_STARTS = (0x63, 0xE3)  # 'c', 'c' | FLAG_REF


def decode_text(value: str | bytes, *, min_printable: float = 0.95) -> str | None:
    """``value`` as text if it plausibly is text or code, else ``None``.

    Bytes are read as UTF-8 (a BOM is dropped), else as Latin-1 with high bytes counted as
    unprintable. Text qualifies when at least ``min_printable`` of its characters (by UTF-8
    bytes) are not control characters other than tab, newline, carriage return and form feed.
    """
    if not value:
        return None
    if isinstance(value, str):
        raw = value.encode("utf-8", "surrogatepass")
        text = value
        penalty = 0
    else:
        raw = value.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
            penalty = 0
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            penalty = len(raw) - len(raw.translate(None, _HIGH))
    if not raw:
        return None
    bad = len(raw) - len(raw.translate(None, _CONTROL)) + penalty
    return text if bad <= (1.0 - min_printable) * len(raw) else None


def looks_like_python(text: str) -> bool:
    """Cheap test that ``text`` is Python code rather than data or prose.

    True when a line starts with ``import``/``from ... import``/``def``/``class``, or ``exec(``,
    ``eval(``, ``__import__(`` or ``compile(`` appears; otherwise when the text parses and holds
    a call, import, definition or assignment. Nothing is executed.
    """
    if len(text) < 4:
        return False
    if any(word in text for word in _HINT_WORDS) and _CODE_HINT.search(text) is not None:
        return True
    if len(text) > _MAX_PARSE_CHARS or "\x00" in text:
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return any(isinstance(node, _CODE_NODES) for node in ast.walk(tree))


def _only(raw: bytes, alphabet: bytes) -> bool:
    return not raw.translate(None, alphabet)


def _first_layer(raw: bytes, limits: Limits) -> list[tuple[bytes, str]]:
    """Base64 and hex readings of ``raw``, each with its decoder name."""
    if raw[:_HEAD].translate(None, _B64_CHARS_WS):
        return []  # the first characters already rule both alphabets out
    compact = raw.translate(None, _WHITESPACE)
    if len(compact) < MIN_BLOB_CHARS:
        return []
    found: list[tuple[bytes, str]] = []
    if _only(compact, _HEX_CHARS) and len(compact) % 2 == 0:
        found.append((decoders.hexdecode(compact, max_bytes=limits.decoded_bytes), "bytes.fromhex"))
    elif _only(compact, _B64_CHARS):
        urlsafe = b"-" in compact or b"_" in compact
        if urlsafe and (b"+" in compact or b"/" in compact):
            return found
        name = "base64.urlsafe_b64decode" if urlsafe else "base64.b64decode"
        found.append(
            (decoders.b64decode(compact, urlsafe=urlsafe, max_bytes=limits.decoded_bytes), name)
        )
    return found


DECOMPRESSORS = (
    (b"\x78", decoders.inflate, "zlib.decompress"),
    (b"\x1f\x8b", decoders.gunzip, "gzip.decompress"),
    (b"BZh", decoders.bunzip2, "bz2.decompress"),
    (b"\xfd7zXZ\x00", decoders.unxz, "lzma.decompress"),
)
"""Decompressors told by their magic bytes: ``(magic, decompress, the call it stands for)``."""


_Layer = tuple[bytes, tuple[str, ...], bool]
"""Bytes still to unpack, the chain that made them, and whether they are decoded bytes to
decompress and read (``True``) or text to decode as base64 or hex (``False``)."""


def _peel(
    data: bytes, chain: tuple[str, ...], limits: Limits, out: list[Const], *, encoded: bool
) -> None:
    """Follow compression, marshal and nested encodings until text that looks like code;
    ``data`` is text to decode first when ``encoded``, else bytes a decoder produced.

    Layer by layer, not by recursion: obfuscators wrap a payload in base64 and zlib dozens of
    times, and each layer is one more step of ``chain``, up to ``limits.decode_depth``. At most
    four times that many layers are tried in all (a literal read both as it stands and
    reversed could otherwise double the work at every layer)."""
    todo: list[_Layer] = [(data, chain, not encoded)]
    budget = 4 * (limits.decode_depth + 1)
    while todo and budget > 0:
        budget -= 1
        raw, steps, decoded = todo.pop()
        if decoded:
            _unwrap(raw, steps, limits, out, todo)
        elif len(steps) < limits.decode_depth:
            todo.extend(reversed(_decodings(raw, steps, limits)))


def _unwrap(
    data: bytes, chain: tuple[str, ...], limits: Limits, out: list[Const], todo: list[_Layer]
) -> None:
    """One decoded layer: decompressed, read as marshalled code, kept as code, or queued as
    text that may be encoded again."""
    if len(chain) > limits.decode_depth:
        return
    for magic, decompress, name in DECOMPRESSORS:
        if data.startswith(magic):
            try:
                inner = decompress(data, max_bytes=limits.decoded_bytes)
            except (decoders.DecodeError, LimitExceeded):
                continue
            todo.append((inner, (*chain, name), True))
            return
    if data and data[0] in _MARSHAL_CODE_STARTS:
        try:
            tree = read_marshal(data, max_depth=min(limits.recursion, 200))
        except MarshalError:
            pass
        else:
            out.append(Const(render_marshal(tree), (*chain, "marshal.loads")))
            return
    text = decode_text(data)
    if text is None:
        return
    if looks_like_python(text):
        out.append(Const(text, chain))
        return
    todo.append((text.encode("latin-1", "ignore"), chain, False))


def _decodings(raw: bytes, chain: tuple[str, ...], limits: Limits) -> list[_Layer]:
    """The base64 or hex readings of ``raw`` (also reversed when it starts with padding)."""
    candidates = [raw]
    if raw[:1] == b"=":  # base64 reversed with [::-1] starts with its padding
        candidates.append(raw[::-1])
    found: list[_Layer] = []
    for index, candidate in enumerate(candidates):
        steps = (*chain, "reverse") if index else chain
        try:
            layers = _first_layer(candidate, limits)
        except (decoders.DecodeError, LimitExceeded):
            continue
        found.extend((data, (*steps, name), True) for data, name in layers)
    return found


def try_decode_blob(value: str | bytes, limits: Limits) -> list[Const]:
    """Decodings of a bare literal that turn out to be code, with the chain that got there.

    Tries hex and base64 (standard or URL-safe, also reversed when it starts with padding),
    then decompression (zlib/gzip/bz2/xz by magic bytes), marshal code objects (rendered as
    with :func:`~capwatch.unpack.marshal_reader.render_marshal`) and further encoded layers, up
    to ``limits.decode_depth``. Literals shorter than 40 characters, or with characters outside
    those alphabets (spaces, punctuation), cost one ``translate`` and return ``[]``.
    """
    if len(value) < MIN_BLOB_CHARS:
        return []
    if isinstance(value, str):
        if not value.isascii():
            return []
        raw = value.encode("ascii")
    else:
        raw = value
    out: list[Const] = []
    _peel(raw, (), limits, out, encoded=True)
    return out
