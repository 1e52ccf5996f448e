"""Evaluate Python expressions statically when they are built from constants.

:class:`Evaluator` folds the forms obfuscated code uses to hide payloads: decoder calls
(``base64.b64decode``, ``zlib.decompress``, ``codecs.decode(s, "rot13")``, ``marshal.loads``...),
concatenation, repetition, slicing and ``[::-1]``, ``%``/``format``/f-strings, ``str.join``,
``replace``, ``encode``/``decode``, ``chr``/``ord``, ``bytes([...])``, comprehensions and
``map`` over constants (XOR with a key), integer arithmetic, ``getattr(__builtins__, "chr")``,
texts of builtins (``oct.__str__()``) and small helper functions (``def d(s): return ...``).
It works on syntax trees and plain ``str``/``bytes``/``int`` values only: nothing from the
scanned code is executed, imported or loaded.

Every evaluation is bounded: expression depth (``Limits.recursion``, counted explicitly), decode
chain length (``Limits.decode_depth``), the size of any one value (``Limits.decoded_bytes``), the
items in any one sequence, and a per-call budget of steps and produced bytes. Exhausting a
budget raises :class:`~capwatch.errors.LimitExceeded`; anything merely not constant gives
``None``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack.calls import BUILTINS, BYTES_METHODS, STR_METHODS, chain_of
from capwatch.unpack.const import Const, merge_chains
from capwatch.unpack.decoders import DECODERS, Arg
from capwatch.unpack.evalcore import (
    CORE_HANDLERS,
    IMPORTERS,
    KNOWN_CONSTANTS,
    NOT_CONSTANT,
    EvaluatorCore,
    Resolver,
)
from capwatch.unpack.functions import FunctionLike, InlineBody, inline_body
from capwatch.unpack.loops import LoopShape, run_loop

_DATA_KEYWORDS = ("s", "data", "obj", "string", "b", "input")
_TEXT_OF = frozenset({"str", "repr", "format"})
_DUNDER_TEXT = frozenset({"__str__", "__repr__"})
MAX_INLINE_DEPTH = 8
"""Nested helper-function calls followed before giving up (also stops recursion)."""
SPECIAL_CALLABLES = frozenset({"map", "zip", "eval", "getattr", "itertools.cycle", *IMPORTERS})

_MemoEntry = tuple[Const | None, LimitExceeded | None]


class Evaluator(EvaluatorCore):
    """Constant evaluator for one scope (or file) of one artifact.

    ``resolve`` maps a call's function or any attribute chain to a qualified name; ``env`` maps
    simple names to constants assigned earlier. A :class:`~capwatch.unpack.env.ConstEnv` passed
    as ``env`` also supplies helper functions and aliases it recorded (``functions``/``aliases``
    override them). Decoder results are memoised, so evaluating the nested calls of one payload
    one after the other decodes each layer once.
    """

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
        super().__init__(
            resolve, env, limits, max_steps=max_steps, functions=functions, aliases=aliases
        )
        self._memo: dict[tuple[object, ...], _MemoEntry] = {}
        self._memo_bytes = 0
        self._bodies: dict[int, tuple[FunctionLike, InlineBody | None]] = {}
        self._local_functions: dict[str, ast.Lambda] = {}
        """The lambdas the helper being inlined binds to its own names (``d = lambda s: ...``)."""

    # -- public API -----------------------------------------------------------------------------

    def eval(self, node: ast.expr) -> Const | None:
        """The constant value of ``node``, or ``None`` if it is not constant-evaluable.

        Raises :class:`LimitExceeded` (``recursion``, ``decode_depth`` or ``decoded_bytes``)
        when a bound is hit; never anything else on hostile input.
        """
        if not self._start():
            # Re-entered from the resolver or a lazy environment: share the budget, continue the
            # depth count, and evaluate in the environment's scope, not a comprehension's.
            saved, self._scopes = self._scopes, []
            try:
                return self._eval(node, self._at + 1)
            finally:
                self._scopes = saved
        try:
            return self._eval(node, 0)
        except RecursionError:
            raise LimitExceeded(
                "recursion", "an expression is nested too deeply to evaluate"
            ) from None
        finally:
            self._finish()

    def run_loop(
        self, shape: LoopShape, initial: Mapping[str, ast.expr]
    ) -> dict[str, Const] | None:
        """The values of the loop's accumulators after it runs, starting from the values of
        ``initial``'s expressions, or ``None`` (see :func:`capwatch.unpack.loops.run_loop`).

        Like :meth:`eval`: re-entered, it shares the running evaluation's budget and depth and
        starts from the environment's scope. Raises :class:`LimitExceeded` when a bound is hit.
        """
        if not self._start():
            saved, self._scopes = self._scopes, []
            try:
                return run_loop(self, shape, initial, self._at + 1)
            finally:
                self._scopes = saved
        try:
            return run_loop(self, shape, initial, 0)
        except RecursionError:
            raise LimitExceeded("recursion", "a loop is nested too deeply to evaluate") from None
        finally:
            self._finish()

    def qualname(self, node: ast.expr) -> str | None:
        """The qualified name ``node`` refers to, with the evaluator's fallbacks.

        Like the resolver, but also sees through ``__import__("m").f``, ``getattr(m, "f")``,
        ``getattr(__builtins__, "chr")`` and recorded aliases; ``builtins.`` is stripped.
        """
        if not self._start():
            saved, self._scopes = self._scopes, []
            try:
                return self._object_name(node, self._at + 1)
            finally:
                self._scopes = saved
        try:
            return self._object_name(node, 0)
        except RecursionError:
            return None
        finally:
            self._finish()

    @staticmethod
    def is_known_callable(name: str) -> bool:
        """Whether the evaluator folds calls of ``name`` (or ``name`` is a module holding some)."""
        if name in DECODERS or name in BUILTINS or name in SPECIAL_CALLABLES:
            return True
        prefix = name + "."
        return any(key.startswith(prefix) for key in DECODERS) or name in _MODULES

    # -- calls ----------------------------------------------------------------------------------

    def _call(self, node: ast.Call, depth: int) -> Const | None:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            return None
        func = node.func
        function = self._function(func)
        if function is not None:
            evaluated = self._arguments(node, depth)
            if evaluated is None:
                return None
            return self._inline(function, *evaluated, depth, bound=_on_self(func))
        name = self._object_name(func, depth)
        if name is not None:
            if name in DECODERS:
                return self._decode(name, node, depth)
            special = _SPECIAL_CALLS.get(name)
            if special is not None:
                return special(self, node, depth)
            handler = BUILTINS.get(name)
            if handler is not None or name in _TEXT_OF:
                return self._builtin(name, node, depth)
        if isinstance(func, ast.Name):
            return self._bound_method(func, node, depth)
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr in _DUNDER_TEXT and not node.args and not node.keywords:
            text = self._builtin_object_text(func.value, depth)
            if text is not None:
                return Const(text)
        receiver = self._eval(func.value, depth)
        if receiver is None:
            return None
        value = receiver.value
        table = (
            STR_METHODS
            if isinstance(value, str)
            else BYTES_METHODS
            if isinstance(value, bytes)
            else None
        )
        method = table.get(func.attr) if table is not None else None
        if method is None:
            return None
        evaluated = self._arguments(node, depth)
        return None if evaluated is None else method(self, receiver, *evaluated)

    def _bound_method(self, func: ast.Name, node: ast.Call, depth: int) -> Const | None:
        """A call of a name bound once to a method of a string literal (``_ = "".join``, then
        ``_(chr(c) for c in codes)``): evaluated as that method's call."""
        if self._in_scopes(func.id):
            return None
        expression = getattr(self._env, "expression", None)
        bound = expression(func.id) if expression is not None else None
        if not (isinstance(bound, ast.Attribute) and isinstance(bound.value, ast.Constant)):
            return None
        call = ast.copy_location(ast.Call(func=bound, args=node.args, keywords=node.keywords), node)
        return self._call(call, depth + 1)

    def _builtin(self, name: str, node: ast.Call, depth: int) -> Const | None:
        evaluated = self._arguments(node, depth)
        if evaluated is None:
            if name in _TEXT_OF and len(node.args) == 1 and not node.keywords:
                text = self._builtin_object_text(node.args[0], depth)
                return None if text is None else Const(text)
            return None
        args, kwargs = evaluated
        if name == "repr":
            if len(args) != 1 or kwargs or isinstance(args[0].value, tuple):
                return None
            return self.new(repr(args[0].value), args[0].chain)
        handler = BUILTINS.get(name)
        return None if handler is None else handler(self, args, kwargs)

    def _arguments(self, node: ast.Call, depth: int) -> tuple[list[Const], dict[str, Const]] | None:
        args: list[Const] = []
        for arg in node.args:
            value = self._eval(arg, depth)
            if value is None:
                return None
            args.append(value)
        kwargs: dict[str, Const] = {}
        for keyword in node.keywords:
            value = self._eval(keyword.value, depth)
            if value is None or keyword.arg is None:
                return None
            kwargs[keyword.arg] = value
        return args, kwargs

    # -- decoders -------------------------------------------------------------------------------

    def _extra(self, node: ast.expr, depth: int) -> Arg:
        """A decoder option: its scalar value, or ``...`` when it is not constant."""
        value = self._eval(node, depth)
        if value is None or isinstance(value.value, tuple):
            return ...
        return value.value

    def _decode(self, name: str, node: ast.Call, depth: int) -> Const | None:
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
        if node.args:
            data_node: ast.expr | None = node.args[0]
            extra_nodes = node.args[1:]
        else:
            data_node = next((keywords.pop(k) for k in _DATA_KEYWORDS if k in keywords), None)
            extra_nodes = []
        if data_node is None:
            return None
        data = self._eval(data_node, depth)
        if data is None or not isinstance(data.value, (str, bytes)):
            return None
        extra = tuple(self._extra(n, depth) for n in extra_nodes)
        options = {key: self._extra(n, depth) for key, n in keywords.items()}
        key = (
            name,
            type(data.value),
            data.value,
            data.chain,
            extra,
            tuple(sorted(options.items())),
        )
        cached = self._memo.get(key)
        if cached is None:
            cached = self._run_decoder(name, data, extra, options)
            self._remember(key, cached, len(data.value))
        result, error = cached
        if error is not None:
            raise error
        if result is None:
            return None
        self.charge(1)
        return self.new(result.value, result.chain)

    def _run_decoder(
        self, name: str, data: Const, extra: tuple[Arg, ...], options: dict[str, Arg]
    ) -> _MemoEntry:
        if not isinstance(data.value, (str, bytes)):
            return None, None
        try:
            value, label = DECODERS[name](data.value, extra, options, self._limits)
        except LimitExceeded as exc:
            return None, exc
        except NOT_CONSTANT:
            return None, None
        chain = (*data.chain, label) if label else data.chain
        if len(chain) > self._limits.decode_depth:
            depth = self._limits.decode_depth
            message = f"a payload is wrapped in more than {depth} encodings"
            return None, LimitExceeded("decode_depth", message)
        if len(value) > self.max_len:
            return None, None
        return Const(value, chain), None

    def _remember(self, key: tuple[object, ...], entry: _MemoEntry, size: int) -> None:
        result = entry[0]
        if result is not None and isinstance(result.value, (str, bytes)):
            size += len(result.value)
        self._memo_bytes += size
        if self._memo_bytes > 2 * self.max_len:
            self._memo.clear()
            self._memo_bytes = size
        self._memo[key] = entry

    # -- map and helper functions ---------------------------------------------------------------

    def _map(self, node: ast.Call, depth: int) -> Const | None:
        if node.keywords or len(node.args) < 2:
            return None
        sources = []
        for arg in node.args[1:]:
            source = self._eval(arg, depth)
            if source is None:
                return None
            sources.append(source)
        columns = [self.items(source) for source in sources]
        if any(column is None for column in columns):
            return None
        rows = list(zip(*(c for c in columns if c is not None), strict=False))
        func = node.args[0]
        function = func if isinstance(func, ast.Lambda) else self._function(func)
        results: list[Const] = []
        if function is not None:
            for row in rows:
                value = self._inline(function, list(row), {}, depth, bound=_on_self(func))
                if value is None:
                    return None
                results.append(value)
        else:
            name = self._object_name(func, depth)
            handler = BUILTINS.get(name) if name else None
            if handler is None:
                return None
            self.charge(len(rows))
            for row in rows:
                value = handler(self, list(row), {})
                if value is None:
                    return None
                results.append(value)
        return self.new(tuple(results), chain_of(*sources))

    def _zip(self, node: ast.Call, depth: int) -> Const | None:
        """``zip`` whose arguments may include ``itertools.cycle(key)`` (repeating XOR keys)."""
        if node.keywords or not node.args:
            return None
        columns: list[tuple[Const, ...] | None] = []
        cycles: list[tuple[int, tuple[Const, ...]]] = []
        for index, arg in enumerate(node.args):
            cycled = (
                isinstance(arg, ast.Call)
                and len(arg.args) == 1
                and self._object_name(arg.func, depth) == "itertools.cycle"
            )
            target = arg.args[0] if cycled and isinstance(arg, ast.Call) else arg
            source = self._eval(target, depth)
            items = self.items(source) if source is not None else None
            if items is None:
                return None
            if cycled:
                cycles.append((index, items))
                columns.append(None)
            else:
                columns.append(items)
        finite = [len(c) for c in columns if c is not None]
        if not finite:
            return None  # only infinite iterables
        length = min(finite)
        for index, items in cycles:
            if not items:
                return self.new((), ())
            repeated = items * (length // len(items) + 1)
            columns[index] = repeated[:length]
        rows = []
        for row in zip(*(c[:length] for c in columns if c is not None), strict=True):
            made = self.new(tuple(row), ())
            if made is None:
                return None
            rows.append(made)
        return self.new(tuple(rows), ())

    def _eval_string(self, node: ast.Call, depth: int) -> Const | None:
        """``eval("'a' + 'b'")``: the string is parsed (never run) and evaluated here."""
        if not node.args or self._inlining >= MAX_INLINE_DEPTH:
            return None
        source = self._eval(node.args[0], depth)
        if source is None or not isinstance(source.value, (str, bytes)):
            return None
        if len(source.value) > _MAX_EVAL_SOURCE:
            return None
        try:
            parsed = ast.parse(source.value.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        self._inlining += 1
        try:
            result = self._eval(parsed.body, depth)
        finally:
            self._inlining -= 1
        if result is None:
            return None
        return Const(
            result.value, merge_chains(source.chain, result.chain), result.size, result.depth
        )

    def _function(self, func: ast.expr) -> FunctionLike | None:
        """A helper function (recorded by the environment, or a lambda the helper being inlined
        binds) that ``func`` names."""
        if isinstance(func, ast.Name) and func.id in self._local_functions:
            return self._local_functions[func.id]
        if not self._functions:
            return None
        if isinstance(func, ast.Name):
            if self._in_scopes(func.id):
                return None
            return self._functions.get(func.id)
        if _on_self(func):
            assert isinstance(func, ast.Attribute)
            # ``self.decode(blob)``: a method of the class the code is in (see METHOD_PREFIX)
            return self._functions.get(METHOD_PREFIX + func.attr)
        name = self._resolve(func)
        return self._functions.get(name) if name else None

    def _inline(
        self,
        function: FunctionLike,
        args: Sequence[Const],
        kwargs: Mapping[str, Const],
        depth: int,
        *,
        bound: bool = False,
    ) -> Const | None:
        """Evaluate a helper's returned expression with its parameters bound to ``args``. A
        method called on ``self`` (``bound``) gets nothing for its first parameter: a result
        that needs the instance does not fold."""
        body = self._body(function)
        if body is None or self._inlining >= MAX_INLINE_DEPTH:
            return None
        params = body.params[1:] if bound else body.params
        if len(args) > len(params) or (bound and not body.params):
            return None
        scope = dict(zip(params, args, strict=False))
        for key, given in kwargs.items():
            if key not in params or key in scope:
                return None
            scope[key] = given
        saved, saved_functions = self._scopes, self._local_functions
        self._scopes = []  # the helper sees its parameters and the environment, not the caller
        self._local_functions = {}
        self._inlining += 1
        try:
            first_default = len(body.params) - len(body.defaults)
            for index, param in enumerate(body.params):
                if bound and index == 0:
                    continue
                if param in scope:
                    continue
                if index < first_default:
                    return None
                default = self._eval(body.defaults[index - first_default], depth)
                if default is None:
                    return None
                scope[param] = default
            self._scopes = [scope]
            for name, expr in body.assignments:
                if isinstance(expr, ast.Lambda):  # ``b64d = lambda s: b64decode(s)``
                    self._local_functions[name] = expr
                    continue
                local = self._eval(expr, depth)
                if local is None:
                    return None
                scope[name] = local
            return self._eval(body.result, depth)
        finally:
            self._inlining -= 1
            self._scopes, self._local_functions = saved, saved_functions

    def _body(self, function: FunctionLike) -> InlineBody | None:
        cached = self._bodies.get(id(function))
        if cached is None or cached[0] is not function:
            cached = (function, inline_body(function))
            self._bodies[id(function)] = cached
        return cached[1]


METHOD_PREFIX = "self."
"""Key prefix under which an environment records methods of the file's classes that the
evaluator may inline when called on ``self`` or ``cls`` (a name no module has)."""


def _on_self(func: ast.expr) -> bool:
    """``self.name`` or ``cls.name``: a method of the instance's own class."""
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    )


_MAX_EVAL_SOURCE = 100_000
_SPECIAL_CALLS = {
    "map": Evaluator._map,
    "zip": Evaluator._zip,
    "eval": Evaluator._eval_string,
}

_MODULES = frozenset(key.split(".", 1)[0] for key in DECODERS) | {"builtins", "__builtins__"}


Evaluator._HANDLERS = {**CORE_HANDLERS, ast.Call: Evaluator._call}  # type: ignore[dict-item]

__all__ = ["KNOWN_CONSTANTS", "METHOD_PREFIX", "Const", "Evaluator", "Resolver"]
