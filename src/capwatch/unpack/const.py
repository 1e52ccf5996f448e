"""The constant values the evaluator produces, and the decode chains they carry."""

from __future__ import annotations

from dataclasses import dataclass, field

ConstValue = str | bytes | int | float | bool | None | tuple["Const", ...]
"""A constant: a scalar, or a tuple of constants standing for a list or tuple literal."""
Scalar = str | bytes | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Const:
    """A value computed statically, with the decoders that produced it.

    ``chain`` lists decoders in application order (innermost call first, outermost last), e.g.
    ``("base64.b64decode", "zlib.decompress")`` for ``zlib.decompress(base64.b64decode(s))``.
    Entries are the qualified API names of :data:`capwatch.unpack.decoders.DECODERS`, with
    ``codecs.decode:<codec>`` for codecs, plus three names for syntactic transforms: ``reverse``
    (negative-step slicing, ``reversed``), ``chr`` (text built from character codes with ``chr``
    or ``bytes([...])``) and
    ``xor``. Plain folding (concatenation, formatting, ``.decode("utf-8")``) adds nothing, so an
    empty chain means the value was written in the source, perhaps in pieces.
    """

    value: ConstValue
    chain: tuple[str, ...] = ()
    size: int = field(default=1, compare=False, repr=False)
    """Constants in the tree, shared ones counted each time (what comparing it would visit)."""
    depth: int = field(default=0, compare=False, repr=False)
    """Tuple nesting depth."""

    @property
    def is_blob(self) -> bool:
        """Whether the value is text or bytes (what a payload can be)."""
        return isinstance(self.value, (str, bytes))


MAX_TUPLE_SIZE = 1_000_000
MAX_TUPLE_DEPTH = 64


def make_tuple(items: tuple[Const, ...], chain: tuple[str, ...] = ()) -> Const | None:
    """A tuple constant, or ``None`` when it would be too large or deep to compare or print.

    Sharing lets ``a = (a, a)`` repeated double the expanded size each time; the bounds keep
    equality, hashing and :func:`to_python` cheap and free of deep recursion.
    """
    size = 1 + sum(item.size for item in items)
    depth = 1 + max((item.depth for item in items), default=0)
    if size > MAX_TUPLE_SIZE or depth > MAX_TUPLE_DEPTH:
        return None
    return Const(items, chain, size, depth)


def merge_chains(*chains: tuple[str, ...]) -> tuple[str, ...]:
    """Combine the chains of values folded together: first seen order, no repeats added."""
    result: tuple[str, ...] = ()
    for chain in chains:
        if not chain or chain == result:
            continue
        if not result:
            result = chain
            continue
        extra = tuple(name for name in chain if name not in result)
        if extra:
            result += extra
    return result


def with_step(chain: tuple[str, ...], step: str) -> tuple[str, ...]:
    """``chain`` with a syntactic transform appended, unless it is already the last step."""
    return chain if chain and chain[-1] == step else (*chain, step)


def scalar(const: Const) -> Scalar:
    """The value if it is not a tuple; raises ``TypeError`` for tuples."""
    value = const.value
    if isinstance(value, tuple):
        raise TypeError("tuple where a scalar is needed")
    return value


def iter_items(const: Const) -> tuple[Const, ...]:
    """The items iterating the value would yield (characters, byte values, tuple items).

    Raises ``TypeError`` for values that are not iterable.
    """
    value = const.value
    if isinstance(value, tuple):
        return value
    chain = const.chain
    if isinstance(value, str):
        return tuple(Const(ch, chain) for ch in value)
    if isinstance(value, bytes):
        return tuple(Const(b, chain) for b in value)
    raise TypeError("not iterable")


def item_count(const: Const) -> int:
    """How many items :func:`iter_items` would return (``TypeError`` if not iterable)."""
    value = const.value
    if isinstance(value, (tuple, str, bytes)):
        return len(value)
    raise TypeError("not iterable")


def to_python(const: Const) -> object:
    """The plain Python value: tuples of constants become tuples of plain values."""
    value = const.value
    if isinstance(value, tuple):
        return tuple(to_python(item) for item in value)
    return value
