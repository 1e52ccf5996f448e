"""Names bound to constants, kept up to date as a front end walks a scope's statements."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from capwatch.unpack.const import Const
from capwatch.unpack.consteval import Evaluator
from capwatch.unpack.functions import FunctionLike, inline_body


class ConstEnv(Mapping[str, Const]):
    """The constant each simple name of one scope holds, last assignment wins.

    Feed it the statements of a scope in order with :meth:`bind`: an assignment of a constant
    records the name; any other binding of the name (a non-constant value, ``for``, ``with``,
    ``import``, ``def``, ``del``...) forgets it. It also records, for the evaluator, helper
    functions of an inlinable shape (``def f(s): return ...``, ``f = lambda s: ...``) and
    aliases of known callables (``d = base64.b64decode``). A nested scope can read through to
    ``parent`` for names it does not bind itself. Pass the object as an ``Evaluator``'s ``env``.
    """

    def __init__(
        self,
        initial: Mapping[str, Const] | None = None,
        *,
        parent: ConstEnv | None = None,
        max_names: int = 50_000,
    ) -> None:
        self._values: dict[str, Const] = dict(initial or {})
        self._local: set[str] = set(self._values)
        self._parent = parent
        self._max_names = max_names
        self._version = 0
        self.functions: _Layer[FunctionLike] = _Layer(parent.functions if parent else None)
        self.aliases: _Layer[str] = _Layer(parent.aliases if parent else None)

    # -- Mapping --------------------------------------------------------------------------------

    def __getitem__(self, name: str) -> Const:
        if name in self._values:
            return self._values[name]
        if self._parent is not None and name not in self._local:
            return self._parent[name]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        if name in self._values:
            return True
        return self._parent is not None and name not in self._local and name in self._parent

    def __iter__(self) -> Iterator[str]:
        yield from self._values
        if self._parent is not None:
            for name in self._parent:
                if name not in self._local:
                    yield name

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @property
    def version(self) -> int:
        """Changes whenever a lookup here could give a different answer (for caching)."""
        return self._version + (self._parent.version if self._parent is not None else 0)

    # -- updates --------------------------------------------------------------------------------

    def set(self, name: str, value: Const | None) -> None:
        """Bind ``name`` to ``value``, or mark it as holding no known constant (``None``)."""
        self._shadow(name)
        if value is not None and (name in self._values or len(self._values) < self._max_names):
            self._values[name] = value
            self._version += 1

    def forget(self, name: str) -> None:
        """The name no longer holds a known constant (nor a function or an alias)."""
        self._shadow(name)

    def _shadow(self, name: str) -> None:
        known = name in self._values or name in self.functions or name in self.aliases
        if known or name not in self._local:
            self._version += 1
        self._values.pop(name, None)
        self.functions.shadow(name)
        self.aliases.shadow(name)
        if len(self._local) < self._max_names:
            self._local.add(name)

    def bind(self, stmt: ast.stmt, evaluator: Evaluator) -> None:
        """Update from one statement of this scope.

        ``LimitExceeded`` from the evaluator propagates, after the assigned names have been
        forgotten, so the environment stays consistent.
        """
        if isinstance(stmt, ast.Assign):
            self._forget_targets(stmt.targets)
            if len(stmt.targets) == 1 and self._record_callable(
                stmt.targets[0], stmt.value, evaluator
            ):
                return
            value = evaluator.eval(stmt.value)
            for target in stmt.targets:
                self._assign(target, value)
        elif isinstance(stmt, ast.AnnAssign):
            self._forget_targets([stmt.target])
            if stmt.value is not None:
                self._assign(stmt.target, evaluator.eval(stmt.value))
        elif isinstance(stmt, ast.AugAssign):
            self._aug_assign(stmt, evaluator)
        elif isinstance(stmt, ast.FunctionDef):
            self.forget(stmt.name)
            if inline_body(stmt) is not None:
                self.functions.set(stmt.name, stmt)
                self._version += 1
        else:
            self._forget_targets(_bound_targets(stmt))

    def _record_callable(self, target: ast.expr, value: ast.expr, evaluator: Evaluator) -> bool:
        """``f = lambda ...`` or ``f = base64.b64decode``: remember it, return ``True``."""
        if not isinstance(target, ast.Name):
            return False
        if isinstance(value, ast.Lambda):
            if inline_body(value) is None:
                return False
            self.functions.set(target.id, value)
            self._version += 1
            return True
        if not isinstance(value, (ast.Name, ast.Attribute, ast.Call)):
            return False
        name = evaluator.qualname(value)
        if name is None or not evaluator.is_known_callable(name):
            return False
        self.aliases.set(target.id, name)
        self._version += 1
        return True

    def _aug_assign(self, stmt: ast.AugAssign, evaluator: Evaluator) -> None:
        if not isinstance(stmt.target, ast.Name):
            return
        name = stmt.target.id
        if name not in self:
            self.forget(name)
            return
        combined = ast.BinOp(left=ast.Name(id=name, ctx=ast.Load()), op=stmt.op, right=stmt.value)
        ast.copy_location(combined, stmt)
        try:
            value = evaluator.eval(combined)
        except BaseException:
            self.forget(name)
            raise
        self.set(name, value)

    def _forget_targets(self, targets: list[ast.expr]) -> None:
        for target in targets:
            if isinstance(target, ast.Name):
                self.forget(target.id)
                continue
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    self.forget(node.id)

    def _assign(self, target: ast.expr, value: Const | None) -> None:
        if isinstance(target, ast.Name):
            self.set(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = value.value if value is not None else None
            if not isinstance(items, tuple) or len(items) != len(target.elts):
                self._forget_targets([target])
                return
            for element, item in zip(target.elts, items, strict=True):
                self._assign(element, item)
        elif isinstance(target, ast.Starred):
            self._forget_targets([target])


T = TypeVar("T")


class _Layer(Mapping[str, T], Generic[T]):
    """A name table that reads through to a parent unless the name is shadowed locally."""

    def __init__(self, parent: _Layer[T] | None) -> None:
        self._own: dict[str, T] = {}
        self._shadowed: set[str] = set()
        self._parent = parent

    def set(self, name: str, value: T) -> None:
        self._own[name] = value

    def shadow(self, name: str) -> None:
        self._own.pop(name, None)
        if self._parent is not None:
            self._shadowed.add(name)

    def __getitem__(self, name: str) -> T:
        if name in self._own:
            return self._own[name]
        if self._parent is not None and name not in self._shadowed:
            return self._parent[name]
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        yield from self._own
        if self._parent is not None:
            yield from (n for n in self._parent if n not in self._shadowed and n not in self._own)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return bool(self._own) or (self._parent is not None and bool(self._parent))


def _bound_targets(stmt: ast.stmt) -> list[ast.expr]:
    """Names (as expressions) a non-assignment statement binds at the scope's top level."""
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.target]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    if isinstance(stmt, (ast.AsyncFunctionDef, ast.ClassDef)):
        return [ast.Name(id=stmt.name, ctx=ast.Store())]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [
            ast.Name(id=(alias.asname or alias.name).split(".")[0], ctx=ast.Store())
            for alias in stmt.names
        ]
    if isinstance(stmt, ast.Delete):
        return list(stmt.targets)
    if isinstance(stmt, (ast.Global, ast.Nonlocal)):
        return [ast.Name(id=name, ctx=ast.Store()) for name in stmt.names]
    return []
