"""capwatch.unpack.loops: which ``for`` loops can be run statically, and running them."""

from __future__ import annotations

import ast

import pytest
from tests.unit.unpack.unpack_testlib import evaluator

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack import Const
from capwatch.unpack.loops import LoopShape, loop_shape


def _loop(source: str) -> ast.For:
    loop = ast.parse(source).body[0]
    assert isinstance(loop, ast.For)
    return loop


def _shape(source: str) -> LoopShape | None:
    return loop_shape(_loop(source))


def run(source: str, initial: dict[str, str], limits: Limits | None = None) -> dict[str, object]:
    """Run the loop of ``source`` with each accumulator starting from an expression."""
    shape = _shape(source)
    assert shape is not None
    starts = {name: ast.parse(text, mode="eval").body for name, text in initial.items()}
    result = evaluator(limits=limits).run_loop(shape, starts)
    assert result is not None
    return {name: const.value for name, const in result.items()}


def test_shape_names_accumulators_and_the_ones_built_in_pieces() -> None:
    shape = _shape(
        "for i, c in enumerate(data):\n"
        "    k = key[i % 3]\n"
        "    out += chr(ord(c) ^ ord(k))\n"
        "    n += 1\n"
        "    h ^= n\n"
    )
    assert shape is not None
    assert shape.accumulators == {"out", "n", "h"}
    assert shape.appended == {"out"}  # n is read by ``h ^= n``; h is not built with ``+=``


@pytest.mark.parametrize(
    "source",
    [
        "for c in s:\n    out += c\n    break\n",
        "for c in s:\n    if c == 'x':\n        continue\n    out += c\n",
        "for c in s:\n    out += c\nelse:\n    out += '!'\n",
        "for c in s:\n    print(c)\n    out += c\n",
        "for c in s:\n    for d in c:\n        out += d\n",
        "for c in s:\n    out += (k := c)\n",
        "for c in s:\n    out[0] += c\n",
        "for c.x in s:\n    out += c\n",
        "for c in s:\n    out += k\n    k = c\n",  # k is read before the body binds it
        "for c in s:\n    if c:\n        k = c\n    out += k\n",  # bound on one path only
        "for c in s:\n    k = c\n",  # nothing accumulated
    ],
)
def test_loops_that_cannot_be_run(source: str) -> None:
    assert _shape(source) is None


def test_xor_loop_runs() -> None:
    plain = "import os"
    key = "k9"
    data = "".join(chr(ord(c) ^ ord(key[i % 2])) for i, c in enumerate(plain))
    values = run(
        f"for i in range(len({data!r})):\n"
        f"    c = {data!r}[i]\n"
        f"    out += chr(ord(c) ^ ord({key!r}[i % len({key!r})]))\n",
        {"out": "''"},
    )
    assert values == {"out": plain}


def test_if_with_a_constant_test_and_integer_accumulators() -> None:
    values = run(
        "for i, c in zip(range(10), 'abcdefghij'):\n"
        "    if i % 2 == 0:\n"
        "        s += c\n"
        "    else:\n"
        "        pass\n"
        "    n += i\n"
        "    h ^= i\n",
        {"s": "''", "n": "0", "h": "255"},
    )
    assert values == {"s": "acegi", "n": 45, "h": 255 ^ 1 ^ 2 ^ 3 ^ 4 ^ 5 ^ 6 ^ 7 ^ 8 ^ 9}


def test_bytes_accumulator_and_chain() -> None:
    shape = _shape("for b in b'\\x01\\x02':\n    out += bytes([b ^ 0x40])\n")
    assert shape is not None
    result = evaluator().run_loop(shape, {"out": ast.parse("b''", mode="eval").body})
    assert result == {"out": Const(b"AB", ("xor", "chr"))}


def test_a_value_not_constant_gives_nothing() -> None:
    shape = _shape("for c in data:\n    out += c\n")
    assert shape is not None
    assert evaluator().run_loop(shape, {"out": ast.parse("''", mode="eval").body}) is None


def test_iteration_limit() -> None:
    source = "for i in range(1000):\n    out += 'x'\n"
    assert run(source, {"out": "''"}, Limits(loop_iterations=1000)) == {"out": "x" * 1000}
    shape = _shape(source)
    assert shape is not None
    with pytest.raises(LimitExceeded) as info:
        evaluator(limits=Limits(loop_iterations=999)).run_loop(
            shape, {"out": ast.parse("''", mode="eval").body}
        )
    assert info.value.limit == "loop_iterations"


def test_value_length_is_bounded_by_decoded_bytes() -> None:
    shape = _shape("for i in range(100):\n    out += 'xyz'\n")
    assert shape is not None
    start = {"out": ast.parse("''", mode="eval").body}
    assert evaluator(limits=Limits(decoded_bytes=299)).run_loop(shape, start) is None
    assert evaluator(limits=Limits(decoded_bytes=300)).run_loop(shape, start) is not None
