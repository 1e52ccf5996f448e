"""The Python front end's use of :mod:`capwatch.unpack`: constant folding and payload decoding.

Names assigned once in a file are folded lazily, on first use, so ``key = "..."; exec(b64decode(
key))`` decodes, while a file full of ordinary assignments costs nothing unless something asks.
A name also augmented (``out += ...``) folds by running the one loop that builds it (see
:mod:`capwatch.lang.python.accumulators`), or, when all its bindings sit in one block, by
evaluating them in source order; never to its first value.
"""

from __future__ import annotations

import ast
import base64
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.lang.python.accumulators import StatementIndex, accumulator_loop
from capwatch.lang.python.tree import reads_name, walk
from capwatch.unpack.consteval import KNOWN_CONSTANTS, METHOD_PREFIX, Const, Evaluator
from capwatch.unpack.decoders import DECODERS
from capwatch.unpack.loops import LoopShape, loop_shape
from capwatch.unpack.payload import decode_text, looks_like_python, try_decode_blob

MAX_SEQUENCE = 1_000
"""Most bindings of one name folded in source order (see :meth:`Environment._fold_sequence`)."""

BLOB_MIN = 40
"""Bare literals at least this long are tried as encoded payloads."""

_DECODER_TAILS = frozenset(
    {
        "b64decode", "urlsafe_b64decode", "standard_b64decode", "b32decode", "b85decode",
        "a85decode", "b16decode", "decodebytes", "decodestring", "unhexlify", "a2b_hex",
        "a2b_base64", "fromhex", "decompress", "loads", "decode", "join", "translate",
    }
)


class Environment(Mapping[str, Const]):
    """Names bound to expressions; folded to constants on demand, each at most once.

    A name bound once (:meth:`bind`) folds to its expression's value. A name also augmented
    (:meth:`augment`) folds to what the one ``for`` loop that augments it builds, when that loop
    follows the assignment in its block and can be run (:mod:`capwatch.unpack.loops`). A
    name bound several times, or augmented, whose bindings all sit in one block and start from a
    string literal folds by evaluating them in source order; any other is unknown. Reads of
    such a name see its final value, wherever they are.
    """

    def __init__(self) -> None:
        self._bound: dict[str, list[ast.expr]] = {}
        """The distinct expressions each name is assigned, in the order the prepass met them:
        a name with one folds to it; a name with several only in source order (``_sequence``)."""
        self._augments: dict[str, list[ast.AugAssign]] = {}
        self._shapes: dict[int, tuple[ast.For, LoopShape | None]] = {}
        self._index: StatementIndex | None = None
        self.statements: list[ast.stmt] = []
        """The tree's top-level statements: where the loops that build augmented names are
        looked for."""
        self._values: dict[str, Const | None] = {}
        self._busy: set[str] = set()
        self.evaluator: Evaluator | None = None
        self.version = 0
        """Changes whenever a binding changes, so the evaluator knows when its cache is stale."""
        self.functions: dict[str, ast.FunctionDef | ast.Lambda] = {}
        """Small module-level helpers the evaluator may inline (``def d(s): return ...``)."""

    def bind(self, name: str, expr: ast.expr) -> None:
        exprs = self._bound.setdefault(name, [])
        if expr not in exprs:  # nodes compare by identity
            exprs.append(expr)
        self._values.pop(name, None)
        self.version += 1
        if isinstance(expr, ast.Lambda):
            self.functions[name] = expr

    def augment(self, node: ast.AugAssign) -> None:
        """Record ``name op= value`` (a name target; other targets bind no name)."""
        if isinstance(node.target, ast.Name):
            self._augments.setdefault(node.target.id, []).append(node)
            self._values.pop(node.target.id, None)
            self.version += 1

    def binds(self, name: str) -> bool:
        """Whether some assignment in the file binds ``name`` (once or several times)."""
        return name in self._bound

    def expression(self, name: str) -> ast.expr | None:
        """The one expression ``name`` is bound to, or ``None`` (unbound, or bound to several)."""
        exprs = self._bound.get(name)
        return exprs[0] if exprs is not None and len(exprs) == 1 else None

    def expressions(self, name: str, most: int) -> tuple[ast.expr, ...]:
        """Every expression ``name`` is bound to, when there are at most ``most``; else none."""
        exprs = self._bound.get(name, ())
        return tuple(exprs) if len(exprs) <= most else ()

    @contextmanager
    def pinned(self, values: Mapping[str, ast.expr]) -> Iterator[None]:
        """Fold each name of ``values`` as bound to that one expression while the block runs
        (the binding that reaches one use of a name the file binds several times); the
        file-wide bindings, and every value folded before, come back after it."""
        saved = {name: self._bound.get(name) for name in values}
        augments = {name: self._augments.pop(name, None) for name in values}
        folded = dict(self._values)
        for name, expr in values.items():
            self._bound[name] = [expr]
            self._values.pop(name, None)
        self.version += 1
        try:
            yield
        finally:
            for name, exprs in saved.items():
                if exprs is None:
                    self._bound.pop(name, None)
                else:
                    self._bound[name] = exprs
            for name, nodes in augments.items():
                if nodes is not None:
                    self._augments[name] = nodes
            self._values = folded
            self.version += 1

    def define(self, node: ast.FunctionDef) -> None:
        self.functions[node.name] = node
        self.version += 1

    def define_methods(self, classes: Iterable[ast.ClassDef]) -> None:
        """Record the methods of the file's classes, to be inlined when called on ``self``
        (``self.decode(blob)``). A method name that two classes define is left out: which one
        ``self`` has is not known."""
        seen: dict[str, ast.FunctionDef | None] = {}
        for cls in classes:
            for stmt in cls.body:
                if isinstance(stmt, ast.FunctionDef) and stmt.args.args:
                    seen[stmt.name] = None if stmt.name in seen else stmt
        for name, method in seen.items():
            if method is not None:
                self.functions[METHOD_PREFIX + name] = method
                self.version += 1

    def __getitem__(self, name: str) -> Const:
        value = self._fold(name)
        if value is None:
            raise KeyError(name)
        return value

    def get(self, name: str, default: Const | None = None) -> Const | None:  # type: ignore[override]
        """``Mapping.get`` without raising and catching ``KeyError`` for every unbound name (the
        evaluator asks for each name it meets)."""
        value = self._fold(name)
        return default if value is None else value

    def _fold(self, name: str) -> Const | None:
        if name in self._values:
            return self._values[name]
        exprs = self._bound.get(name)
        if exprs is None or name in self._busy or self.evaluator is None:
            return None
        several = len(exprs) > 1
        if name in self._augments and not several:
            value = self._fold_accumulator(name, self.evaluator)
            if value is not None:
                return value
        if name in self._augments or several:
            value = self._fold_sequence(name, self.evaluator)
            self._values[name] = value
            return value
        self._busy.add(name)
        try:
            value = self.evaluator.eval(exprs[0])
        except LimitExceeded:
            value = None
        finally:
            self._busy.discard(name)
        self._values[name] = value
        return value

    def _fold_accumulator(self, name: str, evaluator: Evaluator) -> Const | None:
        """Run the loop that builds ``name``; every name it builds gets its value (or none)."""
        shape = self._accumulator_shape(name)
        if shape is None:
            self._values[name] = None
            return None
        names = shape.accumulators
        self._busy.update(names)
        try:
            results = evaluator.run_loop(shape, {n: self._bound[n][0] for n in names})
        except LimitExceeded:
            results = None
        finally:
            self._busy.difference_update(names)
        for built in names:
            self._values[built] = results.get(built) if results is not None else None
        return self._values[name]

    def _fold_sequence(self, name: str, evaluator: Evaluator) -> Const | None:
        """Fold a name bound several times in one block, in order, as straight-line code runs
        it (``s = ""``, ``s += "..."`` twenty times, ``s = b64decode(s)``, ``s = decompress(s)``):
        each binding is evaluated with the name holding the value before it. The name's value
        is the last one, wherever it is read (as for accumulators). Only text built from a
        string literal this way folds (the first binding may also be a call on a name bound
        to a literal): bindings in other blocks, any other first binding, or a later assignment that does not read the name leave it unknown (ordinary
        code reassigning a name costs no evaluation)."""
        order = self._sequence(name)
        if order is None:
            return None
        value: Const | None = None
        try:
            for stmt in order:
                self._values[name] = value
                self.version += 1
                if isinstance(stmt, ast.Assign):
                    value = evaluator.eval(stmt.value)
                else:
                    combined = ast.BinOp(
                        left=ast.Name(id=name, ctx=ast.Load()), op=stmt.op, right=stmt.value
                    )
                    value = evaluator.eval(ast.copy_location(combined, stmt))
                if value is None:
                    break
        except LimitExceeded:
            value = None
        self.version += 1
        return value

    def _sequence(self, name: str) -> list[ast.Assign | ast.AugAssign] | None:
        """The statements binding ``name``, in source order, when they all sit in one block,
        start with a plain assignment and are at most ``MAX_SEQUENCE``; else ``None``."""
        exprs = self._bound.get(name, ())
        if not self._may_sequence(exprs, name):
            return None  # no literal to start from, or an unrelated value: skip the index
        if self._index is None:
            self._index = StatementIndex(self.statements)
        index = self._index
        stmts: list[ast.Assign | ast.AugAssign] = []
        for expr in exprs:
            assignment = index.assignment(expr)
            if assignment is None:
                return None
            stmts.append(assignment)
        stmts.extend(self._augments.get(name, ()))
        if not 2 <= len(stmts) <= MAX_SEQUENCE:
            return None
        places = [index.place(stmt) for stmt in stmts]
        first = places[0]
        if first is None or any(p is None or p[0] is not first[0] for p in places):
            return None
        positions = [p[1] for p in places if p is not None]
        pairs = sorted(zip(positions, stmts, strict=True), key=lambda pair: pair[0])
        order = [stmt for _, stmt in pairs]
        head = order[0]
        if not isinstance(head, ast.Assign) or not self._seed(head.value, name):
            return None
        for stmt in order[1:]:
            if isinstance(stmt, ast.Assign) and not reads_name(stmt.value, name):
                return None  # an unrelated value, not a transformation of the text so far
        return order

    def _may_sequence(self, exprs: Iterable[ast.expr], name: str) -> bool:
        """Whether some of ``exprs`` can start a sequence for ``name`` (:meth:`_seed`) and each
        other one reads ``name``: one walk of each expression answers both (most names bound
        several times are bound to unrelated values, and the first such value ends it)."""
        seeded = False
        for expr in exprs:
            if _text_constant(expr):
                seeded = True
                continue
            reads, texts = self._names_in(expr, name, isinstance(expr, ast.Call))
            if reads:
                continue
            if not texts:
                return False
            seeded = True  # a call on a name bound to a literal, not reading ``name``
        return seeded

    def _names_in(self, expr: ast.expr, name: str, texts_too: bool) -> tuple[bool, bool]:
        """Whether ``expr`` reads ``name``, and (asked with ``texts_too``, else ``False``)
        whether it reads another name bound once to a string literal."""
        texts = False
        for sub in walk(expr):
            if type(sub) is ast.Name:
                other = sub.id
                if other == name:
                    return True, texts
                if texts_too and not texts:
                    bound = self.expression(other)
                    texts = bound is not None and _text_constant(bound)
        return False, texts

    def _seed(self, expr: ast.expr, name: str) -> bool:
        """Whether ``expr`` can start a sequence for ``name``: a string literal, or a call
        on a name bound once to one (``key = bytes(text.encode())`` after ``text = "..."``)."""
        if _text_constant(expr):
            return True
        if not isinstance(expr, ast.Call):
            return False
        reads, texts = self._names_in(expr, name, texts_too=True)
        return texts and not reads

    def _accumulator_shape(self, name: str) -> LoopShape | None:
        """The runnable loop that builds ``name`` and only names that qualify, or ``None``."""
        loop = self._builder(name)
        if loop is None:
            return None
        cached = self._shapes.get(id(loop))
        if cached is None or cached[0] is not loop:
            cached = self._shapes[id(loop)] = (loop, loop_shape(loop))
        shape = cached[1]
        if shape is None or name not in shape.accumulators:
            return None
        if any(self._builder(other) is not loop for other in shape.accumulators):
            return None
        return shape

    def _builder(self, name: str) -> ast.For | None:
        """The loop that augments ``name``, after its one assignment in the same block."""
        value = self.expression(name)
        augments = self._augments.get(name)
        if value is None or not augments:
            return None
        if self._index is None:
            self._index = StatementIndex(self.statements)
        return accumulator_loop(self._index, value, augments)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._fold(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(k for k, exprs in self._bound.items() if len(exprs) == 1)

    def __len__(self) -> int:
        return len(self._bound)


def _text_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)


def make_evaluator(
    resolve: Callable[[ast.expr], str | None],
    env: Environment,
    limits: Limits,
    aliases: Mapping[str, str],
) -> Evaluator:
    evaluator = Evaluator(resolve, env, limits, functions=env.functions, aliases=aliases)
    env.evaluator = evaluator
    return evaluator


def as_text(evaluator: Evaluator, node: ast.expr) -> str | None:
    """The folded value of ``node`` as text, when it is a constant string (or bytes)."""
    folded = folded_text(evaluator, node)
    return folded[0] if folded is not None else None


def folded_text(evaluator: Evaluator, node: ast.expr) -> tuple[str, tuple[str, ...]] | None:
    """:func:`as_text` with the decode chain that produced the text (empty when the text was
    written in the source, perhaps in pieces)."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str):
            return value, ()
        if isinstance(value, bytes):
            return value.decode("latin-1"), ()
        return None
    if isinstance(node, ast.Attribute):
        return None
    try:
        result = evaluator.eval(node)
    except LimitExceeded:
        return None
    if result is None:
        return None
    if isinstance(result.value, str):
        return result.value, result.chain
    if isinstance(result.value, bytes | bytearray):
        return bytes(result.value).decode("latin-1"), result.chain
    return None


def folds_to_nothing(evaluator: Evaluator, name: str | None) -> bool:
    """Whether :func:`folded_text` of a name the environment binds to nothing, resolving to
    ``name``, is ``None``: the evaluator folds such a name only to a module constant it knows
    (``from string import digits``). Outside an evaluation (whose budget a nested one shares)
    the answer needs no evaluation."""
    return not evaluator.running and (not name or name not in KNOWN_CONSTANTS)


def is_decoder(name: str) -> bool:
    return name in DECODERS or name.rsplit(".", 1)[-1] in _DECODER_TAILS


def evaluate(evaluator: Evaluator, node: ast.expr) -> tuple[str, tuple[str, ...]] | None:
    """Fold ``node``; return its text and the decode chain when it is text-like.

    Raises :class:`LimitExceeded` when a decoder hits its limits.
    """
    result = evaluator.eval(node)
    if result is None:
        return None
    value = result.value
    if isinstance(value, str):
        return value, result.chain
    if isinstance(value, bytes | bytearray):
        text = decode_text(bytes(value))
        if text is None:
            return None
        return text, result.chain
    return None


_CODE_HINTS = ("import", "exec", "eval", "system(", "popen", "subprocess", "urlopen", "requests.",
               "socket", "__builtins__", "getattr(")
MAX_CODE_PROBE = 4 * 1024 * 1024


def looks_like_code(text: str) -> bool:
    """Cheap gate first (code that matters calls or imports something), then a real parse."""
    if len(text) > MAX_CODE_PROBE or not any(hint in text for hint in _CODE_HINTS):
        return False
    return looks_like_python(text)


def blob_payloads(text: str, limits: Limits) -> list[tuple[str, tuple[str, ...]]]:
    """Encoded code hidden in a bare literal, decoded (cheap pre-checks skip ordinary text)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    try:
        candidates = try_decode_blob(text, limits)
    except LimitExceeded:
        return out
    for const in candidates:
        value = const.value
        decoded = (
            value if isinstance(value, str)
            else decode_text(bytes(value)) if isinstance(value, bytes | bytearray) else None
        )
        if decoded is not None:
            out.append((decoded, const.chain))
    return out


_PS_ENCODED = re.compile(
    r"-(?:e|ec|en|enc|enco|encod|encode|encoded|encodedcommand)\s+['\"]?([A-Za-z0-9+/]{16,}={0,2})",
    re.IGNORECASE,
)
POWERSHELL_STEP = "powershell -EncodedCommand"


def powershell_payloads(text: str) -> list[str]:
    """Commands hidden in ``powershell -EncodedCommand <base64 of UTF-16LE>`` command lines."""
    lowered = text.lower()
    if "owershell" not in lowered and "pwsh" not in lowered:
        return []
    found = []
    for match in _PS_ENCODED.finditer(text):
        blob = match.group(1)
        try:
            raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
            decoded = raw.decode("utf-16-le")
        except (ValueError, UnicodeDecodeError):
            continue
        if decoded.isprintable() or all(c.isprintable() or c in "\r\n\t" for c in decoded):
            found.append(decoded)
    return found


_QUOTED = re.compile(r""""((?:[^"\\\n]|\\.){4,2000})"|'((?:[^'\\\n]|\\.){4,2000})'""")


def quoted_strings(text: str) -> Iterator[str]:
    """Quoted strings in text that is not parsable code, for indicator scanning (linear time)."""
    for match in _QUOTED.finditer(text):
        yield match.group(1) if match.group(1) is not None else match.group(2)


EMBEDDED_MIN = 256
"""Shortest literal checked for an embedded executable."""
_MAGIC = (
    (b"MZ", "PE"),
    (b"\x7fELF", "ELF"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xce\xfa\xed\xfe", "Mach-O"),
    (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xfe\xed\xfa\xce", "Mach-O"),
)
_B64_HEAD = re.compile(r"[A-Za-z0-9+/_-]{16}")
_HEX_HEAD = re.compile(r"(?:[0-9a-fA-F]{2}){8}")


def embedded_executable(text: str) -> str | None:
    """The format of a native executable that ``text`` holds (raw, base64 or hex), or ``None``.

    Only the first bytes are decoded: enough to read the file's magic number.
    """
    if len(text) < EMBEDDED_MIN:
        return None
    heads = [text[:8].encode("latin-1", "replace")]
    if _HEX_HEAD.match(text):
        heads.append(bytes.fromhex(text[:16]))
    if _B64_HEAD.match(text):
        for alphabet in (None, b"-_"):
            try:
                heads.append(base64.b64decode(text[:16], altchars=alphabet, validate=True))
            except ValueError:
                continue
    for first in heads:
        for magic, name in _MAGIC:
            if first.startswith(magic) and (name != "PE" or len(text) >= 1024):
                return name
    return None


def disguised_executable(data: bytes) -> tuple[str, int] | None:
    """The format of the native executable that a whole file's bytes are, as they stand or
    under a one-byte XOR key, with that key (0 when not encrypted), or ``None``. A PE must also
    have its ``PE`` signature where its header says, and an ELF file a valid class, byte order
    and version after its magic, so text that happens to start with a few letters is not taken
    for one."""
    if len(data) < 1024:
        return None
    key = data[0] ^ 0x4D
    if data[1] ^ key == 0x5A:
        offset = int.from_bytes(bytes(b ^ key for b in data[0x3C:0x40]), "little")
        if 0x40 <= offset <= len(data) - 4 and bytes(b ^ key for b in data[offset:offset + 4]) == b"PE\0\0":
            return "PE", key
    key = data[0] ^ 0x7F
    ident = bytes(b ^ key for b in data[1:7])
    if ident[:3] == b"ELF" and ident[3] in (1, 2) and ident[4] in (1, 2) and ident[5] == 1:
        return "ELF", key
    return None


OPAQUE_MIN = 512
"""Shortest bytes literal that can count as an opaque (encrypted or compiled) code blob."""
OPAQUE_ENTROPY = 7.0
"""Bits per byte from which a blob is taken to be encrypted or compressed, not data with a
structure (tables, images' headers and padding, type descriptors sit well below)."""
_ENTROPY_SAMPLE = 64 * 1024


def byte_entropy(data: bytes) -> float:
    """Shannon entropy of ``data`` in bits per byte (of its first 64 KiB)."""
    sample = data[:_ENTROPY_SAMPLE]
    if not sample:
        return 0.0
    total = len(sample)
    return -sum(n / total * math.log2(n / total) for n in Counter(sample).values())


def opaque_blob(value: bytes) -> float | None:
    """The entropy of a bytes literal that looks like encrypted code, or ``None``."""
    if len(value) < OPAQUE_MIN:
        return None
    entropy = byte_entropy(value)
    return entropy if entropy >= OPAQUE_ENTROPY else None
