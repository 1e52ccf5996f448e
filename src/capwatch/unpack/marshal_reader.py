"""Read CPython ``marshal`` data without loading it.

``marshal.loads`` would build code objects inside the scanner's own interpreter, which capwatch
never does. This module walks the marshal format byte by byte instead and keeps only what a
reviewer needs: for each code object its name, file name, referenced names (``co_names``) and
string constants, and its nested code objects. Code object layouts differ between CPython
versions (2.7, 3.0-3.7, 3.8-3.10, 3.11+); each layout is tried and the one that reads the whole
input wins. Input size and nesting depth are bounded; malformed input raises
:class:`MarshalError`, a ``ValueError``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

_FLAG_REF = 0x80
_MAX_LONG_DIGITS = 4096
"""Longer ``long`` objects are skipped rather than built (building is quadratic)."""
_MAX_CODE_OBJECTS = 20_000


class MarshalError(ValueError):
    """The input is not marshal data this reader understands (or breaks its bounds)."""


@dataclass(frozen=True, slots=True)
class MarshalCode:
    """What a reviewer needs from one code object, and the code objects nested in it."""

    name: str
    filename: str
    names: tuple[str, ...]
    """``co_names``: globals, attributes and modules the code refers to."""
    string_consts: tuple[str, ...]
    """String constants, including those inside constant tuples and sets."""
    children: tuple[MarshalCode, ...]
    """Code objects among the constants: functions, classes, lambdas, comprehensions."""
    qualname: str = ""
    firstlineno: int = 0
    bytes_consts: tuple[bytes, ...] = ()
    layout: str = ""
    """The CPython code layout that read the data: ``3.11``, ``3.8``, ``3.0`` or ``2.7``."""

    def walk(self) -> Iterator[MarshalCode]:
        """This code object and every nested one, depth first."""
        stack = [self]
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(code.children))


@dataclass(frozen=True, slots=True)
class _Layout:
    name: str
    ints_before: int
    """Raw 32-bit fields before the object fields (argcount, ..., flags)."""
    objects: tuple[str, ...]
    """Object fields between the raw ints and ``firstlineno``."""
    after: int
    """Object fields after ``firstlineno`` (lnotab; or linetable and exception table)."""


_COMMON = ("code", "consts", "names", "varnames", "freevars", "cellvars", "filename", "name")
_LAYOUTS = (
    _Layout(
        "3.11",
        5,
        (
            "code",
            "consts",
            "names",
            "localsplusnames",
            "localspluskinds",
            "filename",
            "name",
            "qualname",
        ),
        2,
    ),
    _Layout("3.8", 6, _COMMON, 1),
    _Layout("3.0", 5, _COMMON, 1),
    _Layout("2.7", 4, _COMMON, 1),
)


class _Pending:
    """Placeholder for a referenced object that is still being read (a cycle)."""


_PENDING = _Pending()
_INT32 = struct.Struct("<i")
_INT64 = struct.Struct("<q")
_DOUBLE = struct.Struct("<d")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    raise MarshalError("text field expected")


class _Reader:
    """One pass over the data with one code layout."""

    def __init__(self, data: bytes, layout: _Layout, max_depth: int) -> None:
        self.data = data
        self.pos = 0
        self.layout = layout
        self.max_depth = max_depth
        self.refs: list[object] = []
        self.interned: list[object] = []  # Python 2 'R' string references
        self.codes = 0
        self.seen_codes: set[int] = set()

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise MarshalError("truncated marshal data")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise MarshalError("truncated marshal data")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def int32(self) -> int:
        value: int = _INT32.unpack(self.take(4))[0]
        return value

    def size(self, unit: int = 1) -> int:
        """A 32-bit length that must fit in the rest of the data."""
        size = self.int32()
        if size < 0 or size * unit > len(self.data) - self.pos:
            raise MarshalError("length beyond the end of the data")
        return size

    def read(self, depth: int) -> object:
        if depth > self.max_depth:
            raise MarshalError(f"marshal data nested deeper than {self.max_depth}")
        code = self.byte()
        flag = code & _FLAG_REF
        kind = chr(code & ~_FLAG_REF)
        index = -1
        if flag:
            index = len(self.refs)
            self.refs.append(_PENDING)
        value = self._read_kind(kind, depth)
        if flag:
            self.refs[index] = value
        return value

    def _read_kind(self, kind: str, depth: int) -> object:
        if kind == "N":
            return None
        if kind in "FT":
            return kind == "T"
        if kind == ".":
            return Ellipsis
        if kind == "S":
            return StopIteration
        if kind == "i":
            return self.int32()
        if kind == "I":
            value: int = _INT64.unpack(self.take(8))[0]
            return value
        if kind == "l":
            return self._long()
        if kind == "g":
            number: float = _DOUBLE.unpack(self.take(8))[0]
            return number
        if kind == "f":
            return self._float_text()
        if kind == "y":
            real, imag = struct.unpack("<dd", self.take(16))
            return complex(real, imag)
        if kind == "x":
            return complex(self._float_text(), self._float_text())
        if kind == "s":
            return self.take(self.size())
        if kind == "t":
            text = _text(self.take(self.size()))
            if self.layout.name == "2.7":
                self.interned.append(text)
            return text
        if kind == "u":
            try:
                return self.take(self.size()).decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                raise MarshalError("invalid UTF-8 in a string") from None
        if kind in "aA":
            return self.take(self.size()).decode("latin-1")
        if kind in "zZ":
            return self.take(self.byte()).decode("latin-1")
        if kind == "r":
            return self._ref(self.refs)
        if kind == "R" and self.layout.name == "2.7":
            return self._ref(self.interned)
        if kind == ")":
            return self._items(self.byte(), depth)
        if kind in "([<>":
            return self._items(self.size(), depth)
        if kind == "{":
            return self._dict(depth)
        if kind == ":":  # slice (marshal version 5)
            return self._items(3, depth)
        if kind == "c":
            return self._code(depth)
        raise MarshalError(f"unknown marshal type code {kind!r}")

    def _ref(self, table: list[object]) -> object:
        index = self.int32()
        if not 0 <= index < len(table):
            raise MarshalError("invalid marshal reference")
        return table[index]

    def _long(self) -> int | None:
        count = self.int32()
        size = abs(count)
        raw = self.take(2 * size) if size <= (len(self.data) - self.pos) // 2 else b""
        if len(raw) != 2 * size:
            raise MarshalError("truncated long")
        if size > _MAX_LONG_DIGITS:
            return None
        value = 0
        for i in range(size - 1, -1, -1):
            digit = raw[2 * i] | raw[2 * i + 1] << 8
            if digit >= 1 << 15:
                raise MarshalError("invalid long digit")
            value = value << 15 | digit
        return -value if count < 0 else value

    def _float_text(self) -> float:
        try:
            return float(self.take(self.byte()).decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise MarshalError("invalid float") from None

    def _items(self, count: int, depth: int) -> tuple[object, ...]:
        items = []
        for _ in range(count):
            items.append(self.read(depth + 1))
        return tuple(items)

    def _dict(self, depth: int) -> tuple[object, ...]:
        pairs: list[object] = []
        while True:
            if self.pos < len(self.data) and self.data[self.pos] == ord("0"):
                self.pos += 1
                return tuple(pairs)
            pairs.append((self.read(depth + 1), self.read(depth + 1)))

    def _code(self, depth: int) -> MarshalCode:
        self.codes += 1
        if self.codes > _MAX_CODE_OBJECTS:
            raise MarshalError("too many code objects")
        layout = self.layout
        for _ in range(layout.ints_before):
            self.int32()
        fields: dict[str, object] = {}
        for name in layout.objects:
            fields[name] = self.read(depth + 1)
        firstlineno = self.int32()
        for _ in range(layout.after):
            self.read(depth + 1)
        if not isinstance(fields["code"], bytes):
            raise MarshalError("code object without bytecode")
        names = fields["names"]
        consts = fields["consts"]
        if not isinstance(names, tuple) or not isinstance(consts, tuple):
            raise MarshalError("code object fields have the wrong types")
        strings: list[str] = []
        blobs: list[bytes] = []
        children: list[MarshalCode] = []
        self._collect(consts, strings, blobs, children, set())
        if layout.name == "2.7":  # Python 2 'str' literals are byte strings
            strings += [b.decode("ascii") for b in blobs if b.isascii()]
            blobs = [b for b in blobs if not b.isascii()]
        qualname = fields.get("qualname", "")
        return MarshalCode(
            name=_text(fields["name"]),
            filename=_text(fields["filename"]),
            names=tuple(_text(n) for n in names),
            string_consts=tuple(dict.fromkeys(strings)),
            children=tuple(children),
            qualname=_text(qualname) if qualname else "",
            firstlineno=firstlineno,
            bytes_consts=tuple(dict.fromkeys(blobs)),
            layout=layout.name,
        )

    def _collect(
        self,
        value: object,
        strings: list[str],
        blobs: list[bytes],
        children: list[MarshalCode],
        visited: set[int],
    ) -> None:
        """Strings, byte strings and code objects inside ``value``, each object visited once."""
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                strings.append(item)
            elif isinstance(item, bytes):
                blobs.append(item)
            elif isinstance(item, MarshalCode):
                if id(item) not in self.seen_codes:  # a shared code object appears once
                    self.seen_codes.add(id(item))
                    children.append(item)
            elif isinstance(item, tuple) and id(item) not in visited:
                visited.add(id(item))
                stack.extend(reversed(item))


def read_marshal(
    data: bytes, *, max_depth: int = 200, max_bytes: int = 64 * 1024 * 1024
) -> MarshalCode | tuple[str, ...]:
    """Read marshal ``data``: a :class:`MarshalCode` tree, or the strings of non-code data.

    Non-code data holding code objects (a tuple of functions, say) comes back as a synthetic
    ``MarshalCode`` named ``<data>``. Raises :class:`MarshalError` on anything malformed.
    """
    if not data:
        raise MarshalError("empty marshal data")
    if len(data) > max_bytes:
        raise MarshalError(f"marshal data larger than {max_bytes} bytes")
    best: tuple[_Reader, object] | None = None
    first_error: MarshalError | None = None
    for layout in _LAYOUTS:
        reader = _Reader(bytes(data), layout, max_depth)
        try:
            value = reader.read(0)
        except RecursionError:
            raise MarshalError("marshal data nested too deeply for this stack") from None
        except MarshalError as exc:
            first_error = first_error or exc
            continue
        if reader.pos == len(data):
            best = (reader, value)
            break
        if best is None:
            best = (reader, value)  # marshal.loads ignores trailing bytes; keep looking for better
        if not reader.codes:
            break  # the layout only matters for code objects
    if best is None:
        raise first_error or MarshalError("unreadable marshal data")
    reader, value = best
    if isinstance(value, MarshalCode):
        return value
    strings: list[str] = []
    blobs: list[bytes] = []
    children: list[MarshalCode] = []
    reader.seen_codes.clear()
    reader._collect(value, strings, blobs, children, set())
    for blob in blobs:
        try:
            strings.append(blob.decode("utf-8"))
        except UnicodeDecodeError:
            continue
    found = tuple(dict.fromkeys(strings))
    if children:
        return MarshalCode("<data>", "", (), found, tuple(children), layout=reader.layout.name)
    return found


_MAX_INDENT = 40
"""Deeper code objects are rendered flat: the Python parser allows only 100 indent levels."""


def render_marshal(tree: MarshalCode | tuple[str, ...]) -> str:
    """Render what was read as parseable Python text (literals only) for further analysis.

    A code object becomes ``co_names = (...)`` and ``co_consts = (...)`` assignments, with each
    nested code object as an indented ``def`` block; nothing is reconstructed as calls.
    """
    if isinstance(tree, tuple):
        return f"# capwatch: marshal data\nstrings = {tree!r}\n"
    lines = ["# capwatch: marshal code objects (names and constants, not bytecode)"]
    stack: list[tuple[MarshalCode, int]] = [(tree, 0)]
    counter = 0
    while stack:
        code, level = stack.pop()
        if level:
            counter += 1
            lines.append(f"{'    ' * (level - 1)}def _code_{counter}():")
        pad = "    " * level
        lines.append(f"{pad}# code {code.name!r} in {code.filename!r} (layout {code.layout})")
        lines.append(f"{pad}co_names = {code.names!r}")
        lines.append(f"{pad}co_consts = {code.string_consts!r}")
        if code.bytes_consts:
            lines.append(f"{pad}co_bytes = {code.bytes_consts!r}")
        child_level = min(level + 1, _MAX_INDENT)
        stack.extend((child, child_level) for child in reversed(code.children))
    return "\n".join(lines) + "\n"
