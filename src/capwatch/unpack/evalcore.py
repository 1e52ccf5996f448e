"""The evaluator's core: budgets, dispatch, names, operators, subscripts, f-strings, loops.

:class:`EvaluatorCore` holds everything of :class:`~capwatch.unpack.consteval.Evaluator` except
calls. Depth is counted explicitly on every step; sizes are checked before values are built.
"""

from __future__ import annotations

import ast
import functools
import string
from collections.abc import Callable, Mapping
from typing import ClassVar

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack.calls import BUILTINS, MAX_INT_BITS
from capwatch.unpack.const import Const, ConstValue, make_tuple, merge_chains, scalar, with_step
from capwatch.unpack.formatting import format_value
from capwatch.unpack.functions import BUILTIN_MODULES, FunctionLike, builtin_text, strip_builtins
from capwatch.unpack.operators import binop, compare, truth, unary

Resolver = Callable[[ast.expr], str | None]
"""Front-end callback: the qualified name an expression refers to (``"base64.b64decode"``)."""
Handler = Callable[["EvaluatorCore", ast.AST, int], Const | None]

KNOWN_CONSTANTS: Mapping[str, str] = {
    f"string.{name}": getattr(string, name)
    for name in (
        "ascii_letters",
        "ascii_lowercase",
        "ascii_uppercase",
        "digits",
        "hexdigits",
        "octdigits",
        "punctuation",
        "printable",
        "whitespace",
    )
}
"""Module constants obfuscators index into (``string.ascii_letters[7]``)."""

NOT_CONSTANT = (ArithmeticError, ValueError, TypeError, LookupError, AttributeError)
"""What folding raises on values of the wrong kind: the expression is then not constant."""
IMPORTERS = frozenset({"__import__", "importlib.import_module"})
_FALLBACK_NAMES = frozenset({*BUILTINS, "map", "zip", "eval", "getattr", "repr", "__import__"})
_FALLBACK_MODULES = frozenset({"bytes", "bytearray", "str", *BUILTIN_MODULES})


_CACHED = frozenset(
    {ast.Call, ast.BinOp, ast.Subscript, ast.List, ast.Tuple, ast.JoinedStr, ast.ListComp}
    | {ast.GeneratorExp}
)
"""Node types whose results are cached (constants and names are cheaper to redo)."""
_CACHE_ENTRIES = 200_000
_SMALL = 64
_BIG_INT = 1 << 64


@functools.lru_cache(maxsize=4096, typed=True)
def _small_const(value: int | str | bytes) -> Const:
    """Shared constants for small literals (obfuscated code repeats the same few thousand)."""
    return Const(value)


class EvaluatorCore:
    """Budgets, dispatch and every expression form but calls (see ``Evaluator``)."""

    _HANDLERS: ClassVar[dict[type[ast.AST], Handler]] = {}

    def __init__(
        self,
        resolve: Resolver,
        env: Mapping[str, Const],
        limits: Limits,
        *,
        max_steps: int | None = None,
        functions: Mapping[str, FunctionLike] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self._resolve = resolve
        self._env = env
        self._limits = limits
        self._functions: Mapping[str, FunctionLike] = (
            functions if functions is not None else getattr(env, "functions", {})
        )
        self._aliases: Mapping[str, str] = (
            aliases if aliases is not None else getattr(env, "aliases", {})
        )
        self.max_len = limits.decoded_bytes
        self._max_steps = max_steps or max(10_000, limits.decoded_bytes // 8)
        self.max_items = max(1_000, self._max_steps // 4)
        self._max_produced = 4 * limits.decoded_bytes
        self._max_depth = limits.recursion
        self._steps = 0
        self._produced = 0
        self._running = False
        self._inlining = 0
        self._at = 0
        """Depth of the node entered last: where a re-entrant evaluation continues counting."""
        self._scopes: list[dict[str, Const]] = []
        self._cache: dict[int, tuple[ast.AST, Const | None]] = {}
        self._cache_version: object = None
        self._cache_weight = 0
        self._caching = False

    # -- budget (the Context protocol of capwatch.unpack.calls) ------------------------------------

    def _start(self) -> bool:
        """Begin a top-level evaluation; ``False`` when re-entered (the budget is shared)."""
        if self._running:
            return False
        self._running = True
        self._steps = 0
        self._produced = 0
        self._inlining = 0
        self._at = 0
        version = getattr(self._env, "version", None)
        if version is None or version != self._cache_version:
            self.clear_cache()
        self._cache_version = version
        self._caching = version is not None
        return True

    @property
    def running(self) -> bool:
        """Whether an evaluation is under way (one started now would share its budget)."""
        return self._running

    def clear_cache(self) -> None:
        """Forget cached results (needed only if the resolver's answers change for a node)."""
        self._cache.clear()
        self._cache_weight = 0

    def _finish(self) -> None:
        self._running = False
        self._scopes.clear()

    def charge(self, steps: int) -> None:
        """Spend evaluation steps; raises ``LimitExceeded`` when the budget is gone."""
        self._steps += steps
        if self._steps > self._max_steps:
            raise LimitExceeded(
                "decoded_bytes",
                f"constant evaluation of one expression took more than {self._max_steps} steps",
            )

    def new(self, value: ConstValue, chain: tuple[str, ...]) -> Const | None:
        """A constant for ``value`` when within bounds (its size is charged), else ``None``."""
        if isinstance(value, (str, bytes)):
            if len(value) > self.max_len:
                return None
            self._produced += len(value)
            if self._produced > self._max_produced:
                raise LimitExceeded(
                    "decoded_bytes",
                    f"constant evaluation of one expression built more than "
                    f"{self._max_produced} bytes",
                )
            return Const(value, chain)
        if isinstance(value, tuple):
            if len(value) > self.max_items:
                return None
            self.charge(len(value))
            return make_tuple(value, chain)
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            return None
        if value is not None and not isinstance(value, (int, float)):
            return None  # complex numbers and anything else a fold might produce
        return Const(value, chain)

    def items(self, const: Const) -> tuple[Const, ...] | None:
        """Items of an iterable constant, ``None`` past ``max_items``; ``TypeError`` if scalar."""
        value = const.value
        if isinstance(value, tuple):
            return value
        if not isinstance(value, (str, bytes)):
            raise TypeError("not iterable")
        if len(value) > self.max_items:
            return None
        self.charge(len(value))
        chain = const.chain
        if isinstance(value, str):
            return tuple(Const(ch, chain) for ch in value)
        return tuple(Const(b, chain) for b in value)

    # -- dispatch -------------------------------------------------------------------------------

    def _check_depth(self, depth: int) -> None:
        if depth > self._max_depth:
            raise LimitExceeded(
                "recursion", f"an expression is nested deeper than {self._max_depth} levels"
            )

    def _eval(self, node: ast.AST, depth: int) -> Const | None:
        if depth > self._max_depth:
            self._check_depth(depth)
        self._at = depth
        self._steps += 1
        if self._steps > self._max_steps:
            self.charge(0)
        handler = self._HANDLERS.get(type(node))
        if handler is None:
            return None
        cacheable = self._caching and type(node) in _CACHED and not self._scopes
        if cacheable:
            hit = self._cache.get(id(node))
            if hit is not None and hit[0] is node:
                return hit[1]
        try:
            result = handler(self, node, depth + 1)
        except NOT_CONSTANT:
            result = None
        if cacheable and not self._inlining:
            self._remember_node(node, result)
        return result

    def _remember_node(self, node: ast.AST, result: Const | None) -> None:
        """Cache a result while the environment is unchanged (front ends evaluate top-down,
        so the arguments of an outer call are evaluated again for each inner call)."""
        weight = 1
        if result is not None:
            value = result.value
            weight += len(value) if isinstance(value, (str, bytes)) else result.size
        self._cache_weight += weight
        if self._cache_weight > 2 * self.max_len or len(self._cache) >= _CACHE_ENTRIES:
            self.clear_cache()
            self._cache_weight = weight
        self._cache[id(node)] = (node, result)

    # -- names ----------------------------------------------------------------------------------

    def _in_scopes(self, name: str) -> bool:
        return any(name in scope for scope in self._scopes)

    def _lookup(self, name: str) -> Const | None:
        for scope in reversed(self._scopes):
            if name in scope:
                return scope[name]
        return self._env.get(name)

    def _object_name(self, node: ast.expr, depth: int) -> str | None:
        """The qualified name ``node`` refers to, ``builtins.`` stripped.

        Asks the resolver first; falls back on recorded aliases, ``__import__("m")``,
        ``importlib.import_module("m")``, ``getattr(obj, "name")`` and unshadowed builtins.
        """
        self._check_depth(depth)
        self._at = depth
        if isinstance(node, ast.Name):
            if self._in_scopes(node.id):
                return None
            alias = self._aliases.get(node.id)
            if alias is not None:
                return alias
        name = self._resolve(node)
        if name:
            return strip_builtins(name)
        if isinstance(node, ast.Name):
            known = node.id in _FALLBACK_NAMES or node.id in _FALLBACK_MODULES
            return node.id if known and node.id not in self._env else None
        if isinstance(node, ast.Attribute):
            base = self._object_name(node.value, depth + 1)
            return strip_builtins(f"{base}.{node.attr}") if base else None
        if isinstance(node, ast.Call) and not node.keywords and 1 <= len(node.args) <= 2:
            return self._dynamic_name(node, depth)
        return None

    def _dynamic_name(self, node: ast.Call, depth: int) -> str | None:
        """``__import__("m")`` -> ``m``; ``getattr(obj, "attr")`` -> ``obj.attr``."""
        callee = self._object_name(node.func, depth + 1)
        if callee in IMPORTERS and len(node.args) == 1:
            module = self._eval(node.args[0], depth)
            return module.value if module is not None and isinstance(module.value, str) else None
        if callee == "getattr" and len(node.args) == 2:
            attr = self._eval(node.args[1], depth)
            if attr is None or not isinstance(attr.value, str) or not attr.value.isidentifier():
                return None
            base = self._object_name(node.args[0], depth + 1)
            return strip_builtins(f"{base}.{attr.value}") if base else None
        return None

    def _builtin_object_text(self, node: ast.expr, depth: int) -> str | None:
        """``str()`` of a builtin named by ``node`` (``oct`` -> ``"<built-in function oct>"``)."""
        name = self._object_name(node, depth)
        return builtin_text(name) if name else None

    # -- leaves ---------------------------------------------------------------------------------

    def _constant(self, node: ast.Constant, depth: int) -> Const | None:
        value = node.value
        if isinstance(value, int) and (type(value) is bool or -_BIG_INT < value < _BIG_INT):
            return _small_const(value)
        if isinstance(value, (str, bytes)) and len(value) <= _SMALL:
            return _small_const(value)
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            return None
        if value is None or isinstance(value, (str, bytes, int, float)):
            return Const(value)
        return None

    def _name(self, node: ast.Name, depth: int) -> Const | None:
        found = self._lookup(node.id)
        if found is not None:
            return found
        return self._known(node)

    def _known(self, node: ast.expr) -> Const | None:
        name = self._resolve(node)
        known = KNOWN_CONSTANTS.get(name) if name else None
        return Const(known) if known is not None else None

    def _attribute(self, node: ast.Attribute, depth: int) -> Const | None:
        if node.attr == "__name__":
            name = self._object_name(node.value, depth)
            return Const(name) if name and builtin_text(name) else None
        return self._known(node)

    def _sequence(self, node: ast.List | ast.Tuple, depth: int) -> Const | None:
        if len(node.elts) > self.max_items:
            return None
        items = []
        for element in node.elts:
            value = self._eval(element, depth)
            if value is None:
                return None
            items.append(value)
        return self.new(tuple(items), ())

    def _named_expr(self, node: ast.NamedExpr, depth: int) -> Const | None:
        return self._eval(node.value, depth)

    # -- operators ------------------------------------------------------------------------------

    def _binop(self, node: ast.BinOp, depth: int) -> Const | None:
        # Walk the left spine iteratively: "a" + "b" + ... + "z" is deep on the left only.
        spine: list[ast.BinOp] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp):
            spine.append(current)
            current = current.left
        self.charge(len(spine))
        value = self._eval(current, depth)
        for step in reversed(spine):
            if value is None:
                return None
            right = self._eval(step.right, depth)
            if right is None:
                return None
            value = binop(self, step.op, value, right)
        return value

    def _unaryop(self, node: ast.UnaryOp, depth: int) -> Const | None:
        operand = self._eval(node.operand, depth)
        return None if operand is None else unary(node.op, operand)

    def _compare(self, node: ast.Compare, depth: int) -> Const | None:
        left = self._eval(node.left, depth)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._eval(comparator, depth)
            if left is None or right is None:
                return None
            outcome = compare(op, left, right)
            if outcome is None:
                return None
            if not outcome:
                return Const(False)
            left = right
        return Const(True)

    def _boolop(self, node: ast.BoolOp, depth: int) -> Const | None:
        result: Const | None = None
        for operand in node.values:
            result = self._eval(operand, depth)
            if result is None:
                return None
            if truth(result) == isinstance(node.op, ast.Or):
                return result
        return result

    def _ifexp(self, node: ast.IfExp, depth: int) -> Const | None:
        test = self._eval(node.test, depth)
        if test is None:
            return None
        return self._eval(node.body if truth(test) else node.orelse, depth)

    def _subscript(self, node: ast.Subscript, depth: int) -> Const | None:
        container = self._eval(node.value, depth)
        if container is None or not isinstance(container.value, (str, bytes, tuple)):
            return None
        value = container.value
        index = node.slice
        if isinstance(index, ast.Slice):
            bounds: list[int | None] = []
            for part in (index.lower, index.upper, index.step):
                bound = None if part is None else self._eval(part, depth)
                if part is not None and (bound is None or not isinstance(bound.value, int)):
                    return None
                bounds.append(None if bound is None else int(bound.value))  # type: ignore[arg-type]
            step = bounds[2]
            reverse = step is not None and step < 0
            chain = with_step(container.chain, "reverse") if reverse else container.chain
            return self.new(value[slice(*bounds)], chain)
        position = self._eval(index, depth)
        if position is None or not isinstance(position.value, int):
            return None
        item = value[int(position.value)]
        return item if isinstance(item, Const) else Const(item, container.chain)

    def _joinedstr(self, node: ast.JoinedStr, depth: int) -> Const | None:
        parts: list[str] = []
        chains: list[tuple[str, ...]] = []
        total = 0
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text: str | None = part.value
            elif isinstance(part, ast.FormattedValue):
                text = self._formatted(part, depth, chains)
            else:
                return None
            if text is None:
                return None
            total += len(text)
            if total > self.max_len:
                return None
            parts.append(text)
        return self.new("".join(parts), merge_chains(*chains))

    def _formatted(
        self, part: ast.FormattedValue, depth: int, chains: list[tuple[str, ...]]
    ) -> str | None:
        value = self._eval(part.value, depth)
        if value is None:
            return None
        spec = ""
        if part.format_spec is not None:
            spec_const = self._eval(part.format_spec, depth)
            if spec_const is None or not isinstance(spec_const.value, str):
                return None
            spec = spec_const.value
        chains.append(value.chain)
        return format_value(scalar(value), spec, part.conversion, self.max_len)

    # -- comprehensions -------------------------------------------------------------------------

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp, depth: int) -> Const | None:
        out: list[Const] = []
        if not self._generate(node.generators, 0, node.elt, out, depth):
            return None
        return self.new(tuple(out), ())

    def _generate(
        self,
        generators: list[ast.comprehension],
        index: int,
        element: ast.expr,
        out: list[Const],
        depth: int,
    ) -> bool:
        self._check_depth(depth)
        generator = generators[index]
        if generator.is_async:
            return False
        source = self._eval(generator.iter, depth)
        items = self.items(source) if source is not None else None
        if items is None:
            return False
        scope: dict[str, Const] = {}
        self._scopes.append(scope)
        try:
            for item in items:
                if not bind_target(generator.target, item, scope):
                    return False
                if not self._conditions(generator.ifs, depth):
                    continue
                if index + 1 < len(generators):
                    if not self._generate(generators, index + 1, element, out, depth + 1):
                        return False
                    continue
                value = self._eval(element, depth)
                if value is None or len(out) >= self.max_items:
                    return False
                out.append(value)
            return True
        finally:
            self._scopes.pop()

    def _conditions(self, conditions: list[ast.expr], depth: int) -> bool:
        for condition in conditions:
            value = self._eval(condition, depth)
            if value is None:
                raise TypeError("condition is not constant")
            if not truth(value):
                return False
        return True


def bind_target(target: ast.expr, item: Const, scope: dict[str, Const]) -> bool:
    """Bind a loop target (a name or nested tuple of names) to ``item`` in ``scope``."""
    if isinstance(target, ast.Name):
        scope[target.id] = item
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        values = item.value
        if isinstance(values, (str, bytes)):
            values = tuple(Const(v, item.chain) for v in values) if len(values) <= 64 else None
        if not isinstance(values, tuple) or len(values) != len(target.elts):
            return False
        return all(bind_target(t, v, scope) for t, v in zip(target.elts, values, strict=True))
    return False


CORE_HANDLERS: dict[type[ast.AST], Handler] = {
    ast.Constant: EvaluatorCore._constant,  # type: ignore[dict-item]
    ast.Name: EvaluatorCore._name,  # type: ignore[dict-item]
    ast.Attribute: EvaluatorCore._attribute,  # type: ignore[dict-item]
    ast.List: EvaluatorCore._sequence,  # type: ignore[dict-item]
    ast.Tuple: EvaluatorCore._sequence,  # type: ignore[dict-item]
    ast.NamedExpr: EvaluatorCore._named_expr,  # type: ignore[dict-item]
    ast.BinOp: EvaluatorCore._binop,  # type: ignore[dict-item]
    ast.UnaryOp: EvaluatorCore._unaryop,  # type: ignore[dict-item]
    ast.Compare: EvaluatorCore._compare,  # type: ignore[dict-item]
    ast.BoolOp: EvaluatorCore._boolop,  # type: ignore[dict-item]
    ast.IfExp: EvaluatorCore._ifexp,  # type: ignore[dict-item]
    ast.Subscript: EvaluatorCore._subscript,  # type: ignore[dict-item]
    ast.JoinedStr: EvaluatorCore._joinedstr,  # type: ignore[dict-item]
    ast.ListComp: EvaluatorCore._comprehension,  # type: ignore[dict-item]
    ast.GeneratorExp: EvaluatorCore._comprehension,  # type: ignore[dict-item]
}
"""Handlers for every form but calls; ``Evaluator`` adds ``ast.Call``."""
