"""Cheap traversals of Python syntax trees, for the front end's hottest loops.

``ast.iter_child_nodes`` and ``ast.walk`` run two layers of generators per node and visit the
context and operator markers (``Load``, ``Add``...) too. :func:`children` and :func:`walk` give
the same nodes that hold code, from a list per node.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

_SKIPPED_FIELDS = frozenset({
    "ctx", "op", "ops", "type_comment",
    "id", "name", "attr", "arg", "asname", "module", "level", "conversion", "is_async",
    "simple", "kind",
})
"""Fields that hold only markers (``Load``, ``Add``...) or plain values (identifiers, numbers),
never code."""
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes that hold code, in field order: ``ast.iter_child_nodes`` without the
    context and operator markers, and without its two layers of generators."""
    kind = type(node)
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = tuple(f for f in kind._fields if f not in _SKIPPED_FIELDS)
        _CHILD_FIELDS[kind] = fields
    out: list[ast.AST] = []
    append = out.append
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    append(item)
        elif isinstance(value, ast.AST):
            append(value)
    return out


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and every node below it that holds code (markers left out), depth first.
    The same nodes as ``ast.walk`` but for the markers, in another order: for questions
    whose answer does not depend on the order (is there a call, is a name read)."""
    todo = [node]
    pop, extend = todo.pop, todo.extend
    while todo:
        current = pop()
        yield current
        extend(children(current))


def has_call(node: ast.AST) -> bool:
    """Whether a call sits in ``node`` (or is ``node``)."""
    call = ast.Call
    return any(type(sub) is call for sub in walk(node))


def reads_name(node: ast.AST, name: str) -> bool:
    """Whether the name ``name`` occurs in ``node`` (read or bound)."""
    name_type = ast.Name
    return any(type(sub) is name_type and sub.id == name for sub in walk(node))
