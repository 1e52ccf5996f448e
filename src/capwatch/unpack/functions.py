"""Callables the evaluator can see through: builtin objects' texts and small helper functions.

Obfuscators spell names out of the texts of builtins (``oct.__str__()[-3]`` is ``"c"``) and hide
a decoder behind a one-line helper (``def d(s): return b64decode(s).decode()``). The texts come
from this interpreter's own builtins; helpers are only ever read as syntax trees.
"""

from __future__ import annotations

import ast
import builtins
import types
from dataclasses import dataclass

FunctionLike = ast.FunctionDef | ast.Lambda
"""A function the evaluator may inline: ``def`` of the simple shape, or ``lambda``."""

_FUNCTION_NAMES = frozenset(
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), types.BuiltinFunctionType) and not name.startswith("_")
)
_TYPE_NAMES = frozenset(
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type)
    and not issubclass(getattr(builtins, name), BaseException)
    and not name.startswith("_")
)
_PRINTER_TEXTS = {
    name: repr(getattr(builtins, name))
    for name in ("copyright", "credits", "license", "exit", "quit")
    if hasattr(builtins, name)
}
BUILTIN_MODULES = frozenset({"builtins", "__builtins__"})
MAX_BODY_STATEMENTS = 16


def builtin_text(name: str) -> str | None:
    """``str()`` of the builtin object ``name`` (``"<built-in function chr>"``), if it is one."""
    if name in _FUNCTION_NAMES:
        return f"<built-in function {name}>"
    if name in _TYPE_NAMES:
        return f"<class '{name}'>"
    return _PRINTER_TEXTS.get(name)


def strip_builtins(name: str) -> str:
    """``"builtins.chr"`` and ``"__builtins__.chr"`` -> ``"chr"``."""
    for prefix in ("builtins.", "__builtins__."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass(frozen=True, slots=True)
class InlineBody:
    """A function reduced to parameters, local constant assignments and one returned value."""

    params: tuple[str, ...]
    defaults: tuple[ast.expr, ...]
    """Default values of the last ``len(defaults)`` parameters."""
    assignments: tuple[tuple[str, ast.expr], ...]
    result: ast.expr


def inline_body(function: FunctionLike) -> InlineBody | None:
    """The inlinable shape of ``function``, or ``None``.

    Accepted: positional parameters (with defaults), an optional docstring, up to 16 simple
    ``name = value`` assignments, then ``return value``; no decorators, ``*args`` or keywords-only
    parameters. A ``lambda`` is its body.
    """
    args = function.args
    if args.vararg or args.kwarg or args.kwonlyargs:
        return None
    params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
    defaults = tuple(args.defaults)
    if isinstance(function, ast.Lambda):
        return InlineBody(params, defaults, (), function.body)
    if function.decorator_list:
        return None
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # docstring
    if not body or len(body) > MAX_BODY_STATEMENTS:
        return None
    *prefix, last = body
    if not isinstance(last, ast.Return) or last.value is None:
        return None
    assignments: list[tuple[str, ast.expr]] = []
    for stmt in prefix:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            assignments.append((stmt.targets[0].id, stmt.value))
        elif (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
        ):
            assignments.append((stmt.target.id, stmt.value))
        else:
            return None
    return InlineBody(params, defaults, tuple(assignments), last.value)
