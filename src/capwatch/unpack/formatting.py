"""String formatting on constants, with widths and precisions checked before formatting.

``"%1000000000d" % 1`` or ``f"{x:>999999999}"`` would allocate gigabytes; every format here is
parsed first and refused (``None``) when a field could grow past ``max_len``, uses ``*`` widths,
mapping keys, nested replacement fields or attribute access. Only plain scalars are formatted,
so no object of the scanned code can run during formatting.
"""

from __future__ import annotations

import re
from string import Formatter

from capwatch.unpack.const import Scalar

_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>[0-9]*)[,_]?(?:\.(?P<precision>[0-9]+))?[bcdeEfFgGnosxX%]?",
    re.DOTALL,
)
_DIGITS = "0123456789"
_PERCENT_CONVERSIONS = "diouxXeEfFgGcrsab"
_MAX_DIGITS = 9
_FORMATTER = Formatter()


def _number(text: str, max_len: int) -> bool:
    """Whether a width/precision field is within ``max_len``."""
    return not text or (len(text) <= _MAX_DIGITS and int(text) <= max_len)


def spec_ok(spec: str, max_len: int) -> bool:
    """Whether a format spec is plain and its width and precision are within ``max_len``."""
    if not spec:
        return True
    match = _SPEC.fullmatch(spec)
    if match is None:
        return False
    return _number(match["width"], max_len) and _number(match["precision"] or "", max_len)


def format_value(value: Scalar, spec: str, conversion: int, max_len: int) -> str | None:
    """One f-string field: ``conversion`` is the ``ast.FormattedValue`` code (-1, s, r, a)."""
    if not spec_ok(spec, max_len):
        return None
    converted: Scalar = value
    if conversion == ord("s"):
        converted = str(value)
    elif conversion == ord("r"):
        converted = repr(value)
    elif conversion == ord("a"):
        converted = ascii(value)
    elif conversion != -1:
        return None
    return format(converted, spec)


def percent_count(fmt: str, max_len: int) -> int | None:
    """How many arguments a ``%`` format takes, or ``None`` if it is not safe to run."""
    count = 0
    size = len(fmt)
    i = fmt.find("%")
    while i != -1:
        j = i + 1
        if j < size and fmt[j] == "%":
            i = fmt.find("%", j + 1)
            continue
        if j < size and fmt[j] == "(":
            return None  # mapping keys need a dict
        while j < size and fmt[j] in "#0- +":
            j += 1
        start = j
        while j < size and fmt[j] in _DIGITS:
            j += 1
        width = fmt[start:j]
        precision = ""
        if j < size and fmt[j] == ".":
            j += 1
            start = j
            while j < size and fmt[j] in _DIGITS:
                j += 1
            precision = fmt[start:j]
        while j < size and fmt[j] in "hlL":
            j += 1
        if j >= size or fmt[j] not in _PERCENT_CONVERSIONS:
            return None  # also rejects '*' widths
        if not (_number(width, max_len) and _number(precision, max_len)):
            return None
        count += 1
        i = fmt.find("%", j + 1)
    return count


def percent_format(fmt: str | bytes, args: tuple[Scalar, ...], max_len: int) -> str | bytes | None:
    """``fmt % args`` when the format is safe and takes exactly ``len(args)`` arguments."""
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    if percent_count(text, max_len) != len(args):
        return None
    return fmt % args


def str_format(
    fmt: str, args: tuple[Scalar, ...], kwargs: dict[str, Scalar], max_len: int
) -> str | None:
    """``fmt.format(*args, **kwargs)`` when every field is a plain index or name."""
    for _literal, field_name, spec, conversion in _FORMATTER.parse(fmt):
        if field_name is None:
            continue
        if "." in field_name or "[" in field_name:
            return None
        if conversion not in (None, "s", "r", "a"):
            return None
        if spec and ("{" in spec or not spec_ok(spec, max_len)):
            return None
    return fmt.format(*args, **kwargs)
