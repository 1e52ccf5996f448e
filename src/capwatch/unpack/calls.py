"""Builtin functions and ``str``/``bytes`` methods evaluated on constants.

Each entry takes the evaluated positional and keyword arguments and returns a constant or
``None``. Sizes are checked before anything that could grow is built. Type mismatches raise the
ordinary ``TypeError``/``ValueError`` that the evaluator turns into "not constant".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from capwatch.unpack import decoders
from capwatch.unpack.const import (
    Const,
    ConstValue,
    Scalar,
    item_count,
    merge_chains,
    scalar,
    with_step,
)
from capwatch.unpack.formatting import format_value, str_format

MAX_INT_BITS = 1 << 16
"""Integers wider than this are not built (``2 ** 10 ** 9`` would take forever)."""


class Context(Protocol):
    """What call handlers need from the evaluator: bounds and accounting."""

    max_len: int
    """Longest string or byte string built."""
    max_items: int
    """Most items in one sequence built."""

    def new(self, value: ConstValue, chain: tuple[str, ...]) -> Const | None:
        """A constant if ``value`` is within bounds (charging its size), else ``None``."""

    def items(self, const: Const) -> tuple[Const, ...] | None:
        """The items of an iterable constant (charged), ``None`` if more than ``max_items``."""

    def charge(self, steps: int) -> None:
        """Spend ``steps`` of the evaluation budget (``LimitExceeded`` when exhausted)."""


Handler = Callable[[Context, Sequence[Const], Mapping[str, Const]], Const | None]


def chain_of(*consts: Const | None) -> tuple[str, ...]:
    """The merged chain of the given constants."""
    return merge_chains(*(c.chain for c in consts if c is not None))


def _opt(args: Sequence[Const], kwargs: Mapping[str, Const], index: int, name: str) -> Const | None:
    if index < len(args):
        return args[index]
    return kwargs.get(name)


def _text(const: Const | None, default: str) -> str:
    if const is None:
        return default
    value = const.value
    if isinstance(value, str):
        return value
    raise TypeError("text expected")


def _int(const: Const) -> int:
    value = const.value
    if isinstance(value, int):  # bool too, as in Python
        return int(value)
    raise TypeError("int expected")


HIDDEN_BYTES_MIN = 4
"""``bytes`` of a list of numbers counts as decoding (``chr``) from this many items: text
written as character codes, not a byte or two of binary data."""


# -- builtins -----------------------------------------------------------------------------------


def _chr(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    (code,) = args
    return Const(chr(_int(code)), with_step(code.chain, "chr"))


def _ord(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    (char,) = args
    value = scalar(char)
    if not isinstance(value, (str, bytes)):
        raise TypeError("ord of a non-string")
    return Const(ord(value), char.chain)


def _bytes(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    if not args:
        return Const(b"")
    source = args[0]
    value = source.value
    encoding = _opt(args, kwargs, 1, "encoding")
    if isinstance(value, str):
        if encoding is None:
            raise TypeError("string argument without an encoding")
        errors = _text(_opt(args, kwargs, 2, "errors"), "strict")
        return ctx.new(decoders.text_encode(value, _text(encoding, "utf-8"), errors), source.chain)
    if encoding is not None or len(args) > 1:
        raise TypeError("encoding without a string")
    if isinstance(value, bytes):
        return source
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= ctx.max_len:
            return None
        return ctx.new(bytes(value), source.chain)
    items = ctx.items(source)
    if items is None:
        return None
    chain = chain_of(source, *items)
    # a few bytes written as numbers (``bytes([255])``, ``bytes([0, 0])``) hide no text;
    # numbers that a decoding step made are part of the decoding, however few
    hidden = len(items) >= HIDDEN_BYTES_MIN or bool(chain)
    return ctx.new(bytes(_int(item) for item in items), with_step(chain, "chr") if hidden else chain)


def _str(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    if not args:
        return Const("")
    source = args[0]
    value = scalar(source)
    encoding = _opt(args, kwargs, 1, "encoding")
    errors = _opt(args, kwargs, 2, "errors")
    if encoding is not None or errors is not None:
        if not isinstance(value, bytes):
            raise TypeError("decoding a non-bytes value")
        text, label = decoders.text_decode(value, _text(encoding, "utf-8"), _text(errors, "strict"))
        return ctx.new(text, (*source.chain, label) if label else source.chain)
    if isinstance(value, bytes) and 4 * len(value) + 3 > ctx.max_len:
        return None
    return ctx.new(str(value), source.chain)


def _int_call(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    if not args:
        return Const(0)
    value = scalar(args[0])
    base = _opt(args, kwargs, 1, "base")
    if base is not None:
        if not isinstance(value, (str, bytes)):
            raise TypeError("base with a non-string")
        return Const(int(value, _int(base)), args[0].chain)
    if isinstance(value, (str, bytes, int, float)):
        return Const(int(value), args[0].chain)
    raise TypeError("int of an unsupported value")


def _radix(func: Callable[[int], str]) -> Handler:
    def handler(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
        (number,) = args
        return Const(func(_int(number)), number.chain)

    return handler


def _len(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    (source,) = args
    return Const(item_count(source))


def _abs(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    (number,) = args
    value = scalar(number)
    if not isinstance(value, (int, float)):
        raise TypeError("abs of a non-number")
    return Const(abs(value), number.chain)


def _sequence(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    if not args:
        return ctx.new((), ())
    (source,) = args
    items = ctx.items(source)
    return None if items is None else ctx.new(items, source.chain)


def _reversed(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    (source,) = args
    items = ctx.items(source)
    return None if items is None else ctx.new(items[::-1], with_step(source.chain, "reverse"))


def _range(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    bounds = range(*(_int(a) for a in args))
    if len(bounds) > ctx.max_items:
        return None
    ctx.charge(len(bounds))
    return ctx.new(tuple(Const(i) for i in bounds), ())


def _enumerate(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    source = args[0]
    start_const = _opt(args, kwargs, 1, "start")
    start = _int(start_const) if start_const is not None else 0
    items = ctx.items(source)
    if items is None:
        return None
    pairs = []
    for offset, item in enumerate(items):
        pair = ctx.new((Const(start + offset), item), ())
        if pair is None:
            return None
        pairs.append(pair)
    return ctx.new(tuple(pairs), source.chain)


def _float(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    if not args:
        return Const(0.0)
    value = scalar(args[0])
    if isinstance(value, bytes) or value is None:
        raise TypeError("float of an unsupported value")
    if isinstance(value, str) and len(value) > 400:
        return None
    return Const(float(value), args[0].chain)


def _round(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    value = scalar(args[0])
    if not isinstance(value, (int, float)):
        raise TypeError("round of a non-number")
    if len(args) > 1:
        return Const(round(value, _int(args[1])), args[0].chain)
    return Const(round(value), args[0].chain)


def _numbers(ctx: Context, args: Sequence[Const]) -> list[int | float]:
    items = args if len(args) > 1 else ctx.items(args[0])
    if items is None:
        raise TypeError("too many items")
    values: list[int | float] = []
    for item in items:
        if not isinstance(item.value, (int, float)):
            raise TypeError("numbers expected")
        values.append(item.value)
    return values


def _min_max(pick: Callable[[list[int | float]], int | float]) -> Handler:
    def handler(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
        if kwargs or not args:
            return None
        return ctx.new(pick(_numbers(ctx, args)), chain_of(*args))

    return handler


def _sum(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    if kwargs or len(args) != 1:
        return None
    return ctx.new(sum(_numbers(ctx, args)), chain_of(*args))


def _compile(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    source = args[0] if args else kwargs.get("source")
    if source is None or not source.is_blob:
        return None
    return source  # the source text is what a scanner wants from compile(...)


def _format(ctx: Context, args: Sequence[Const], kwargs: Mapping[str, Const]) -> Const | None:
    value = scalar(args[0])
    spec = _text(_opt(args, kwargs, 1, "format_spec"), "")
    text = format_value(value, spec, -1, ctx.max_len)
    return None if text is None else ctx.new(text, args[0].chain)


BUILTINS: Mapping[str, Handler] = {
    "chr": _chr,
    "ord": _ord,
    "bytes": _bytes,
    "bytearray": _bytes,
    "str": _str,
    "int": _int_call,
    "hex": _radix(hex),
    "oct": _radix(oct),
    "bin": _radix(bin),
    "len": _len,
    "abs": _abs,
    "list": _sequence,
    "tuple": _sequence,
    "reversed": _reversed,
    "range": _range,
    "enumerate": _enumerate,
    "compile": _compile,
    "float": _float,
    "round": _round,
    "min": _min_max(min),
    "max": _min_max(max),
    "sum": _sum,
    "format": _format,
}
"""Builtins by bare name (the evaluator strips a ``builtins.`` prefix)."""


# -- methods ------------------------------------------------------------------------------------


def _join(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    (source,) = args
    sep = recv.value
    if not (isinstance(sep, (str, bytes))):
        raise TypeError("unexpected receiver or argument type")
    items = ctx.items(source)
    if items is None:
        return None
    parts: list[str | bytes] = []
    total = len(sep) * max(len(items) - 1, 0)
    for item in items:
        value = item.value
        if type(value) is not type(sep):
            raise TypeError("join of mixed types")
        if not (isinstance(value, (str, bytes))):
            raise TypeError("unexpected receiver or argument type")
        total += len(value)
        parts.append(value)
    if total > ctx.max_len:
        return None
    joined = sep.join(parts)  # type: ignore[arg-type]
    return ctx.new(joined, merge_chains(recv.chain, source.chain, *(i.chain for i in items)))


def _replace(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    old, new = scalar(args[0]), scalar(args[1])
    count = _int(args[2]) if len(args) > 2 else -1
    value = recv.value
    if type(old) is not type(value) or type(new) is not type(value):
        raise TypeError("replace with mixed types")
    if not (
        isinstance(value, (str, bytes))
        and isinstance(old, (str, bytes))
        and isinstance(new, (str, bytes))
    ):
        raise TypeError("unexpected receiver or argument type")
    hits = value.count(old) if old else len(value) + 1  # type: ignore[arg-type]
    if count >= 0:
        hits = min(hits, count)
    if len(value) + hits * (len(new) - len(old)) > ctx.max_len:
        return None
    result = value.replace(old, new, count)  # type: ignore[arg-type]
    return ctx.new(result, chain_of(recv, args[0], args[1]))


def _decode(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    encoding = _text(_opt(args, kwargs, 0, "encoding"), "utf-8")
    errors = _text(_opt(args, kwargs, 1, "errors"), "strict")
    value = recv.value
    if not (isinstance(value, (str, bytes))):
        raise TypeError("unexpected receiver or argument type")
    text, label = decoders.text_decode(value, encoding, errors)
    return ctx.new(text, (*recv.chain, label) if label else recv.chain)


def _py2_decode(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    """Python 2 ``"...".decode("base64")``: the codec is applied as ``codecs.decode`` would."""
    encoding = _text(_opt(args, kwargs, 0, "encoding"), "utf-8")
    errors = _text(_opt(args, kwargs, 1, "errors"), "strict")
    value = recv.value
    if not isinstance(value, str):
        raise TypeError("unexpected receiver type")
    if decoders.normalize_encoding(encoding) in decoders.TEXT_CODECS:
        text, label = decoders.text_decode(value.encode("latin-1"), encoding, errors)
        return ctx.new(text, (*recv.chain, label) if label else recv.chain)
    decoded, label = decoders.run_decoder("codecs.decode", value, (encoding,))
    return ctx.new(decoded, (*recv.chain, label) if label else recv.chain)


def _encode(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    encoding = _text(_opt(args, kwargs, 0, "encoding"), "utf-8")
    errors = _text(_opt(args, kwargs, 1, "errors"), "strict")
    value = recv.value
    if not (isinstance(value, str)):
        raise TypeError("unexpected receiver or argument type")
    if 4 * len(value) > ctx.max_len and len(value.encode("utf-8", "ignore")) > ctx.max_len:
        return None
    return ctx.new(decoders.text_encode(value, encoding, errors), recv.chain)


def _str_format(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    fmt = recv.value
    if not (isinstance(fmt, str)):
        raise TypeError("unexpected receiver or argument type")
    values = tuple(scalar(a) for a in args)
    named = {key: scalar(value) for key, value in kwargs.items()}
    text = str_format(fmt, values, named, ctx.max_len)
    if text is None:
        return None
    return ctx.new(text, chain_of(recv, *args, *kwargs.values()))


def _hex_method(
    ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
) -> Const | None:
    value = recv.value
    if not (isinstance(value, bytes)):
        raise TypeError("unexpected receiver or argument type")
    if args or kwargs or 2 * len(value) > ctx.max_len:
        return None
    return ctx.new(value.hex(), recv.chain)


def _simple(
    name: str, max_args: int
) -> Callable[[Context, Const, Sequence[Const], Mapping[str, Const]], Const | None]:
    """A method that cannot grow its receiver: strip, upper, split, startswith..."""

    def handler(
        ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
    ) -> Const | None:
        if len(args) > max_args or kwargs:
            return None
        values = [scalar(a) for a in args]
        if name in _SPLITTERS and _split_parts(recv.value, values) > ctx.max_items:
            return None
        result: object = getattr(recv.value, name)(*values)
        chain = chain_of(recv, *args)
        if isinstance(result, list):
            ctx.charge(len(result))
            return ctx.new(tuple(Const(part, chain) for part in result), chain)
        if isinstance(result, (str, bytes, int, bool)):
            return ctx.new(result, chain)
        return None

    return handler


_SPLITTERS = frozenset({"split", "rsplit", "splitlines"})


def _split_parts(value: ConstValue, args: Sequence[Scalar]) -> int:
    """An upper bound of the parts a split makes, computed without splitting."""
    if not isinstance(value, (str, bytes)):
        raise TypeError("split of a non-string")
    sep = args[0] if args else None
    if isinstance(sep, (str, bytes)) and sep:
        return value.count(sep) + 1  # type: ignore[arg-type]
    return len(value) // 2 + 1


def _pad(
    name: str,
) -> Callable[[Context, Const, Sequence[Const], Mapping[str, Const]], Const | None]:
    """``zfill``/``ljust``/``rjust``/``center``: the width is checked first."""

    def handler(
        ctx: Context, recv: Const, args: Sequence[Const], kwargs: Mapping[str, Const]
    ) -> Const | None:
        if not args or len(args) > 2 or kwargs or _int(args[0]) > ctx.max_len:
            return None
        values = [scalar(a) for a in args]
        return ctx.new(getattr(recv.value, name)(*values), chain_of(recv, *args))

    return handler


MethodHandler = Callable[[Context, Const, Sequence[Const], Mapping[str, Const]], Const | None]

_SHARED: dict[str, MethodHandler] = {
    "join": _join,
    "replace": _replace,
    "zfill": _pad("zfill"),
    "ljust": _pad("ljust"),
    "rjust": _pad("rjust"),
    "center": _pad("center"),
    **{
        name: _simple(name, limit)
        for name, limit in (
            ("strip", 1), ("lstrip", 1), ("rstrip", 1), ("upper", 0), ("lower", 0),
            ("swapcase", 0), ("title", 0), ("capitalize", 0), ("split", 2), ("rsplit", 2),
            ("splitlines", 1), ("startswith", 3), ("endswith", 3), ("find", 3), ("rfind", 3),
            ("count", 3), ("removeprefix", 1), ("removesuffix", 1), ("index", 3), ("rindex", 3),
        )
    },
}  # fmt: skip

STR_METHODS: Mapping[str, MethodHandler] = {
    **_SHARED,
    "encode": _encode,
    "decode": _py2_decode,
    "format": _str_format,
    "casefold": _simple("casefold", 0),
}
"""Methods called on a constant ``str`` receiver."""

BYTES_METHODS: Mapping[str, MethodHandler] = {**_SHARED, "decode": _decode, "hex": _hex_method}
"""Methods called on a constant ``bytes`` receiver."""


def scalars(args: Sequence[Const]) -> tuple[Scalar, ...]:
    """The scalar values of ``args`` (``TypeError`` if any is a tuple)."""
    return tuple(scalar(a) for a in args)
