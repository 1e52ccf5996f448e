"""Serialized Python shipped in a package: pickles (data files that run what they name when
loaded) and compiled modules shipped without their source.

Loading a pickle calls whatever callables it names: ``pickle.load``, ``torch.load``,
``joblib.load`` and ``numpy.load(allow_pickle=True)`` import each global the pickle names
(``GLOBAL``, ``STACK_GLOBAL``, ``INST``) and call it with the arguments it built (``REDUCE``,
``NEWOBJ``, ``OBJ``). A data file that calls ``os.system`` or ``builtins.exec`` is a program
that runs when someone loads it.

The opcodes are read with :func:`pickletools.genops`, which parses them and never executes,
imports or builds anything, and played on a symbolic stack that holds only names and strings:
each call becomes a call fact of the file's module scope, its callee named as the Python front
end would resolve it (``posix.system`` and ``nt.system`` are ``os.system``; ``builtins.exec``
is ``exec``; ``getattr(builtins.__import__("os"), "system")`` is ``os.system``), with the
strings among its arguments, so that the catalogue and the indicators read it as they read
source code. When such a file is loaded is not known from the file itself: its facts are given
the run-time phase of its plan (``layout.PICKLE_SUFFIXES`` names the files planned as pickles).
A compressed pickle (as ``joblib`` writes one) is decompressed within ``Limits.decoded_bytes``
first, and a NumPy ``.npy`` file is read from past its header (an array of objects is pickled).
"""

from __future__ import annotations

import ast
import io
import pickletools
import re
from dataclasses import dataclass

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.lang.base import FactFilter, FileAnalysis, Problem, ProblemKind, Scope, ScopeKind
from capwatch.lang.python.analyzer import PythonAnalyzer
from capwatch.model import Fact, FactKind, Location
from capwatch.unpack.decoders import DecodeError
from capwatch.unpack.marshal_reader import MarshalCode, MarshalError, read_marshal, render_marshal
from capwatch.unpack.payload import DECOMPRESSORS

_MODULE_ALIASES = {"posix": "os", "nt": "os", "__builtin__": "builtins", "commands": "subprocess"}
"""Modules a pickle names by their implementation or Python 2 name."""
_STRING_OPS = frozenset({
    "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "STRING", "BINSTRING",
    "SHORT_BINSTRING",
})
_PUT_OPS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})
_GET_OPS = frozenset({"GET", "BINGET", "LONG_BINGET"})
_TUPLE_SIZES = {"EMPTY_TUPLE": 0, "TUPLE1": 1, "TUPLE2": 2, "TUPLE3": 3}
_EFFECTS = {
    op.name: (
        op.stack_before.index(pickletools.markobject)
        if pickletools.markobject in op.stack_before else None,
        len(op.stack_before),
        len(op.stack_after),
    )
    for op in pickletools.opcodes
}
"""Per opcode: how many values it takes from below a mark (``None``: it takes no mark), how
many it takes, and how many it makes."""
_NAME = re.compile(r"[A-Za-z_][\w.]*")
"""A module or attribute name (``STACK_GLOBAL`` takes whatever two values are on the stack)."""
_IMPORTERS = frozenset({"__import__", "importlib.import_module"})
_RUNS_SOURCE = frozenset({"exec", "eval", "compile"})
_CHAIN = ("pickle",)
_NPY_MAGIC = b"\x93NUMPY"
MAX_ARGS = 8
"""Strings kept as a call's arguments."""
MAX_ITEMS = 64
"""Items a tuple or list keeps (arguments are its first strings; a list a pickle builds one
item at a time would otherwise be copied at each)."""
MAX_TEXT = 4096
"""Longest string kept from a pickle, as an argument or a literal."""


def callable_name(module: str, name: str) -> str:
    """The qualified name a global of a pickle stands for, as the Python front end writes it."""
    module = _MODULE_ALIASES.get(module, module)
    if module == "builtins":
        return name
    return f"{module}.{name}"


@dataclass(frozen=True, slots=True)
class _Name:
    """A global the pickle named, or a module or attribute it reached from one."""

    name: str


@dataclass(frozen=True, slots=True)
class _Items:
    """A tuple or a list the pickle built: what it holds, as far as it is known."""

    items: tuple[object, ...]


class _Mark:
    """The ``MARK`` that opens a tuple, a list or an ``OBJ`` call."""


_MARK = _Mark()


_FIRST_LINE = ast.Constant("", lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)
"""Where code found in a data file is said to run: its first line (it has no lines of code)."""


def _module_analysis(path: str, module: str) -> tuple[FileAnalysis, str]:
    """An empty analysis of ``path`` with the module's top-level scope, and that scope's id."""
    scope = f"{module}:<module>"
    analysis = FileAnalysis(path, module)
    analysis.scopes[scope] = Scope(scope, ScopeKind.MODULE, module, "<module>", Location(path, 1))
    return analysis, scope


def analyze_pickle(
    content: bytes, path: str, module: str, analyzer: PythonAnalyzer
) -> FileAnalysis:
    """The calls a pickle makes when loaded, as facts of ``module``'s top-level scope; the
    source text it hands to ``exec``, ``eval`` or ``compile`` is analysed by ``analyzer`` as
    code of that scope (decode chain ``pickle``).

    A file that is not a pickle, or is cut short, gives the facts of the opcodes read before
    the error: loading runs them in that order too. More than ``Limits.pickle_opcodes``
    opcodes end the reading with a problem."""
    analysis, scope = _module_analysis(path, module)
    content = _unwrap(content, analyzer.limits)
    _play(content, _Machine(analysis, path, scope, analyzer.keep), analyzer.limits)
    for fact in list(analysis.facts):
        if fact.kind is FactKind.CALL and fact.name in _RUNS_SOURCE and fact.args:
            analyzer.analyze_decoded(fact.args[0], analysis, scope, _CHAIN, _FIRST_LINE, False)
    return analysis


def _play(content: bytes, machine: _Machine, limits: Limits) -> None:
    """Play a pickle's opcodes on ``machine``, at most ``Limits.pickle_opcodes`` of them (a
    problem of its analysis says so). A file that is not a pickle, or is cut short, leaves the
    facts of the opcodes read before the error: loading runs them in that order too."""
    most = limits.pickle_opcodes
    try:
        for count, (op, arg, position) in enumerate(pickletools.genops(io.BytesIO(content))):
            if count >= most:
                machine.analysis.problems.append(Problem(
                    ProblemKind.TOO_LARGE, Location(machine.path),
                    f"pickle longer than the pickle_opcodes limit ({most}); the rest was not read",
                ))
                break
            if op.name == "STOP":
                break
            machine.step(op, arg, position or 0)
    except (ValueError, EOFError, UnicodeDecodeError, OverflowError, IndexError):
        pass  # not a pickle, or cut short: what was read stands


def render_pickle(content: bytes, limits: Limits) -> str:
    """The calls a pickle makes when loaded, as Python source (``import os`` then
    ``os.system('...')``), for pickled data a package's code loads (``pickle.loads(b64decode(
    "..."))``): read without loading, as :func:`analyze_pickle` reads a file. Only the strings
    among each call's arguments are kept. Raises :class:`DecodeError` when no call is made (data
    that loads as plain values runs nothing)."""
    analysis, scope = _module_analysis("<pickle>", "<pickle>")
    _play(content, _Machine(analysis, "<pickle>", scope, None), limits)
    calls = [fact for fact in analysis.facts if fact.kind is FactKind.CALL]
    if not calls:
        raise DecodeError("a pickle that calls nothing")
    modules = sorted({fact.name.rsplit(".", 1)[0] for fact in calls if "." in fact.name})
    lines = [f"import {module}" for module in modules]
    lines += [f"{fact.name}({', '.join(repr(text) for text in fact.args)})" for fact in calls]
    return "\n".join(lines) + "\n"


PYC_HEADERS = (16, 12, 8)
"""Bytes before the marshalled code of a ``.pyc``: CPython 3.7 and newer, 3.3 to 3.6, older."""
_COMPILED_CHAIN = ("compiled",)


def analyze_compiled(
    content: bytes, path: str, module: str, analyzer: PythonAnalyzer, *, is_package: bool
) -> FileAnalysis:
    """A compiled module shipped without its source (``mod.pyc``), read without loading it:
    the names and string constants of its code objects (:mod:`capwatch.unpack.marshal_reader`),
    rendered as Python text and analysed as code of the module's top-level scope (decode chain
    ``compiled``), so that the strings it carries (addresses, commands, paths) are read as a
    source file's would be. What it calls is not reconstructed from the bytecode."""
    analysis, scope = _module_analysis(path, module)
    limits = analyzer.limits
    for header in PYC_HEADERS:
        try:
            tree = read_marshal(
                content[header:], max_depth=min(limits.recursion, 200),
                max_bytes=limits.source_bytes,
            )
        except MarshalError:
            continue
        if isinstance(tree, MarshalCode):
            analyzer.analyze_decoded(
                render_marshal(tree), analysis, scope, _COMPILED_CHAIN, _FIRST_LINE, is_package
            )
            return analysis
    analysis.problems.append(
        Problem(ProblemKind.UNPARSABLE, Location(path), "not a compiled Python module")
    )
    return analysis


def _unwrap(content: bytes, limits: Limits) -> bytes:
    """The pickle inside a file that wraps one: compressed (``joblib.dump(..., compress=3)``
    writes zlib, gzip, bz2 or xz), or a NumPy ``.npy`` array of objects, whose data after the
    header is a pickle. Anything else is returned as it is."""
    for magic, decompress, _ in DECOMPRESSORS:
        if content.startswith(magic):
            try:
                return decompress(content, max_bytes=limits.decoded_bytes)
            except (DecodeError, LimitExceeded):
                return content
    if content.startswith(_NPY_MAGIC) and len(content) > 10:
        major = content[6]
        if major == 1:
            return content[10 + int.from_bytes(content[8:10], "little"):]
        return content[12 + int.from_bytes(content[8:12], "little"):]
    return content


class _Machine:
    """The pickle machine's stack and memo, holding names and strings (anything else is
    ``None``): enough to tell what each call calls and with which strings. Facts ``keep``
    would drop (a call of a class that holds data, a string with no clue in it) are not made."""

    def __init__(
        self, analysis: FileAnalysis, path: str, scope: str, keep: FactFilter | None
    ) -> None:
        self.analysis, self.path, self.scope, self.keep = analysis, path, scope, keep
        self.stack: list[object] = []
        self.memo: dict[int, object] = {}

    def step(self, op: pickletools.OpcodeInfo, arg: object, position: int) -> None:
        name, stack = op.name, self.stack
        if name in _STRING_OPS:
            text = arg if isinstance(arg, str) else str(arg)
            stack.append(text[:MAX_TEXT])
        elif name == "MARK":
            stack.append(_MARK)
        elif name in _PUT_OPS or name == "MEMOIZE":
            self.memo[len(self.memo) if name == "MEMOIZE" else int(arg)] = stack[-1]  # type: ignore[call-overload]
        elif name in _GET_OPS:
            stack.append(self.memo.get(int(arg)))  # type: ignore[call-overload]
        elif name == "GLOBAL":
            stack.append(self._global(*str(arg).partition(" ")[::2]))
        elif name == "STACK_GLOBAL":
            attribute, owner = stack.pop(), stack.pop()
            stack.append(self._global(owner, attribute))
        elif name in _TUPLE_SIZES:
            size = _TUPLE_SIZES[name]
            items = tuple(stack[len(stack) - size:]) if size else ()
            del stack[len(stack) - size:]
            stack.append(_Items(items))
        elif name in ("TUPLE", "LIST"):
            stack.append(_Items(self._to_mark()[:MAX_ITEMS]))
        elif name == "EMPTY_LIST":
            stack.append(_Items(()))
        elif name in ("APPEND", "APPENDS"):
            added = self._to_mark() if name == "APPENDS" else (stack.pop(),)
            held = stack.pop()
            if isinstance(held, _Items) and len(held.items) < MAX_ITEMS:
                held = _Items((held.items + added)[:MAX_ITEMS])
            stack.append(held if isinstance(held, _Items) else None)
        elif name == "REDUCE":
            args = stack.pop()
            stack.append(self._call(stack.pop(), args, position))
        elif name in ("NEWOBJ", "NEWOBJ_EX"):
            if name == "NEWOBJ_EX":
                stack.pop()
            args = stack.pop()
            stack.append(self._call(stack.pop(), args, position))
        elif name == "OBJ":
            marked = self._to_mark()
            stack.append(self._call(marked[0], _Items(marked[1:]), position))
        elif name == "INST":
            marked = self._to_mark()
            callee = self._global(*str(arg).partition(" ")[::2])
            stack.append(self._call(callee, _Items(marked), position))
        elif name == "DUP":
            stack.append(stack[-1])
        elif name == "POP":
            stack.pop()
        elif name == "POP_MARK":
            self._to_mark()
        else:
            self._generic(op)

    def _generic(self, op: pickletools.OpcodeInfo) -> None:
        """Any other opcode: pops what it takes and pushes unknown values for what it makes."""
        below_mark, taken, made = _EFFECTS[op.name]
        stack = self.stack
        if below_mark is not None:
            self._to_mark()
            taken = below_mark
        if taken:
            del stack[len(stack) - taken:]
        if made:
            stack.extend([None] * made)

    def _to_mark(self) -> tuple[object, ...]:
        stack = self.stack
        for index in range(len(stack) - 1, -1, -1):
            if stack[index] is _MARK:
                items = tuple(stack[index + 1:])
                del stack[index:]
                return items
        raise ValueError("no mark on the stack")

    @staticmethod
    def _global(owner: object, attribute: object) -> _Name | None:
        if isinstance(owner, str) and isinstance(attribute, str) and (
            _NAME.fullmatch(owner) and _NAME.fullmatch(attribute)
        ):
            return _Name(callable_name(owner, attribute))
        return None

    def _call(self, callee: object, args: object, position: int) -> object:
        """Record a call of a known callee; what it returns, when that is a name (a module it
        imports, an attribute it gets)."""
        if not isinstance(callee, _Name):
            return None
        values = args.items if isinstance(args, _Items) else ()
        strings = tuple(_strings(values))
        where = Location(self.path, 1, position)
        keep = self.keep
        if keep is None or keep.name(callee.name):
            shown = ", ".join(repr(text[:60]) for text in strings[:2])
            self.analysis.facts.append(
                Fact(FactKind.CALL, callee.name, where, self.scope, args=strings,
                     snippet=f"pickle calls {callee.name}({shown})"[:200])
            )
        for text in strings:
            if keep is None or keep.literal(text, False):
                self.analysis.facts.append(
                    Fact(FactKind.LITERAL, "", where, self.scope, value=text)
                )
        if callee.name in _IMPORTERS and values and isinstance(values[0], str):
            return _Name(_MODULE_ALIASES.get(values[0], values[0]))
        if callee.name == "getattr" and len(values) >= 2 and isinstance(values[1], str):
            owner = values[0]
            if isinstance(owner, _Name) and _NAME.fullmatch(values[1]):
                return _Name(callable_name(owner.name, values[1]))
        return None


def _strings(values: tuple[object, ...]) -> list[str]:
    """The strings among a call's arguments, nested lists and tuples included, at most
    ``MAX_ARGS``."""
    found: list[str] = []
    todo = list(values)
    while todo and len(found) < MAX_ARGS:
        value = todo.pop(0)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, _Items) and len(todo) < 64:
            todo[:0] = value.items
    return found
