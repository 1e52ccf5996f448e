"""Turning the bytes of a Python file into text and a syntax tree, whatever state they are in.

Malware is often Python 2, half-broken, or deliberately malformed, and still carries a payload
that runs. :func:`parse` therefore tries, in order: Python 3 as is; Python 2 idioms rewritten to
their Python 3 forms (``print x``, ``exec code``, ``except E, e``, backticks, ``0777``, ``10L``,
``<>``), and syntax of newer Pythons than the scanner's to what it parses (type parameter lists,
``type`` aliases, template strings); then mends what the parser rejects, one line at a time, up to a bound: a quoted string
left open is joined with the next line or closed at the end of its own, a bracket never closed
is closed at the end of the line that opens it, a line indented where no
block opens is blanked, any other rejected line becomes ``pass``, and a line rejected again
passes the blame to the line above it (an unclosed bracket); and, last, cuts the file at its
top-level statements and keeps the parts that parse, each mended on its own. The rest of the
file is still analysed. Lines given up on are returned so their strings can still be scanned
for indicators.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import re
import warnings
from dataclasses import dataclass, field

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
MAX_REPAIRS = 64
"""How many rejected lines the fallback blanks before it gives up on a file."""
LARGE_SOURCE = 256 * 1024
MAX_REPAIRS_LARGE = 6
"""Fewer repairs for large files: each attempt parses the whole file again."""
PART_CHARS = 256 * 1024
"""A file longer than this is parsed a part at a time (:func:`_parse_in_parts`)."""
_PART_START = re.compile(r"\n\n(?=@|def |class |async def )")
"""Where a part may start: a top-level definition (or its first decorator) after a blank line."""


@dataclass(slots=True)
class Parsed:
    tree: ast.Module | None
    text: str
    fallback: bool = False
    """True when the tree was obtained only after rewriting or blanking lines."""
    dropped_lines: list[int] = field(default_factory=list)
    """1-based numbers of lines the fallback had to blank."""
    error: str | None = None
    bad_encoding: bool = False


def decode_source(data: bytes) -> tuple[str, bool]:
    """Decode per PEP 263 (BOM, coding cookie in the first two lines, else UTF-8).

    Returns the text and whether undecodable bytes had to be replaced.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    encoding = "utf-8"
    for line in data.split(b"\n", 2)[:2]:
        m = _CODING.match(line)
        if m:
            name = m.group(1).decode("ascii", "replace")
            with contextlib.suppress(LookupError):
                encoding = codecs.lookup(name).name
            break
    try:
        return data.decode(encoding), False
    except (UnicodeDecodeError, LookupError):
        return data.decode("utf-8", "replace"), True


_PY2_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # print statement -> call (only when not already a call)
    (re.compile(r"^(\s*)print\s+(?!\()(.+?)\s*$", re.M), r"\1print(\2)"),
    (re.compile(r"^(\s*)print\s*$", re.M), r"\1print()"),
    # exec statement -> call:  exec code in ns  /  exec "..."
    (re.compile(r"^(\s*)exec\s+(?!\()(.+?)(?:\s+in\s+.+?)?\s*$", re.M), r"\1exec(\2)"),
    (re.compile(r"except\s+([\w.]+|\([^)]*\))\s*,\s*(\w+)\s*:"), r"except \1 as \2:"),
    (re.compile(r"raise\s+([\w.]+)\s*,\s*(.+)$", re.M), r"raise \1(\2)"),
    (re.compile(r"`([^`\n]*)`"), r"repr(\1)"),
    (re.compile(r"\b0([0-7]+)\b"), r"0o\1"),
    (re.compile(r"\b(\d+)[lL]\b"), r"\1"),
    (re.compile(r"<>"), r"!="),
    (re.compile(r"\bur(['\"])"), r"u\1"),
)

_BRACKETS = r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]"
"""A bracketed list on one line, with brackets nested one level inside (``[K, V: list[int]]``)."""
_NEWER_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # type parameter lists (Python 3.12): ``type A[T] = ...``, ``def f[T](...)``, ``class C[T]:``
    (re.compile(rf"^([ \t]*)type[ \t]+([A-Za-z_]\w*)[ \t]*(?:{_BRACKETS})?[ \t]*=(?!=)", re.M),
     r"\1\2 ="),
    (re.compile(rf"^([ \t]*(?:async[ \t]+)?def[ \t]+[A-Za-z_]\w*)[ \t]*{_BRACKETS}(?=[ \t]*\()", re.M),
     r"\1"),
    (re.compile(rf"^([ \t]*class[ \t]+[A-Za-z_]\w*)[ \t]*{_BRACKETS}(?=[ \t]*[(:])", re.M), r"\1"),
    # template strings (Python 3.14): ``t"..."`` reads as the f-string it is written like
    # (a ``t`` after a backslash is an escape inside a string, ``"a\t"``, and stays)
    (re.compile(r"(?<![\w.'\"\\])([rR]?)[tT]([rR]?)(?=['\"])"), r"\1f\2"),
)
"""Syntax of Python versions newer than the scanner's own that a tree of its version can hold
once rewritten: the definitions and aliases stay, their type parameters go."""


_BAD_ESCAPE = re.compile(
    r"(?<!\\)((?:\\\\)*)\\(x(?![0-9A-Fa-f]{2})|u(?![0-9A-Fa-f]{4})|U(?![0-9A-Fa-f]{8})|N(?!\{))"
)
"""A ``\\x``, ``\\u``, ``\\U`` or ``\\N`` escape that is not followed by what it needs (after
any escaped backslashes): the string cannot be compiled (``(unicode error)``)."""


_LEADING_BLANKS = re.compile(r"^[ \t]+", re.M)


def _rewrite_py2(text: str) -> str:
    """Python 2 idioms, and syntax of newer Python versions, in the forms this one parses."""
    for pattern, repl in (*_PY2_REWRITES, *_NEWER_REWRITES):
        text = pattern.sub(repl, text)
    return text


def _try_parse(text: str, path: str) -> tuple[ast.Module | None, SyntaxError | None, str | None]:
    try:
        with warnings.catch_warnings():
            # Invalid escapes and the like in a package's code are not the scanner's to report.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path, type_comments=False), None, None
    except SyntaxError as exc:  # IndentationError and TabError are SyntaxErrors
        return None, exc, f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})"
    except (RecursionError, MemoryError) as exc:
        return None, None, f"{type(exc).__name__}: expression nested too deeply to parse"
    except ValueError as exc:  # e.g. source code string cannot contain null bytes
        return None, None, f"ValueError: {exc}"


def _parse_in_parts(text: str, path: str) -> ast.Module | None:
    """The syntax tree of a large file, parsed a run of top-level statements at a time.

    ``ast.parse`` holds the parser's own tree of the whole file while it builds the Python one:
    a 5 MB generated test file peaks near 300 MB that way, for a 185 MB result. Parsed in parts
    of about :data:`PART_CHARS`, only one part's parser tree is held beside the statements
    built so far. Each part starts at column 0 of a ``def``, ``class`` or decorator line after a
    blank line, and is parsed after as many blank lines as precede it, so every node keeps the
    line and column the whole parse gives it. The parser carries no state from one top-level
    statement to the next (``barry_as_FLUFL`` aside: such files are parsed whole), so when
    every part parses, the statements are those of the whole file; a line that only looks like
    a start (inside a string, or after a decorator) leaves the part before it unparsable, and
    the file is then parsed whole (``None``), as is a file with one part only."""
    starts = [0]
    while (found := _PART_START.search(text, starts[-1] + PART_CHARS)) is not None:
        starts.append(found.end())
    if len(starts) == 1 or "barry_as_FLUFL" in text:
        return None
    body: list[ast.stmt] = []
    lines_before = 0
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        part, _, _ = _try_parse("\n" * lines_before + text[start:end], path)
        if part is None:
            return None
        body.extend(part.body)
        lines_before += text.count("\n", start, end)
    return ast.Module(body=body, type_ignores=[])


def parse(data: bytes, path: str) -> Parsed:
    """Parse Python source bytes, falling back to repairs when Python 3 rejects them."""
    text, bad = decode_source(data)
    if "\x00" in text:
        text = text.replace("\x00", " ")
    tree = _parse_in_parts(text, path) if len(text) > PART_CHARS else None
    if tree is not None:
        return Parsed(tree, text, bad_encoding=bad)
    tree, _, error = _try_parse(text, path)
    if tree is not None:
        return Parsed(tree, text, bad_encoding=bad)

    candidate = _rewrite_py2(text)
    tree, exc, _ = _try_parse(candidate, path)
    if tree is not None:
        return Parsed(tree, candidate, fallback=True, error=error, bad_encoding=bad)
    if isinstance(exc, TabError) or (exc is not None and "indent" in exc.msg):
        # Python 2 read a tab as reaching the next multiple of eight columns: files that mix
        # tabs and spaces ran there, and still read as their author meant once expanded
        candidate = _LEADING_BLANKS.sub(lambda m: m.group(0).expandtabs(8), candidate)
        tree, exc, _ = _try_parse(candidate, path)
        if tree is not None:
            return Parsed(tree, candidate, fallback=True, error=error, bad_encoding=bad)

    bound = MAX_REPAIRS if len(candidate) < LARGE_SOURCE else MAX_REPAIRS_LARGE
    tree, repaired, dropped = _repair(candidate, exc, path, bound)
    if tree is not None:
        return Parsed(
            tree, repaired, fallback=True, dropped_lines=dropped, error=error, bad_encoding=bad
        )
    salvaged = _salvage(candidate, path)
    if salvaged is not None:
        tree, repaired, dropped = salvaged
        return Parsed(
            tree, repaired, fallback=True, dropped_lines=dropped, error=error, bad_encoding=bad
        )
    return Parsed(None, text, fallback=True, dropped_lines=dropped, error=error, bad_encoding=bad)


_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_OPEN_STRING = ("unterminated string literal", "unterminated f-string literal")
"""How the parser reports a one-line string left open (Python 3.12 and later tell f-strings
apart)."""


def _repair(
    candidate: str, exc: SyntaxError | None, path: str, bound: int
) -> tuple[ast.Module | None, str, list[int]]:
    """Mend the lines the parser rejects, one at a time, up to ``bound`` attempts: a quoted
    string left open is joined with the lines after it or closed (:func:`_end_string`), a
    bracket never closed is closed at the end of the line that opens it, a line
    indented where no block opens is blanked, another line becomes ``pass``, and a line
    rejected again blames the nearest line above it. The tree, the text it was parsed from and
    the lines blanked (``None`` for the tree when the parser still rejects the text)."""
    lines = candidate.split("\n")
    dropped: list[int] = []
    closed: set[int] = set()
    # every mend of a string left open parses the whole text again: few in a large file
    most_joined = MAX_STRING_LINES if len(candidate) < LARGE_SOURCE else 1
    for _ in range(bound):
        lineno = exc.lineno if exc is not None and exc.lineno else None
        if lineno is None:
            # A failure with no line (deep nesting, memory): blank the longest remaining line.
            lineno = 1 + max(range(len(lines)), key=lambda i: len(lines[i]))
            if not lines[lineno - 1].strip():
                break
        index = min(max(lineno, 1), len(lines)) - 1
        if exc is not None and exc.msg.startswith("(unicode error)"):
            repaired = _BAD_ESCAPE.sub(r"\1\\\\\2", lines[index])
            if repaired != lines[index]:
                # ``"\x1"``: keep the string (often a payload) with the broken escape made literal
                lines[index] = repaired
                tree, exc, _ = _try_parse("\n".join(lines), path)
                if tree is not None:
                    return tree, "\n".join(lines), dropped
                continue
        if (
            exc is not None
            and exc.msg.startswith(_OPEN_STRING)
            and index + 1 not in dropped
        ):
            fixed = _end_string(lines, index, path, most_joined)
            if fixed is not None:
                tree, exc, emptied = fixed
                dropped.extend(emptied)
                if tree is not None:
                    return tree, "\n".join(lines), dropped
                continue
        closer = _CLOSERS.get(exc.msg[1:2]) if exc is not None and exc.msg.endswith(
            "was never closed") else None
        if closer is not None and index + 1 not in closed:
            # ``print(get(url).text`` at the end of a statement: close the bracket the line
            # opened (once per line) rather than lose the line
            closed.add(index + 1)
            lines[index] = lines[index].rstrip() + closer
            tree, exc, _ = _try_parse("\n".join(lines), path)
            if tree is not None:
                return tree, "\n".join(lines), dropped
            continue
        if index + 1 in dropped:
            # the line was blanked and the parser still stops there: the cause is above it
            # (an unclosed bracket), so blank the nearest line above that is not blank yet
            above = next(
                (i for i in range(index - 1, -1, -1) if lines[i].strip() and i + 1 not in dropped),
                None,
            )
            if above is None:
                break
            index = above
        original = lines[index]
        indent = original[: len(original) - len(original.lstrip())]
        # a line indented where no block opens (a bracket's continuation) goes whole
        keep_block = original.strip() and not (exc is not None and exc.msg == "unexpected indent")
        lines[index] = f"{indent}pass" if keep_block else ""
        dropped.append(index + 1)
        tree, exc, _ = _try_parse("\n".join(lines), path)
        if tree is not None:
            return tree, "\n".join(lines), dropped
    return None, candidate, dropped


def _end_string(
    lines: list[str], index: int, path: str, most: int
) -> tuple[ast.Module | None, SyntaxError | None, list[int]] | None:
    """Mend a quoted string left open on line ``index``: joined with the lines after it (up to
    ``most``; the line breaks made escapes: a string that runs on), else closed at the end of
    its line. The first mend after which the parser no longer stops on that line is kept, in
    ``lines``: the tree (when the text now parses), the next error, and the lines emptied by a
    join (1-based). ``None`` when nothing helps. Each mend tried is a parse of the whole text:
    ``most + 2`` of them at worst."""
    line = lines[index].rstrip("\r")
    saved = lines[index : index + most + 1]
    options: list[tuple[str, int]] = []
    text = line
    for taken in range(1, min(most, len(lines) - index - 1) + 1):
        text = text.rstrip("\r") + "\\n" + lines[index + taken]
        options.append((text, taken))
    options.extend((line + quote, 0) for quote in ('"', "'"))
    for first, taken in options:
        lines[index : index + len(saved)] = saved
        lines[index] = first
        for emptied in range(index + 1, index + taken + 1):
            lines[emptied] = ""
        tree, exc, _ = _try_parse("\n".join(lines), path)
        if tree is not None or exc is None or exc.lineno != index + 1 or (
            not exc.msg.startswith(_OPEN_STRING)
        ):
            return tree, exc, list(range(index + 2, index + taken + 2))
    lines[index : index + len(saved)] = saved
    return None


_STATEMENT_START = re.compile(
    r"^(?!(?:else|elif|except|finally)\b)"
    r"(?:(?:async\s+def|def|class|if|for|while|try|with|import|from)\b|@|[A-Za-z_][\w.]*\s*[=(])",
    re.MULTILINE,
)
"""A line that starts a top-level statement: where a broken file may be cut into parts."""
MAX_SALVAGE_PARTS = 2000
"""A file cut into more parts than this is not salvaged."""
MAX_STRING_LINES = 8
"""Lines a quoted string left open may be joined with (:func:`_end_string`); one in a file of
:data:`LARGE_SOURCE` characters or more."""
SALVAGE_REPAIRS = 32
"""Repairs tried within each part that does not parse (:data:`MAX_REPAIRS_LARGE` in a large
file)."""


def _salvage(text: str, path: str) -> tuple[ast.Module, str, list[int]] | None:
    """The last resort for a file the repairs could not mend: cut it at top-level statements,
    parse each part on its own (repairing it within a small bound), and keep the statements of
    the parts that parse, at their own line numbers. The lines of parts given up on are
    blanked. ``None`` when no part parses."""
    starts = sorted({0, *(m.start() for m in _STATEMENT_START.finditer(text))})
    if len(starts) < 2 or len(starts) > MAX_SALVAGE_PARTS:
        return None
    bound = SALVAGE_REPAIRS if len(text) < LARGE_SOURCE else MAX_REPAIRS_LARGE
    body: list[ast.stmt] = []
    kept: list[str] = []
    dropped: list[int] = []
    lines_before = 0
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        part = text[begin:end]
        padded = "\n" * lines_before + part
        tree, exc, _ = _try_parse(padded, path)
        mended = padded
        if tree is None:
            tree, mended, blanked = _repair(padded, exc, path, bound)
            dropped.extend(blanked)
        if tree is not None:
            body.extend(tree.body)
            kept.append(mended[lines_before:])
        else:
            count = part.count("\n")
            dropped.extend(range(lines_before + 1, lines_before + count + 1))
            kept.append("\n" * count)
        lines_before += part.count("\n")
    if not body:
        return None
    return ast.Module(body=body, type_ignores=[]), "".join(kept), sorted(set(dropped))
