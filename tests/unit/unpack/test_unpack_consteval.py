"""capwatch.unpack.consteval: folding obfuscation forms, chains, and bounds on hostile input."""

from __future__ import annotations

import ast
import base64
import bz2
import contextlib
import lzma
import marshal
import tracemalloc
import zlib

import pytest
from tests.unit.unpack.unpack_testlib import Resolver, evaluator, expr, value

from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.unpack import Const, decoders
from capwatch.unpack.const import to_python

CODE = "import os\nos.system('id')\n"


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def chain_of(source: str, limits: Limits | None = None) -> tuple[str, ...]:
    result = evaluator(limits=limits).eval(expr(source))
    assert result is not None
    return result.chain


# -- the forms obfuscators use -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (f"base64.b64decode('{b64(CODE)}')", CODE.encode()),
        (f"base64.b64decode(s='{b64(CODE)}')", CODE.encode()),
        (
            f"zlib.decompress(base64.b64decode('{b64(zlib.compress(CODE.encode()))}'))",
            CODE.encode(),
        ),
        (f"bz2.decompress(base64.b64decode('{b64(bz2.compress(b'x'))}'))", b"x"),
        (f"lzma.decompress(base64.b64decode('{b64(lzma.compress(b'x'))}'))", b"x"),
        (f"binascii.unhexlify('{CODE.encode().hex()}')", CODE.encode()),
        (f"bytes.fromhex('{CODE.encode().hex()}').decode()", CODE),
        (f"bytearray.fromhex('{CODE.encode().hex()}')", CODE.encode()),
        ("codecs.decode('vzcbeg bf', 'rot13')", "import os"),
        ("codecs.decode('vzcbeg bf', encoding='rot_13')", "import os"),
        ("'so tropmi'[::-1]", "import os"),
        ("''.join(chr(c) for c in [105, 109, 112])", "imp"),
        ("''.join([chr(c) for c in (105, 109, 112)])", "imp"),
        ("''.join(map(chr, [105, 109, 112]))", "imp"),
        ("''.join(map(lambda c: chr(c + 1), [104, 108, 111]))", "imp"),
        ("bytes([105, 109, 112]).decode()", "imp"),
        ("bytes([105, 109, 112]).decode('utf-8')", "imp"),
        ("str(bytes([105, 109, 112]), 'utf-8')", "imp"),
        ("bytes(b ^ 5 for b in b'lhu')", b"imp"),
        ("bytes([b ^ 5 for b in b'lhu']).decode()", "imp"),
        ("''.join(chr(ord(c) ^ 5) for c in 'lhu')", "imp"),
        ("bytes(b ^ k for b, k in zip(b'lhu', b'\\x05\\x05\\x05'))", b"imp"),
        ("bytes(c ^ b'key'[i % 3] for i, c in enumerate(b'\\x02\\x08\\t'))", b"imp"),
        ("'{}{}'.format('im', 'port')", "import"),
        ("'{0}{1}{0}'.format('a', 'b')", "aba"),
        ("'{x}-{y!r}'.format(x='a', y='b')", "a-'b'"),
        ("'%s%s' % ('im', 'port')", "import"),
        ("'%s' % 'x'", "x"),
        ("'%d|%5.1f|%x' % (7, 2.25, 255)", "7|  2.2|ff"),
        ("b'%s' % b'x'", b"x"),
        ('f\'{"im"}{"port"} {1 + 1:>3}\'', "import   2"),
        ("'iXmXp'.replace('X', '')", "imp"),
        ("'imp'.encode()", b"imp"),
        ("'imp'.encode('utf-16-le')", "imp".encode("utf-16-le")),
        ("b'imp'.decode('latin-1')", "imp"),
        ("'im' + 'port'", "import"),
        ("b'im' + b'port'", b"import"),
        ("'ab' * 3", "ababab"),
        ("3 * 'ab'", "ababab"),
        ("'abcdef'[1:4]", "bcd"),
        ("'abcdef'[::2]", "ace"),
        ("'abcdef'[-1]", "f"),
        ("b'abc'[0]", 97),
        ("', '.join(['a', 'b', 'c'])", "a, b, c"),
        ("''.join(('a', 'b'))", "ab"),
        ("''.join(reversed('olleh'))", "hello"),
        ("chr(105) + chr(0x6d) + chr(0o160)", "imp"),
        ("chr(100 + 5) + chr(110 - 1) + chr(7 * 16) + chr((1 << 7) - 14)", "impr"),
        ("chr(int('69', 16))", "i"),
        ("ord('a') ^ 1", 96),
        ("-(3 ** 2) // 2 % 7", 2),
        ("~5 & 0xff | 1", 251),
        ("'abc'.upper().lower().strip()", "abc"),
        ("'abcdef'.index('d') + 'abcdef'.rindex('a')", 3),
        (
            "''.join(string.ascii_letters[::-1][string.ascii_letters.index(c)]"
            " if c in string.ascii_letters else c for c in 'RNKLIG LH')",
            "import os",
        ),
        ("' a b '.split()", None),  # tuples are checked separately
        ("len('abcd')", 4),
        ("'x' if 1 else 'y'", "x"),
        ("'x' if 0 else 'y'", "y"),
        ("'' or 'z'", "z"),
        ("1 < 2 < 3", True),
        ("'a' in 'cat'", True),
        ("string.ascii_letters[7] + string.digits[1]", "h1"),
        ("hex(255) + oct(8) + bin(2)", "0xff0o100b10"),
        ("'abc'.zfill(5)", "00abc"),
        ("compile(base64.b64decode('aW1wb3J0IG9z'), '<string>', 'exec')", b"import os"),
        ("repr('a')", "'a'"),
        ("str(12) + str(True)", "12True"),
        ("format(255, 'x')", "ff"),
    ],
)
def test_forms(source: str, expected: object) -> None:
    result = evaluator().eval(expr(source))
    assert result is not None, source
    if expected is not None:
        assert result.value == expected


@pytest.mark.parametrize(
    ("source", "expected", "chain"),
    [
        ("eval(\"'im' + 'port'\")", "import", ()),
        ("eval('chr(105)')", "i", ("chr",)),
        # text written as character codes is decoding; a byte or two of data is not
        ("bytes([105, 109, 112, 111])", b"impo", ("chr",)),
        ("bytes([255]) * 3", b"\xff\xff\xff", ()),
        ("eval(base64.b64decode('J2hpJw=='))", "hi", ("base64.b64decode",)),
        (
            "bytes(a ^ b for a, b in zip(b'\\x02\\x08\\t', itertools.cycle(b'k')))",
            bytes(c ^ ord("k") for c in b"\x02\x08\t"),
            ("xor", "chr"),
        ),
        ("list(zip('ab', itertools.cycle('')))", (), ()),
        ("'aW1wb3J0IG9z'.decode('base64')", b"import os", ("codecs.decode:base64",)),
        ("'vzcbeg'.decode('rot13')", "import", ("codecs.decode:rot13",)),
        ("'abc'.decode('utf-8')", "abc", ()),
        ("chr(int(float(2 * 5521 / 5521)) + 103)", "i", ("chr",)),
        ("chr(max([1, 105]) + min(0, 3) + sum([0, 0]) + round(0.4))", "i", ("chr",)),
    ],
)
def test_more_forms(source: str, expected: object, chain: tuple[str, ...]) -> None:
    ev = evaluator(aliases={"itertools": "itertools"})
    result = ev.eval(expr(source))
    assert result is not None, source
    assert to_python(result) == expected
    assert result.chain == chain


def test_split_gives_a_tuple() -> None:
    result = evaluator().eval(expr("' a b '.split()"))
    assert result is not None
    assert to_python(result) == ("a", "b")


def test_list_literals_are_tuples_of_constants() -> None:
    result = evaluator().eval(expr("['a', 1, [b'x']]"))
    assert result == Const((Const("a"), Const(1), Const((Const(b"x"),))))
    assert to_python(result) == ("a", 1, (b"x",))


def test_marshal_loads_is_read_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    blob = marshal.dumps(compile("import os\nos.system('payload')\n", "<t>", "exec"))
    encoded = b64(zlib.compress(blob))

    def forbidden(*args: object) -> object:
        raise AssertionError("marshal.loads must never run")

    monkeypatch.setattr(marshal, "loads", forbidden)
    result = evaluator().eval(
        expr(f"marshal.loads(zlib.decompress(base64.b64decode('{encoded}')))")
    )
    assert result is not None
    assert result.chain == ("base64.b64decode", "zlib.decompress", "marshal.loads")
    assert isinstance(result.value, str)
    assert "'payload'" in result.value and "'system'" in result.value
    ast.parse(result.value)


# -- resolution -----------------------------------------------------------------------------------


def test_resolver_aliases_and_builtins_prefix() -> None:
    ev = evaluator(aliases={"b": "base64", "d": "base64.b64decode", "c": "builtins.chr"})
    assert ev.eval(expr("b.b64decode('aGk=')")) == Const(b"hi", ("base64.b64decode",))
    assert ev.eval(expr("d('aGk=')")) == Const(b"hi", ("base64.b64decode",))
    assert ev.eval(expr("c(104)")) == Const("h", ("chr",))


def test_dynamic_imports_and_getattr() -> None:
    assert value("__import__('base64').b64decode('aGk=')") == b"hi"
    assert value("importlib.import_module('base64').b64decode('aGk=')") is None  # unresolved
    ev = evaluator(aliases={"importlib": "importlib"})
    assert ev.eval(
        expr(
            "importlib.import_module('zlib').decompress(b'x\\x9c\\xcb\\xc8\\x04\\x00\\x01;\\x00\\xd2')"
        )
    ) == Const(b"hi", ("zlib.decompress",))
    assert value("getattr(base64, 'b64decode')('aGk=')") == b"hi"
    assert value("getattr(__import__('base64'), 'b6' + '4decode')('aGk=')") == b"hi"
    assert value("getattr(__builtins__, 'chr')(104)") == "h"
    assert value("''.join(map(getattr(__builtins__, 'c' + 'hr'), [104, 105]))") == "hi"


def test_texts_of_builtins() -> None:
    assert value("oct.__str__()") == "<built-in function oct>"
    assert value("str(chr)") == "<built-in function chr>"
    assert value("repr(bytes)") == "<class 'bytes'>"
    assert value("oct.__str__()[-3] + hex.__str__()[-4] + repr(str)[-3]") == "chr"
    assert value("chr.__name__") == "chr"


def test_shadowed_builtins_are_not_folded() -> None:
    env = {"chr": Const("not the builtin")}
    assert value("chr(104)", env=env) is None


def test_env_names_and_unknowns() -> None:
    env = {"key": Const(5), "data": Const(b"lhu")}
    assert value("bytes(b ^ key for b in data)", env=env) == b"imp"
    assert value("unknown + 'x'") is None
    assert value("os.environ['HOME']") is None
    assert value("foo('x')") is None


# -- chains ---------------------------------------------------------------------------------------


def test_chain_is_in_application_order() -> None:
    inner = b64(zlib.compress(CODE.encode()))
    assert chain_of(f"zlib.decompress(base64.b64decode('{inner}')).decode('utf-8')") == (
        "base64.b64decode",
        "zlib.decompress",
    )
    assert chain_of("codecs.decode('vzcbeg'[::-1][::-1], 'rot13')") == (
        "reverse",
        "codecs.decode:rot13",
    )
    assert chain_of("'a' + chr(98)") == ("chr",)
    assert value("'a' + 'b'") == "ab"
    assert chain_of("'a' + 'b'") == ()


def _nested(layers: int) -> str:
    """``layers`` decoders deep, alternating base64 and zlib, base64 outermost in the source."""
    data = CODE.encode()
    steps = ["base64.b64decode" if i % 2 == 0 else "zlib.decompress" for i in range(layers)]
    for step in reversed(steps):
        data = base64.b64encode(data) if step == "base64.b64decode" else zlib.compress(data)
    source = repr(data)
    for step in steps:
        source = f"{step}({source})"
    return source


def test_five_deep_chain() -> None:
    # base64(zlib(base64(zlib(base64(code))))): five decoders
    result = evaluator().eval(expr(_nested(5)))
    assert result is not None
    assert result.value == CODE.encode()
    assert result.chain == (
        "base64.b64decode",
        "zlib.decompress",
        "base64.b64decode",
        "zlib.decompress",
        "base64.b64decode",
    )


def test_decode_depth_limit() -> None:
    with pytest.raises(LimitExceeded) as info:
        evaluator(limits=Limits(decode_depth=3)).eval(expr(_nested(4)))
    assert evaluator(limits=Limits(decode_depth=3)).eval(expr(_nested(3))) is not None
    assert info.value.limit == "decode_depth"


def test_zlib_bomb_through_the_evaluator_raises_decoded_bytes() -> None:
    bomb = zlib.compress(b"\0" * (4 * 1024 * 1024))
    with pytest.raises(LimitExceeded) as info:
        evaluator(limits=Limits(decoded_bytes=1024 * 1024)).eval(expr(f"zlib.decompress({bomb!r})"))
    assert info.value.limit == "decoded_bytes"


def test_decoders_are_memoised(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = decoders.DECODERS["base64.b64decode"]

    def counting(*args: object) -> object:
        calls.append("b64")
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setitem(decoders.DECODERS, "base64.b64decode", counting)
    ev = evaluator()
    outer = expr(f"zlib.decompress(base64.b64decode('{b64(zlib.compress(b'x'))}'))")
    assert ev.eval(outer) is not None
    assert isinstance(outer, ast.Call)
    assert ev.eval(outer.args[0]) is not None
    assert calls == ["b64"]


# -- environments, helpers, aliases ----------------------------------------------------------------


def test_const_env_tracks_assignments() -> None:
    from tests.unit.unpack.unpack_testlib import run_module

    env, _ev = run_module(
        "a = 'im'\n"
        "a += 'port'\n"
        "b, c = 'x', 'y'\n"
        "d: str = 'z'\n"
        "e = f = 'same'\n"
        "g = 'gone'\n"
        "g = input()\n"
        "for h in 'ab': pass\n"
        "i = 'kept'\n"
        "del i\n"
        "j = base64.b64decode('aGk=')\n"
    )
    assert env["a"] == Const("import")
    assert (env["b"], env["c"], env["d"]) == (Const("x"), Const("y"), Const("z"))
    assert env["e"] == env["f"] == Const("same")
    assert "g" not in env and "h" not in env and "i" not in env
    assert env["j"] == Const(b"hi", ("base64.b64decode",))


def test_const_env_parent_and_shadowing() -> None:
    from capwatch.unpack import ConstEnv

    parent = ConstEnv({"k": Const(1), "m": Const(2)})
    child = ConstEnv(parent=parent)
    child.set("k", None)
    assert "k" not in child and child["m"] == Const(2)
    assert sorted(child) == ["m"]


def test_helper_functions_and_lambdas_are_inlined() -> None:
    from tests.unit.unpack.unpack_testlib import run_module

    _env, ev = run_module(
        "def decode(text, enc='utf8'):\n"
        "    '''helper'''\n"
        "    raw = base64.b64decode(text.encode(enc))\n"
        "    return raw.decode(enc)\n"
        "undo = lambda s: s[::-1]\n"
        "d = base64.b64decode\n"
        "def loop(x):\n"
        "    return loop(x)\n"
    )
    assert ev.eval(expr(f"decode('{b64(CODE)}')")) == Const(CODE, ("base64.b64decode",))
    assert ev.eval(expr(f"decode(text='{b64(CODE)}', enc='ascii')")) == Const(
        CODE, ("base64.b64decode",)
    )
    assert ev.eval(expr("undo('cba')")) == Const("abc", ("reverse",))
    assert ev.eval(expr("d('aGk=')")) == Const(b"hi", ("base64.b64decode",))
    assert ev.eval(expr("loop('x')")) is None
    assert ev.eval(expr("''.join(map(undo, ['ba', 'dc']))")) == Const("abcd", ("reverse",))


# -- bounds on hostile input -----------------------------------------------------------------------


def _deep_binop(depth: int, *, left: bool) -> ast.expr:
    node: ast.expr = ast.Constant("a")
    for _ in range(depth):
        pair = (node, ast.Constant("b")) if left else (ast.Constant("b"), node)
        node = ast.BinOp(left=pair[0], op=ast.Add(), right=pair[1])
    return node


def test_ten_thousand_deep_right_nested_binop_is_cut_off() -> None:
    node = _deep_binop(10_000, left=False)
    with pytest.raises(LimitExceeded) as info:
        evaluator().eval(node)
    assert info.value.limit == "recursion"


def test_ten_thousand_long_left_spine_evaluates_without_recursion() -> None:
    result = evaluator().eval(_deep_binop(10_000, left=True))
    assert result is not None
    assert result.value == "a" + "b" * 10_000


def test_deep_calls_and_subscripts_are_cut_off() -> None:
    node: ast.expr = ast.Constant("x")
    for _ in range(5_000):
        node = ast.Call(
            func=ast.Attribute(value=node, attr="upper", ctx=ast.Load()), args=[], keywords=[]
        )
    with pytest.raises(LimitExceeded):
        evaluator().eval(node)
    sub: ast.expr = ast.Constant("x")
    for _ in range(5_000):
        sub = ast.Subscript(value=sub, slice=ast.Constant(0), ctx=ast.Load())
    with pytest.raises(LimitExceeded):
        evaluator().eval(sub)


@pytest.mark.parametrize(
    "source",
    [
        "'a' * 10**12",
        "b'a' * (1 << 62)",
        "10**12 * 'a'",
        "['a'] * 10**9",
        "('a' * 10**6) * 10**6",
        "2 ** 10 ** 9",
        "1 << 10 ** 9",
        "10 ** 10 ** 10 * 'x'",
        "'%1000000000d' % 1",
        "'%*d' % (5, 1)",
        "'%(a)s' % 'x'",
        "f'{1:>1000000000}'",
        "f'{1.5:.1000000000f}'",
        "'{:>1000000000}'.format(1)",
        "'{0.__class__}'.format(1)",
        "'{0[0]}'.format('ab')",
        "'{:{}}'.format(1, 5)",
        "'x'.center(10**12)",
        "'x'.zfill(10**12)",
        "'a'.replace('', 'x' * 10**6) * 1000",
        "bytes(10**12)",
        "range(10**12)",
        "''.join(str(i) for i in range(10**9))",
    ],
)
def test_huge_values_are_not_built(source: str) -> None:
    tracemalloc.start()
    try:
        result = evaluator().eval(expr(source))
    except LimitExceeded:
        result = None
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert result is None
    assert peak < 64 * 1024 * 1024


def test_step_budget_raises() -> None:
    with pytest.raises(LimitExceeded) as info:
        evaluator(max_steps=50_000).eval(expr("[x for x in range(1000) for y in range(1000) if 0]"))
    assert info.value.limit == "decoded_bytes"


def test_exponential_sharing_is_bounded() -> None:
    from tests.unit.unpack.unpack_testlib import run_module

    env, _ = run_module("a = ('x',)\n" + "a = (a, a)\n" * 64)
    a = env.get("a")
    # The doubling stops once the expanded size passes the bound: comparisons stay cheap.
    assert a is None or a.size <= 1_000_000
    assert a is None or to_python(a) is not None


@pytest.mark.parametrize(
    "source",
    [
        "1 / 0",
        "1 % 0",
        "'a'[5]",
        "int('x')",
        "chr(-1)",
        "chr(0x110000)",
        "'%d' % 'x'",
        "'%s %s' % ('x',)",
        "b'a'.decode('rot13')",
        "'a'.encode('zlib')",
        "bytes([300])",
        "bytes('x')",
        "'a' + 1",
        "'a' - 'b'",
        "[1][1:2:0]",
        "'abc'[::0]",
        "base64.b64decode('a')",
        "zlib.decompress(b'junk')",
        "codecs.decode('x', 'no-such-codec')",
        "marshal.loads(b'junk')",
        "x.y.z()",
        "(lambda: 1)()",
        "{'a': 1}['a']",
        "{1, 2}",
        "[*'ab']",
        "f(*args)",
        "f(**kw)",
        "'{}'.format(*['a'])",
        "int('9' * 5000)",
        "str(10 ** 5000)",
        "ord('ab')",
        "''.join([1, 2])",
        "b''.join(['a'])",
        "'a'.join('b', 'c')",
        "map(chr)",
        "map(lambda a, b: a, [1])",
        "[x for x in 5]",
        "[x async for x in 'ab']",
        "float('nan') < 'a'",
        "eval('1 +')",
        'eval(\'__import__("os").system("x")\')',
        "2.0 ** 100000",
        "(-8) ** 0.5",
        "' '.split('')",
        "'abc'.index('z')",
    ],
)
def test_errors_are_not_constant(source: str) -> None:
    assert evaluator().eval(expr(source)) is None


def test_random_expressions_never_raise_unexpected_errors() -> None:
    import random

    rng = random.Random(99)
    atoms = [
        "'ab'", "b'xy'", "3", "-1", "0", "2.5", "None", "True", "[1, 'a']", "('q',)", "name",
        "'aGk='", "b'x\\x9c'", "'%s'", "'{}'", "10**6", "chr", "oct",
    ]  # fmt: skip
    templates = [
        "{} + {}", "{} * {}", "{} % {}", "{} ^ {}", "{} << {}", "{}[{}]", "{}[{}:{}:{}]",
        "chr({})", "ord({})", "bytes({})", "str({})", "''.join({})", "{}.decode()",
        "{}.encode({})", "{}.format({})", "{}.replace({}, {})", "base64.b64decode({})",
        "zlib.decompress({})", "codecs.decode({}, {})", "[c for c in {}]", "({} if {} else {})",
        "map(chr, {})", "f'{{{}}}'", "getattr({}, {})({})", "{} in {}", "-{}", "{}.__str__()",
    ]  # fmt: skip

    def build(depth: int) -> str:
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(atoms)
        template = rng.choice(templates)
        return template.format(*(build(depth - 1) for _ in range(template.count("{}"))))

    ev = evaluator()
    for _ in range(3000):
        source = build(4)
        try:
            node = expr(source)
        except SyntaxError:
            continue
        with contextlib.suppress(LimitExceeded):
            ev.eval(node)


def test_resolver_is_consulted_for_names() -> None:
    seen: list[str] = []

    def resolve(node: ast.expr) -> str | None:
        seen.append(ast.unparse(node))
        return Resolver({"base64": "base64"})(node)

    from capwatch.unpack import Evaluator

    ev = Evaluator(resolve, {}, Limits())
    assert ev.eval(expr("base64.b64decode('aGk=')")) == Const(b"hi", ("base64.b64decode",))
    assert "base64.b64decode" in seen


def test_results_are_cached_until_the_environment_changes() -> None:
    from capwatch.unpack import ConstEnv

    env = ConstEnv()
    ev = evaluator(env)
    node = expr("x + 'b'")
    env.set("x", Const("a"))
    first = ev.eval(node)
    assert first == Const("ab")
    assert ev.eval(node) is first
    env.set("x", Const("c"))
    assert ev.eval(node) == Const("cb")
    env.forget("x")
    assert ev.eval(node) is None


class _LazyEnv(dict[str, Const]):
    """Like a front end's lazy environment: folds a name's expression when first read."""

    def __init__(self, exprs: dict[str, ast.expr]) -> None:
        super().__init__()
        self.exprs = exprs
        self.evaluator: object = None

    def __missing__(self, name: str) -> Const:
        from capwatch.unpack import Evaluator

        if name not in self.exprs or not isinstance(self.evaluator, Evaluator):
            raise KeyError(name)
        node = self.exprs.pop(name)  # each name at most once (no cycles)
        result = self.evaluator.eval(node)
        if result is None:
            raise KeyError(name)
        self[name] = result
        return result

    def get(self, name: str, default: Const | None = None) -> Const | None:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        return self.get(name) is not None if isinstance(name, str) else False


def test_reentrant_lazy_environment_uses_its_own_scope() -> None:
    env = _LazyEnv({"key": expr("c + 1"), "c": expr("4")})
    ev = evaluator(env)
    env.evaluator = ev
    # inside the comprehension "c" is the loop variable; "key" must still see the module's c
    result = ev.eval(expr("bytes(c ^ key for c in b'lhu')"))
    assert result is not None and result.value == bytes(b ^ 5 for b in b"lhu")


def test_reentrant_chain_of_names_is_bounded() -> None:
    exprs = {f"n{i}": expr(f"n{i + 1} + 'x'") for i in range(3000)}
    exprs["n3000"] = expr("'end'")
    env = _LazyEnv(exprs)
    ev = evaluator(env)
    env.evaluator = ev
    try:
        result = ev.eval(expr("n0"))
    except LimitExceeded as exc:
        assert exc.limit == "recursion"
    else:
        assert result is None or result.value == "end" + "x" * 3000
