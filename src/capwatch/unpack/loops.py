"""Accumulator loops: a ``for`` statement run statically to fold the values it builds.

Obfuscated droppers decrypt their payload in a loop (``for i in range(n): out += chr(ord(d[i]) ^
ord(k[i % len(k)]))``). :func:`loop_shape` accepts a loop whose body is straight-line code over
names only, and :func:`run_loop` runs it on constants with an evaluator, sharing its budget:
the iterable must fold to a finite constant (``range`` with constant arguments, a string, bytes,
a tuple or list, ``enumerate``/``zip`` of those), the loop runs at most
``Limits.loop_iterations`` times, every expression evaluated is counted against the evaluator's
steps, and the value built is at most ``Limits.decoded_bytes`` long. Nothing is executed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from capwatch.errors import LimitExceeded
from capwatch.unpack.const import Const, merge_chains
from capwatch.unpack.evalcore import NOT_CONSTANT, EvaluatorCore, bind_target
from capwatch.unpack.operators import binop, truth

_WALRUS = "\0:="
"""What :func:`_reads` gives for an assignment expression: a name no body binds before."""


@dataclass(frozen=True, slots=True)
class LoopShape:
    """A ``for`` loop :func:`run_loop` can run, and the names it builds."""

    loop: ast.For
    accumulators: frozenset[str]
    """Names the body augments (``name op= value``) and binds no other way: their values before
    the loop come from outside it, their values after it are the loop's result."""
    appended: frozenset[str]
    """Accumulators the body only extends with ``+=`` and never reads: built in pieces and
    joined once, so a long payload costs linear time, not quadratic."""


def loop_shape(loop: ast.For) -> LoopShape | None:
    """The shape of ``loop`` when :func:`run_loop` can run it, else ``None``.

    Accepted: a target that is a name or a tuple of names; no ``else``; a body of ``name =
    value`` (to names only), ``name op= value``, ``pass`` and ``if`` around more of them, where
    every name the body binds is bound before it is read on every path through the body.
    Anything else (``break``, ``continue``, calls as statements, nested loops, ``:=``,
    subscript or attribute targets) gives ``None``.
    """
    if type(loop) is not ast.For or loop.orelse or not _names_only(loop.target):
        return None
    stmts = list(_statements(loop.body))
    bound = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    local, added, others, read = set(bound), set[str](), set[str](), set[str]()
    for stmt in stmts:
        if stmt is None:
            return None
        read.update(_reads(stmt))
        if isinstance(stmt, ast.Assign):
            local.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            (added if isinstance(stmt.op, ast.Add) else others).add(stmt.target.id)
    accumulators = frozenset((added | others) - local)
    if not accumulators or not _bound_before_read(loop.body, bound, frozenset(local)):
        return None
    return LoopShape(loop, accumulators, frozenset(accumulators - others - read))


def _names_only(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, ast.Tuple | ast.List) and all(_names_only(t) for t in target.elts)


def _statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt | None]:
    """Every statement of ``body`` and of the ``if`` statements in it; ``None`` for one that
    is not of an accepted kind (the caller gives up)."""
    for stmt in body:
        if not _accepted(stmt):
            yield None
            continue
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _statements(stmt.body)
            yield from _statements(stmt.orelse)


def _accepted(stmt: ast.stmt) -> bool:
    """An accepted kind of statement, binding names only."""
    if isinstance(stmt, ast.Assign):
        return all(isinstance(t, ast.Name) for t in stmt.targets)
    if isinstance(stmt, ast.AugAssign):
        return isinstance(stmt.target, ast.Name)
    return isinstance(stmt, ast.Pass | ast.If)


def _reads(stmt: ast.stmt) -> Iterator[str]:
    """Names the statement itself reads (an ``if``'s test only; its branches are statements
    of their own). A ``:=`` inside makes the loop unrunnable: it reads as a name no loop has."""
    expr = stmt.test if isinstance(stmt, ast.If) else getattr(stmt, "value", None)
    if expr is None:
        return
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            yield node.id
        elif isinstance(node, ast.NamedExpr):
            yield _WALRUS


def _bound_before_read(body: list[ast.stmt], assigned: set[str], local: frozenset[str]) -> bool:
    """Whether every read of a name the body binds follows a binding of it, on every path
    (on the first iteration the name would otherwise hold a value from outside the loop)."""
    for stmt in body:
        if any(n == _WALRUS or (n in local and n not in assigned) for n in _reads(stmt)):
            return False
        if isinstance(stmt, ast.Assign):
            assigned.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            if stmt.target.id in local and stmt.target.id not in assigned:
                return False
        elif isinstance(stmt, ast.If):
            then, other = set(assigned), set(assigned)
            if not (
                _bound_before_read(stmt.body, then, local)
                and _bound_before_read(stmt.orelse, other, local)
            ):
                return False
            assigned.update(then & other)
    return True


class _Piecewise:
    """A string or bytes value built by appending: its pieces, length and merged chain."""

    def __init__(self, start: Const) -> None:
        self.kind = type(start.value)
        self.parts: list[str | bytes] = [start.value] if start.value else []  # type: ignore[list-item]
        self.length = len(start.value)  # type: ignore[arg-type]
        self.chain = start.chain

    def add(self, piece: Const, limit: int) -> bool:
        """Append ``piece``; ``False`` when its type differs or the value would pass ``limit``."""
        value = piece.value
        if type(value) is not self.kind:
            return False
        assert isinstance(value, str | bytes)
        self.length += len(value)
        if self.length > limit:
            return False
        self.parts.append(value)
        if piece.chain and piece.chain != self.chain:
            self.chain = merge_chains(self.chain, piece.chain)
        return True

    def joined(self) -> str | bytes:
        return "".join(self.parts) if self.kind is str else b"".join(self.parts)  # type: ignore[arg-type]


def run_loop(
    core: EvaluatorCore, shape: LoopShape, initial: Mapping[str, ast.expr], depth: int
) -> dict[str, Const] | None:
    """Run the loop of ``shape`` with ``core``, its accumulators starting from the values of
    ``initial``'s expressions; their values after it, or ``None`` when anything in it is not
    constant or a value grows past ``decoded_bytes``.

    Expressions outside the loop (the initial values, the iterable) are evaluated in the
    environment's scope; the body in a scope of the loop's own names, which the evaluator
    looks in first and never caches results under. Raises :class:`LimitExceeded` past
    ``Limits.loop_iterations`` or the evaluator's budget.
    """
    state: dict[str, Const] = {}
    for name in shape.accumulators:
        value = core._eval(initial[name], depth)
        if value is None:
            return None
        state[name] = value
    source = core._eval(shape.loop.iter, depth)
    items = core.items(source) if source is not None else None
    if items is None:
        return None
    limit = core._limits.loop_iterations
    if len(items) > limit:
        raise LimitExceeded("loop_iterations", f"a loop to fold runs more than {limit} times")
    return _Run(core, shape, state, depth).iterate(items)


class _Run:
    """One run of an accumulator loop: the loop's scope and the values built in pieces."""

    def __init__(
        self, core: EvaluatorCore, shape: LoopShape, state: dict[str, Const], depth: int
    ) -> None:
        self.core = core
        self.shape = shape
        self.depth = depth
        self.pieces = {
            name: _Piecewise(value) for name, value in state.items()
            if name in shape.appended and isinstance(value.value, str | bytes)
        }
        self.scope = {name: v for name, v in state.items() if name not in self.pieces}

    def iterate(self, items: tuple[Const, ...]) -> dict[str, Const] | None:
        core, loop = self.core, self.shape.loop
        core._scopes.append(self.scope)
        try:
            for item in items:
                core.charge(1)
                if not bind_target(loop.target, item, self.scope):
                    return None
                if not self.block(loop.body):
                    return None
        except NOT_CONSTANT:
            return None
        finally:
            core._scopes.pop()
        return self.result()

    def result(self) -> dict[str, Const] | None:
        out = {name: self.scope[name] for name in self.shape.accumulators if name in self.scope}
        for name, built in self.pieces.items():
            value = self.core.new(built.joined(), built.chain)
            if value is None:
                return None
            out[name] = value
        return out

    def block(self, body: list[ast.stmt]) -> bool:
        """Run statements; ``False`` when one of them is not constant."""
        for stmt in body:
            self.core.charge(1)
            if isinstance(stmt, ast.Assign):
                value = self.core._eval(stmt.value, self.depth)
                if value is None:
                    return False
                for target in stmt.targets:
                    self.scope[target.id] = value  # type: ignore[attr-defined]
            elif isinstance(stmt, ast.AugAssign):
                if not self.augment(stmt):
                    return False
            elif isinstance(stmt, ast.If):
                test = self.core._eval(stmt.test, self.depth)
                if test is None or not self.block(stmt.body if truth(test) else stmt.orelse):
                    return False
        return True

    def augment(self, stmt: ast.AugAssign) -> bool:
        assert isinstance(stmt.target, ast.Name)  # checked by loop_shape
        name = stmt.target.id
        value = self.core._eval(stmt.value, self.depth)
        if value is None:
            return False
        built = self.pieces.get(name)
        if built is not None:
            return built.add(value, self.core.max_len)
        current = self.scope.get(name)
        combined = None if current is None else binop(self.core, stmt.op, current, value)
        if combined is None:
            return False
        self.scope[name] = combined
        return True
