"""The Python front end folds a string built in a loop (XOR decryption) or bound several times
in one block (``s += ...`` then ``s = b64decode(s)``), and nothing else that is augmented: such
a name never folds to its first value."""

from __future__ import annotations

import base64
import time
import zlib

from tests.helpers import sdist_bytes

from capwatch.config import Limits
from capwatch.engine import scan_bytes
from capwatch.lang.base import FileAnalysis
from capwatch.lang.python.analyzer import MAX_DECODED_SHOWN, PythonAnalyzer
from capwatch.model import FactKind, Verdict

PAYLOAD = 'import os\nos.system("echo hi")\n'
KEY = "q7!Z"


def xor(text: str, key: str) -> str:
    return "".join(chr(ord(c) ^ ord(key[i % len(key)])) for i, c in enumerate(text))


def dropper(payload: str = PAYLOAD, key: str = KEY) -> str:
    """The decryption loop droppers run at module level, with an encrypted ``exec`` payload."""
    return (
        f"data = {xor(payload, key)!r}\n"
        f"key = {key!r}\n"
        "n = len(data)\n"
        'out = ""\n'
        "for i in range(n):\n"
        "    c = data[i]\n"
        "    k = key[i % len(key)]\n"
        "    out += chr(ord(c) ^ ord(k))\n"
        "eval(compile(out, '<string>', 'exec'))\n"
    )


def analyze(src: str, limits: Limits | None = None) -> FileAnalysis:
    return PythonAnalyzer(limits or Limits()).analyze(
        src.encode(), "pkg/mod.py", "pkg.mod", is_package=False
    )


def folded(src: str, name: str = "s", limits: Limits | None = None) -> tuple[str, ...]:
    """What the front end folds ``name`` to, seen as the argument text of a call after ``src``
    (empty when it does not fold)."""
    result = analyze(f"import os\n{src}os.getenv({name})\n", limits)
    call = next(f for f in result.facts if f.kind is FactKind.CALL and f.name == "os.getenv")
    return call.args


def test_xor_loop_payload_is_decoded_and_analysed() -> None:
    result = analyze(dropper())
    decoded = [f for f in result.facts if f.kind is FactKind.DECODED]
    assert [(f.name, f.value, f.decode_chain) for f in decoded] == [
        ("exec", PAYLOAD, ("xor", "chr"))
    ]
    system = [f for f in result.facts if f.kind is FactKind.CALL and f.name == "os.system"]
    assert [(f.args, f.decode_chain) for f in system] == [(("echo hi",), ("xor", "chr"))]


def test_benign_accumulator_folds() -> None:
    assert folded('s = ""\nfor w in ("a", "b"):\n    s += w\n') == ("ab",)


def test_accumulator_over_a_non_constant_iterable_is_unknown() -> None:
    assert folded('import sys\ns = "init"\nfor w in sys.argv:\n    s += w\n') == ()


def test_augmented_in_another_block_is_unknown() -> None:
    assert folded('s = "first"\ndef grow():\n    global s\n    s += "x"\n') == ()
    assert folded('s = "first"\nif ready:\n    s += "x"\n') == ()


def test_straight_line_bindings_fold_in_source_order() -> None:
    assert folded('s = "first"\ns += "second"\n') == ("firstsecond",)
    assert folded('s = "a"\ns = s + "b"\ns += "c"\n') == ("abc",)
    assert folded('s = "x"\ns = "y"\n') == ()


def test_straight_line_sequence_needs_a_first_assignment() -> None:
    assert folded('s += "a"\ns = s + "b"\n') == ()


def test_straight_line_decoders_reveal_the_payload() -> None:
    payload = base64.b64encode(zlib.compress(PAYLOAD.encode())).decode()
    pieces = "".join(f"s += {payload[i:i + 16]!r}\n" for i in range(0, len(payload), 16))
    src = (
        "import base64, zlib\ns = ''\n" + pieces
        + "s = base64.b64decode(s)\ns = zlib.decompress(s)\nif s:\n    exec(s)\n"
    )
    decoded = [f for f in analyze(src).facts if f.kind is FactKind.DECODED]
    assert [(f.name, f.value, f.decode_chain) for f in decoded] == [
        ("exec", PAYLOAD, ("base64.b64decode", "zlib.decompress"))
    ]


def test_augmented_in_two_loops_is_unknown() -> None:
    src = 's = ""\nfor w in "ab":\n    s += w\nfor w in "cd":\n    s += w\n'
    assert folded(src) == ()


def test_loop_before_the_assignment_or_in_another_block_is_unknown() -> None:
    assert folded('for w in "ab":\n    s += w\ns = ""\n') == ()
    assert folded('s = ""\nif True:\n    for w in "ab":\n        s += w\n') == ()


def test_break_and_continue_give_up() -> None:
    assert folded('s = ""\nfor w in "abc":\n    s += w\n    break\n') == ()
    assert folded('s = ""\nfor w in "abc":\n    continue\n    s += w\n') == ()


def test_huge_range_gives_up_quickly() -> None:
    start = time.perf_counter()
    assert folded('s = ""\nfor i in range(10 ** 9):\n    s += "x"\n') == ()
    assert time.perf_counter() - start < 5


def test_iteration_limit_is_configurable() -> None:
    src = 's = ""\nfor i in range(50):\n    s += "x"\n'
    assert folded(src, limits=Limits(loop_iterations=50)) == ("x" * 50,)
    assert folded(src, limits=Limits(loop_iterations=49)) == ()


def test_counter_accumulated_in_the_same_loop() -> None:
    src = 's = ""\nj = 0\nfor c in "abc":\n    s += chr(ord(c) + j)\n    j += 1\n'
    assert folded(src) == ("ace",)


def test_long_payload_folds_in_linear_time() -> None:
    payload = "import os\n" + "x = 1\n" * 5_000  # 30 KB: quadratic concatenation is far over budget
    result = analyze(dropper(payload))
    decoded = [f for f in result.facts if f.kind is FactKind.DECODED]
    assert len(decoded) == 1 and decoded[0].value == payload[:MAX_DECODED_SHOWN]


def test_scanned_package_shows_the_decrypted_payload() -> None:
    artifact = sdist_bytes({"setup.py": "from setuptools import setup\n" + dropper()
                            + "setup(name='demo', version='0.1')\n"})
    result = scan_bytes(artifact, "demo-0.1.tar.gz")
    decoded_exec = [f for f in result.findings if f.rule == "CW101"]
    assert decoded_exec, [(f.rule, f.message) for f in result.findings]
    evidence = decoded_exec[0].evidence
    assert any(e.decoded == PAYLOAD and e.decode_chain == ("xor", "chr") for e in evidence)
    assert "proc.shell" in decoded_exec[0].capabilities
    assert result.verdict is Verdict.MALICIOUS


def test_sequence_may_start_from_a_call_on_a_literal() -> None:
    encoded = base64.b64encode(b"first").decode()
    src = f't = {encoded!r}\ns = bytes(t.encode("ascii"))\ns = base64.b64decode(s)\n'
    assert folded("import base64\n" + src + "f(s)\n") == ("first",)


def test_sequence_does_not_start_from_a_call_on_unknown_names() -> None:
    assert folded('import os\ns = os.getcwd()\ns = s + "/x"\n') == ()
