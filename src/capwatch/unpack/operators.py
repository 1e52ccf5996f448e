"""Operators on constants: arithmetic, concatenation, repetition, ``%`` formatting, comparisons.

Sizes are checked before a result is built: ``"a" * 10 ** 12`` and ``1 << 10 ** 9`` give
``None`` without allocating. Values of the wrong kinds raise ``TypeError`` (not constant).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from capwatch.unpack.calls import MAX_INT_BITS, Context
from capwatch.unpack.const import Const, ConstValue, merge_chains, scalar, with_step
from capwatch.unpack.formatting import percent_format

_SHIFT_AND_BITS = (ast.LShift, ast.RShift, ast.BitXor, ast.BitAnd, ast.BitOr)
_ORDERED: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def is_number(value: object) -> bool:
    """Whether ``value`` is an ``int`` (``bool`` included) or a ``float``."""
    return isinstance(value, (int, float))


def truth(const: Const) -> bool:
    """Python truthiness of the value."""
    return bool(const.value)


def _same_blob_type(a: object, b: object) -> bool:
    return (isinstance(a, str) and isinstance(b, str)) or (
        isinstance(a, bytes) and isinstance(b, bytes)
    )


def binop(ctx: Context, op: ast.operator, left: Const, right: Const) -> Const | None:
    """``left <op> right``; ``None`` when unsupported or too large."""
    a, b = left.value, right.value
    chain = (
        merge_chains(left.chain, right.chain)
        if left.chain and right.chain
        else (left.chain or right.chain)
    )
    if type(a) is int and type(b) is int:  # the common case in obfuscated char codes
        return arith(ctx, op, a, b, chain)
    if isinstance(op, ast.Add):
        if isinstance(a, tuple) and isinstance(b, tuple):
            return ctx.new(a + b, chain) if len(a) + len(b) <= ctx.max_items else None
        if _same_blob_type(a, b):
            if len(a) + len(b) > ctx.max_len:  # type: ignore[arg-type]
                return None
            return ctx.new(a + b, chain)  # type: ignore[operator]
    elif isinstance(op, ast.Mult):
        return _repeat(ctx, a, b, chain)
    elif isinstance(op, ast.Mod) and isinstance(a, (str, bytes)):
        args = tuple(scalar(item) for item in b) if isinstance(b, tuple) else (scalar(right),)
        chains = [item.chain for item in b] if isinstance(b, tuple) else []
        text = percent_format(a, args, ctx.max_len)
        return None if text is None else ctx.new(text, merge_chains(chain, *chains))
    if not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return None
    return arith(ctx, op, a, b, chain)


def _repeat(ctx: Context, a: ConstValue, b: ConstValue, chain: tuple[str, ...]) -> Const | None:
    if isinstance(a, int) and isinstance(b, (str, bytes, tuple)):
        a, b = b, a
    if isinstance(b, int) and isinstance(a, (str, bytes, tuple)):
        count = max(int(b), 0)
        bound = ctx.max_items if isinstance(a, tuple) else ctx.max_len
        if len(a) * count > bound:  # checked before anything is allocated
            return None
        return ctx.new(a * count, chain)
    if is_number(a) and is_number(b):
        return arith(ctx, ast.Mult(), a, b, chain)  # type: ignore[arg-type]
    return None


def arith(
    ctx: Context, op: ast.operator, a: int | float, b: int | float, chain: tuple[str, ...]
) -> Const | None:
    """Numeric ``a <op> b`` with integer widths bounded by ``MAX_INT_BITS``; XOR is recorded."""
    both_int = isinstance(a, int) and isinstance(b, int)
    result: int | float
    if isinstance(op, ast.Add):
        result = a + b
    elif isinstance(op, ast.Sub):
        result = a - b
    elif isinstance(op, ast.Mult):
        if both_int and int(a).bit_length() + int(b).bit_length() > MAX_INT_BITS:
            return None
        result = a * b
    elif isinstance(op, ast.Div):
        result = a / b
    elif isinstance(op, ast.FloorDiv):
        result = a // b
    elif isinstance(op, ast.Mod):
        result = a % b
    elif isinstance(op, ast.Pow):
        if both_int and b > 0 and abs(a) > 1 and b * int(a).bit_length() > MAX_INT_BITS:
            return None
        if not both_int and abs(b) > 10_000:
            return None
        result = a**b
    elif both_int and isinstance(op, _SHIFT_AND_BITS):
        return _bits(ctx, op, int(a), int(b), chain)
    else:
        return None
    return ctx.new(result, chain)


def _bits(ctx: Context, op: ast.operator, x: int, y: int, chain: tuple[str, ...]) -> Const | None:
    if isinstance(op, ast.LShift):
        if y > MAX_INT_BITS or x.bit_length() + y > MAX_INT_BITS:
            return None
        return ctx.new(x << y, chain)
    if isinstance(op, ast.RShift):
        return ctx.new(x >> y, chain)
    if isinstance(op, ast.BitXor):
        return ctx.new(x ^ y, with_step(chain, "xor"))
    if isinstance(op, ast.BitAnd):
        return ctx.new(x & y, chain)
    return ctx.new(x | y, chain)


def unary(op: ast.unaryop, operand: Const) -> Const | None:
    """``not``, ``-``, ``+`` and ``~`` on a constant."""
    if isinstance(op, ast.Not):
        return Const(not truth(operand))
    value = operand.value
    if not isinstance(value, (int, float)):
        return None
    if isinstance(op, ast.USub):
        return Const(-value, operand.chain)
    if isinstance(op, ast.UAdd):
        return Const(+value, operand.chain)
    if isinstance(op, ast.Invert) and isinstance(value, int):
        return Const(~value, operand.chain)
    return None


def compare(op: ast.cmpop, left: Const, right: Const) -> bool | None:
    """One comparison of scalars (``in`` also over tuples); ``None`` when unsupported."""
    a, b = left.value, right.value
    if isinstance(op, (ast.In, ast.NotIn)):
        if isinstance(b, tuple):
            found = not isinstance(a, tuple) and any(
                not isinstance(item.value, tuple) and item.value == a for item in b
            )
        elif _same_blob_type(a, b):
            found = a in b  # type: ignore[operator]
        else:
            return None
        return found if isinstance(op, ast.In) else not found
    if isinstance(a, tuple) or isinstance(b, tuple):
        return None
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    ordered = _ORDERED.get(type(op))
    return None if ordered is None else bool(ordered(a, b))
