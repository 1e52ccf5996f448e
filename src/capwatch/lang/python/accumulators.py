"""Where a name augmented in a file (``out += ...``) is built: the one loop that builds it.

A name assigned once and then only augmented inside one ``for`` loop that follows the assignment
in the same block (``out = ""`` then ``for c in data: out += chr(ord(c) ^ 7)``) is folded by
running that loop (:mod:`capwatch.unpack.loops`). Finding the loop needs to know which block
holds each statement: :class:`StatementIndex` records that, once per file and only when some
augmented name is asked for.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

INDEX_BUDGET = 200_000
"""Most statements indexed (as many as the front end's prepass reads)."""
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_Place = tuple[list[ast.stmt], int, ast.AST | None]
"""A statement's block, its position in it, and the statement (or handler) owning the block."""


class StatementIndex:
    """The place of every statement of a tree: its block, its position there and its owner."""

    def __init__(self, body: list[ast.stmt], budget: int = INDEX_BUDGET) -> None:
        self._places: dict[int, _Place] = {}
        self._assignments: dict[int, ast.Assign] = {}
        """``id`` of an assignment's value to the assignment."""
        todo: list[tuple[list[ast.stmt], ast.AST | None]] = [(body, None)]
        while todo and budget > 0:
            block, owner = todo.pop()
            for position, stmt in enumerate(block[:budget]):
                budget -= 1
                self._places[id(stmt)] = (block, position, owner)
                if isinstance(stmt, ast.Assign):
                    self._assignments[id(stmt.value)] = stmt
                todo.extend(_blocks(stmt))

    def assignment(self, value: ast.expr) -> ast.Assign | None:
        """The assignment statement whose value is ``value``."""
        return self._assignments.get(id(value))

    def place(self, stmt: ast.stmt) -> tuple[list[ast.stmt], int] | None:
        """The block that holds ``stmt`` and its position there (``None`` if not indexed)."""
        place = self._places.get(id(stmt))
        return (place[0], place[1]) if place is not None else None

    def enclosing_loop(self, stmt: ast.stmt) -> ast.For | None:
        """The ``for`` loop whose body holds ``stmt``, directly or inside ``if`` statements."""
        place = self._places.get(id(stmt))
        while place is not None:
            block, _, owner = place
            if isinstance(owner, ast.For) and block is owner.body:
                return owner
            if not isinstance(owner, ast.If):
                return None
            place = self._places.get(id(owner))
        return None

    def follows(self, later: ast.stmt, earlier: ast.stmt) -> bool:
        """Whether both statements are in one block, ``later`` after ``earlier``."""
        first, second = self._places.get(id(earlier)), self._places.get(id(later))
        return (
            first is not None
            and second is not None
            and first[0] is second[0]
            and first[1] < second[1]
        )


def _blocks(stmt: ast.AST) -> list[tuple[list[ast.stmt], ast.AST | None]]:
    """The statement lists directly inside ``stmt`` (handlers' and cases' bodies included)."""
    out: list[tuple[list[ast.stmt], ast.AST | None]] = []
    for field in _BLOCKS:
        items = getattr(stmt, field, None)
        if not isinstance(items, list) or not items:
            continue
        if isinstance(items[0], ast.stmt):
            out.append((items, stmt))
        else:
            out.extend((item.body, item) for item in items if hasattr(item, "body"))
    return out


def accumulator_loop(
    index: StatementIndex, value: ast.expr, augments: Sequence[ast.AugAssign]
) -> ast.For | None:
    """The loop that builds a name assigned ``value`` once and augmented by ``augments``: the
    one ``for`` loop holding all of them, after the assignment in its block; else ``None``."""
    assignment = index.assignment(value)
    if assignment is None or not augments:
        return None
    loop = index.enclosing_loop(augments[0])
    if loop is None or not index.follows(loop, assignment):
        return None
    if any(index.enclosing_loop(other) is not loop for other in augments[1:]):
        return None
    return loop
