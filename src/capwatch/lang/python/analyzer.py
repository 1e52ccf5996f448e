"""The Python front end: facts, scopes and call edges from one source file.

The walk is iterative (an explicit stack, bounded by ``Limits.recursion``) so a hostile,
deeply nested file cannot exhaust the interpreter's stack. Payloads that the constant evaluator
can decode, and constant strings handed to ``exec``/``eval``/``compile``, are analysed again as
code, recursively up to ``Limits.decode_depth``; what is found inside them belongs to the scope
that decoded them and keeps the decode chain as evidence.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import functools
import itertools
import re
import shlex
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from capwatch.capabilities.catalog import load_catalog
from capwatch.capabilities.shell import program_name
from capwatch.config import Limits
from capwatch.errors import LimitExceeded
from capwatch.flow import COMMAND_BASES
from capwatch.lang.base import (
    ATTRIBUTE_LOOKUPS,
    FOLDER_LISTERS,
    MAINTAINER_COMMANDS,
    MESSAGE,
    PATTERN,
    REGEX_CALLS,
    SETUPTOOLS_COMMANDS,
    EdgeKind,
    FactFilter,
    FileAnalysis,
    Problem,
    ProblemKind,
    Scope,
    ScopeKind,
)
from capwatch.lang.python import folding
from capwatch.lang.python.names import IMPORTERS, NameTable, Resolver, resolve_relative
from capwatch.lang.python.source import parse
from capwatch.lang.python.tree import children as _children
from capwatch.lang.python.tree import has_call, reads_name, walk
from capwatch.model import Fact, FactKind, Location
from capwatch.unpack.decoders import PICKLE_STEP
from capwatch.unpack.payload import decode_text

MIN_LITERAL = 4
"""Shorter string constants are not kept as literal facts."""
MAX_FACT_TEXT = 64 * 1024
"""Longest literal or argument text kept on a fact (indicators look at the first part)."""
MAX_DECODED_SHOWN = 16 * 1024
MAX_ARGV_WORDS = 32
"""Words of an argv list kept in a call's argument text."""
EXEC_SINKS = frozenset({"exec", "eval", "compile", "execfile"})


def _catalog_calls(*capabilities: str) -> frozenset[str]:
    """The exact Python API names the catalogue gives these capabilities (``x.*`` left out)."""
    catalog = load_catalog()
    return frozenset(
        api for cap in capabilities for api in catalog.capabilities[cap].apis.get("python", ())
        if not api.endswith("*")
    )


PROCESS_SINKS = _catalog_calls("proc.spawn", "proc.shell")
"""Calls that start a program: where their words come from is recorded as for exec sinks."""
_REQUEST_SINKS = _catalog_calls("net.http.request")
"""Calls that send a request: what their arguments are built from is recorded too
(``get(url + socket.gethostname())`` reports the host it runs on)."""
_LOOKUP_SINKS = _catalog_calls("net.dns")
"""DNS lookups: the name looked up can carry data (``f"{data.hex()}.example.org"``), so what it
is built from is recorded as for requests."""
CODE_LOADERS = _catalog_calls("code.load.bytecode")
"""Deserializers that make code or run it as they load (``pickle.loads``, ``marshal.loads``):
where their data comes from is recorded as for ``exec``."""
_TRACED_SINKS = EXEC_SINKS | _REQUEST_SINKS | _LOOKUP_SINKS | CODE_LOADERS
"""Besides process starts: the calls whose arguments' origins are recorded (``_inner_calls``)."""
_SENDING_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "urlopen"})
_REQUEST_CALLS = frozenset(n for n in _REQUEST_SINKS if n.rsplit(".", 1)[-1] in _SENDING_VERBS)
"""Request sinks that send a request when called (not clients or request objects, which send
nothing until used): a reply of theirs that nothing reads is worth a fact."""
_CLIENT_CLASSES = frozenset(
    n.rsplit(".", 1)[0] for n in _REQUEST_CALLS if n.rsplit(".", 1)[0] in _REQUEST_SINKS
)
"""HTTP client classes whose request methods the catalogue names (``requests.Session.post``):
a method called on one of their instances is that method."""
_BUILTINS = frozenset(dir(builtins))
_STANDARD_LIBRARY = frozenset(sys.stdlib_module_names)
"""Builtins whose aliases (``run = exec``, ``m = map``) are followed."""
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
OFFSCREEN_GAP = 64
"""Blank columns between two statements of one line beyond which the second counts as hidden
off screen. Formatters keep one space; hand-aligned code a few; hiding uses hundreds."""
OFFSCREEN_EXPRESSION_GAP = 256
"""The same for an expression that follows others of one statement (a tuple's element after a
``,``): hand-aligned tables (a matrix's columns) leave wide gaps between elements, but none
starts past any screen's width."""
_WIDE_GAP = re.compile(rf"\S[ \t]{{{OFFSCREEN_GAP},}}")
_GAP_BLANKS = " " * OFFSCREEN_GAP
PLACEHOLDER = "\u2026"
"""Stands for the parts of a partly folded string that are not constant."""
DROPPED_STEP = "write"
"""Decode-chain step for code text the package writes to a file."""
HANDED = "handed"
"""``value`` of a reference to ``exec``, ``eval`` or ``compile`` handed to a call as one of its
arguments (``_call_with_frames_removed(exec, code, ns)``, as the import system runs a module):
the builtin under its own name, to be called by the callee, not bound to another name."""
ESCAPES_STEP = "escapes"
"""Decode-chain step for a name written with string escapes (``"\\x65\\x76\\141\\x6c"``)."""
_ESCAPED_NAME_MAX = 40
_RUNNERS_OF_SELF = frozenset({"self", "cls"})
_METHOD_WRAPPERS = frozenset({"staticmethod", "classmethod"})
_CODE_RUNNERS = frozenset({"exec", "eval", "compile"})
_REFERENCED_BUILTINS = _CODE_RUNNERS | {"__import__"}
"""Builtins recorded when read as a value: what runs code, and what imports by name."""
_STMT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
# Type tuples for the walk's ``isinstance`` tests: a tuple is checked about twice as fast as the
# ``A | B`` union, which is also built anew each time the expression runs.
_TEXT_TYPES = (str, bytes)
_FLAG_TYPES = (bool, int)
_LOOPS = (ast.For, ast.AsyncFor, ast.comprehension)
_ENVIRONMENTS = frozenset({"os.environ", "os.environb"})
_UNAMES = {"os.uname": "nodename", "platform.uname": "node"}
"""System descriptions that hold the machine's network name, and the field that names it:
``os.uname().nodename``, or the whole description handed on (``safe(os.uname)``), reads the
host name; ``os.uname().sysname`` only the platform."""
_IMPORTS = (ast.Import, ast.ImportFrom)
_ASSIGNS = (ast.Assign, ast.AnnAssign)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SEQUENCES = (ast.Tuple, ast.List)
_REFERENCES = (ast.Name, ast.Attribute)
_REGISTRATION_METHODS = frozenset({
    "add_command", "add_typer", "add_url_rule", "add_api_route", "add_route", "add_listener",
    "add_handler", "add_callback", "append", "extend", "insert", "add", "connect", "subscribe",
    "register",
})
"""Methods that keep what they are given for later: a command group, a route table, a list of
callbacks, a signal's receivers, a registry."""
_RUNNING_REGISTRIES = frozenset({"atexit.register"})
"""Registries that run what they keep within this run of the interpreter (at its exit)."""
_ROUTE_MAKERS = frozenset({
    "django.urls.path", "django.urls.re_path", "django.conf.urls.url", "starlette.routing.Route",
    "starlette.routing.WebSocketRoute", "fastapi.routing.APIRoute", "tornado.web.url",
    "aiohttp.web.get", "aiohttp.web.post", "aiohttp.web.put", "aiohttp.web.delete",
    "aiohttp.web.route", "aiohttp.web.view",
})
"""Calls that make a route of a web application from a view function: the view runs when a
request comes, not when the route table is made (``urlpatterns = [path("logout/", view)]``)."""
_WINDOW_SHOWERS = frozenset({"ctypes.windll.user32.ShowWindow", "win32gui.ShowWindow"})
"""Calls that set a window's state, given as their second argument."""
_HIDING_STATES = frozenset({0, 2, 6, 7, 11})
"""Window states that hide a window or shrink it out of sight: ``SW_HIDE``, ``SW_MINIMIZE``
and the other minimised states."""
_PATH_TAKERS = FOLDER_LISTERS | _catalog_calls("fs.delete")
"""Calls that delete or list a folder: their path argument is given as a template of the
folder it names (``shutil.rmtree(Path.home())`` gives ``~``), see ``_path_template``."""
_HOME_CALLS = frozenset({"pathlib.Path.home", "os.path.expanduser", "os.path.expandvars"})
_PATH_WRAPPERS = frozenset({
    "str", "os.fspath", "os.path.abspath", "os.path.realpath", "os.path.normpath",
    "pathlib.Path", "pathlib.PurePath", "os.path.join", "posixpath.join", "ntpath.join",
})
_MODE_SETTERS = _catalog_calls("fs.permissions")
"""Calls that set a file's mode: a constant mode is given as an argument (``mode=0o644``)."""
_HOME_VARIABLES = frozenset({"HOME", "USERPROFILE"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})


def _shows_window(state: ast.expr, resolve: Callable[[ast.expr], str | None]) -> bool:
    """Whether a window state argument is known to leave the window in sight (``SW_RESTORE``,
    ``SW_SHOW``, ``5``): a window brought to the front hides nothing. An unknown state may
    hide it."""
    if type(state) is ast.Constant:
        value = state.value
        return type(value) is int and value not in _HIDING_STATES
    if isinstance(state, _REFERENCES):
        try:
            name = (resolve(state) or "").rsplit(".", 1)[-1]
        except LimitExceeded:
            return False
        return name.startswith("SW_") and "HIDE" not in name and "MIN" not in name
    return False


def _constant_mode(node: ast.Call, name: str) -> int | None:
    """The mode a ``chmod`` call sets, when it is written as a number in its place among the
    positional arguments (``os.chmod(p, 0o644)``; a ``Path``'s ``chmod`` takes it first; a
    ``mode=`` keyword is given as every constant keyword is)."""
    index = 0 if name.startswith("pathlib.") else 1
    given = node.args[index] if len(node.args) > index else None
    if isinstance(given, ast.Constant) and type(given.value) is int:
        return given.value
    return None


def _registers(name: str | None, method: str) -> bool:
    """Whether a method call keeps its arguments for later rather than running them now."""
    return method in _REGISTRATION_METHODS and name not in _RUNNING_REGISTRIES


def _decorates(call: ast.Call) -> bool:
    """Whether a call applies a method's result to one value, as a decorator does, written out
    (``app.command(name="run")(run)`` is ``@app.command(name="run")``): like the decorator, it
    registers or wraps the function and does not run it."""
    made = call.func
    return (
        isinstance(made, ast.Call) and isinstance(made.func, ast.Attribute)
        and len(call.args) == 1 and not call.keywords
    )


_CONTAINERS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
_ALIASABLE = (ast.Attribute, ast.Name, ast.Call)
_TEMPLATES = frozenset({ast.JoinedStr, ast.BinOp})
"""Expressions that may be partly constant text (an f-string, a concatenation)."""
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]")
"""A field of a ``%`` format (``%s``, ``%(name)s``, ``%-10.3f``; ``%%`` is a percent sign)."""
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
"""A field of a ``str.format`` text (``{}``, ``{0}``, ``{name:>10}``)."""


def _percent_field(match: re.Match[str]) -> str:
    return "%" if match.group(0) == "%%" else PLACEHOLDER


def _filled(text: str) -> str | None:
    """Text with ``…`` for what does not fold: ``None`` when nothing of it is constant."""
    return text if text.strip(PLACEHOLDER + " ") else None


_TYPE_CHECKS = frozenset({"isinstance", "issubclass"})
"""Calls whose second argument names types to compare with, not values to use."""
_HANDLERS = (ast.ExceptHandler, ast.match_case)
_TRIES = (ast.Try, ast.TryStar)
_ANY_ERROR = frozenset({"Exception", "BaseException"})
_IDLE_STATEMENTS = (ast.Pass, ast.Continue, ast.Break)
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}
"""Each statement type's fields among ``_STMT_FIELDS``: most statements have none."""


_MESSAGE_CALLS = frozenset({
    "print", "warnings.warn", "click.echo", "click.secho", "typer.echo", "sys.exit",
})
_TEXT_LAYOUT = frozenset({"textwrap.dedent", "textwrap.fill", "textwrap.indent", "inspect.cleandoc"})
"""Calls that only lay out a text for people (``sys.exit(textwrap.dedent(USAGE))``)."""
_MESSAGE_METHODS = frozenset({
    "?.debug", "?.info", "?.warning", "?.warn", "?.error", "?.exception", "?.critical",
})


def _is_message_sink(name: str) -> bool:
    """Calls whose string arguments are shown to people: exceptions, loggers, ``print``."""
    if name in _MESSAGE_CALLS or name in _MESSAGE_METHODS or name.startswith("logging."):
        return True
    return name.rsplit(".", 1)[-1].endswith(("Error", "Exception", "Warning"))


_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SECRET_WORDS = frozenset({
    "secret", "secrets", "password", "passwords", "passwd", "passphrase", "credential",
    "credentials", "cookie", "cookies",
})
_SECRET_PAIRS = frozenset({
    (first, key) for first in ("api", "access", "private") for key in ("key", "keys")
})
_TOKEN_KINDS = frozenset({
    "api", "auth", "access", "bearer", "bot", "refresh", "session", "oauth", "jwt", "github",
    "gh", "npm", "pypi", "slack", "discord", "telegram", "personal",
})
"""Words that make a ``token`` a credential (``api_token``, ``botToken``, ``discord_tokens``);
a token with no such word (``tokenizer``, ``max_tokens``, ``token_ids``) is a piece of text."""


@functools.lru_cache(maxsize=8192)
def _names_a_secret(identifier: str) -> bool:
    """Whether an identifier names a secret (``secret_key``, ``accessKeySecret``, ``password``,
    ``api_token``, ``token``): its words, split at underscores and case changes."""
    words = [w.lower() for w in _WORDS.findall(identifier)]
    if not _SECRET_WORDS.isdisjoint(words):
        return True
    pairs = set(itertools.pairwise(words))
    if not _SECRET_PAIRS.isdisjoint(pairs):
        return True
    if words == ["token"]:
        return True
    return any(
        second in ("token", "tokens") and first in _TOKEN_KINDS for first, second in pairs
    )
_CLOUD_KEYS = {
    "AWS_ACCESS_KEY_ID": ("amazonaws.com",),
    "AWS_SECRET_ACCESS_KEY": ("amazonaws.com",),
    "AWS_SESSION_TOKEN": ("amazonaws.com",),
    "AZURE_CLIENT_SECRET": ("microsoftonline.com", "azure.com", "azure.net"),
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ("aliyuncs.com",),
    "ALICLOUD_SECRET_KEY": ("aliyuncs.com",),
}
"""Environment variables that hold a cloud account's keys, with the hosts that take them."""
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "os.environ.__getitem__"})
_MAX_FOLLOWED = 4
"""Most bindings of one name followed back from an ``exec`` sink (see ``_inner_calls``)."""
_MAX_PINNED = 8
"""Most names taken by position to fold one argument of a sink (see ``_folded_here``)."""

_HELP_KEYWORDS = frozenset({"help", "description", "epilog", "usage"})
"""Keyword arguments whose text a command-line parser shows to people."""
_MESSAGE_SINK = 1
_EXEC_SINK = 2
"""``exec``, ``eval``, ``compile``, ``execfile``."""
_RUNS_TEXT = 4
"""An exec sink, or an ``exec`` method: its first argument is code."""
_DECODER = 8
_WRITER = 16
"""Writes to a file: code text in its arguments is a dropped script."""
_PROCESS = 32
"""Starts a process (``PROCESS_SINKS``): ``python -m pkg.mod`` runs a module of the package."""
_TRACED = 64
"""An exec, process or request sink: where its arguments come from is recorded."""
_SENDS_REQUEST = 128
"""Sends a request when called (``_REQUEST_CALLS``): whether its reply is read is recorded."""
_COPIES = 256
"""Makes a copy or a text of its one argument (``dict(os.environ)``, ``json.dumps(...)``)."""
_COPIERS = frozenset({
    "dict", "list", "str", "repr", "sorted", "tuple", "copy.copy", "copy.deepcopy",
    "json.dumps", "pickle.dumps", "base64.b64encode",
})


@functools.lru_cache(maxsize=65536)
def _call_kind(name: str) -> int:
    """What the walk does with a call of ``name``, as flags (names repeat: worked out once)."""
    kind = _MESSAGE_SINK if _is_message_sink(name) else 0
    if name in EXEC_SINKS:
        kind |= _EXEC_SINK | _RUNS_TEXT
    elif name.endswith(".exec"):
        kind |= _RUNS_TEXT
    if folding.is_decoder(name):
        kind |= _DECODER
    if name.endswith((".write", ".write_text", ".write_bytes")):
        kind |= _WRITER
    if name in PROCESS_SINKS:
        kind |= _PROCESS | _TRACED
    if name in _TRACED_SINKS:
        kind |= _TRACED
    if name in _REQUEST_CALLS:
        kind |= _SENDS_REQUEST
    if name in _COPIERS:
        kind |= _COPIES
    return kind


_NOT_CODE = frozenset({
    "globals", "locals", "filename", "mode", "flags", "dont_inherit", "optimize", "closure",
})


def _code_of(call: ast.Call) -> list[ast.expr]:
    """The code an ``exec``, ``eval`` or ``compile`` call is given: its first argument, or a
    keyword other than the namespaces, the file name or the mode (``exec(source=...)``, and a
    misnamed ``exec(t=...)``, which still says where the code comes from)."""
    return [*call.args[:1], *(k.value for k in call.keywords if k.arg not in _NOT_CODE)]


def _reaching(values: tuple[ast.expr, ...], sink: ast.expr) -> tuple[ast.expr, ...]:
    """Of the values a name is bound to (``name = value``), those that may still be its value at
    ``sink``: bound on an earlier line, and not bound again later, before the sink, at the same
    or an outer indentation (which runs after it for sure). An approximation by position, not a
    flow analysis: a branch and its ``else`` at one indentation count as one after the other."""
    before = sorted(
        (v for v in values if v.lineno < sink.lineno), key=lambda v: (v.lineno, v.col_offset)
    )
    return tuple(
        v for i, v in enumerate(before)
        if not any(later.col_offset <= v.col_offset for later in before[i + 1:])
    )


_MESSAGE_KEYWORDS = frozenset({"data", "json", "params", "files", "body", "fields", "content"})
_URL_WITH_PATH = re.compile(r"[A-Za-z][\w+.-]*://[^/\s]+/\S")
"""A web address with a path or a query after its host (``https://host/log/install``)."""


def _carries_message(node: ast.Call, args: tuple[str, ...]) -> bool:
    """Whether a request says something beyond "are you there": a path or query after the host,
    a body, or more than one positional argument. A bare host asked for and nothing read is a
    connectivity check (``requests.get("https://pypi.org")`` in a ``try``)."""
    if len(node.args) > 1 or any(k.arg in _MESSAGE_KEYWORDS for k in node.keywords):
        return True
    return bool(args) and _URL_WITH_PATH.match(args[0]) is not None


@dataclass(slots=True)
class _RequestScope:
    """What the requests of one function (or a module's top level) ask of the whole of it,
    worked out by one walk the first time one of them asks, so that no other statement pays."""

    holders: dict[int, str | None] = field(default_factory=dict)
    """Of its calls, those whose result is thrown away (``None``) or bound to a single name
    (that name), by id."""
    loaded: set[str] = field(default_factory=set)
    """The names it reads."""
    assigned: dict[str, list[tuple[int, ast.expr]]] = field(default_factory=dict)
    """The values each name is assigned, by line (a module with thousands of requests asks
    this thousands of times)."""


def _body_parts(call: ast.Call) -> Iterator[ast.expr]:
    """What a request call sends besides its address: positional arguments after the first
    and the body and query keywords."""
    yield from call.args[1:]
    for keyword in call.keywords:
        if keyword.arg in _MESSAGE_KEYWORDS:
            yield keyword.value


def _shell_words(command: str) -> list[str]:
    """The words of a command line as a POSIX shell reads them, its operators (``;``, ``&&``,
    ``|``, ``>``) words of their own, so that a program named after one is seen
    (``unset X;python3 -c CODE``). Raises ``ValueError`` on an unclosed quote."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def _walk_request_scope(body: ast.AST) -> _RequestScope:
    """Where the results of the calls in ``body`` go, the names it reads and the values its
    names are assigned, by one walk."""
    index = _RequestScope()
    holders, loaded, assigned = index.holders, index.loaded, index.assigned
    for sub in ast.walk(body):
        kind = type(sub)
        if kind is ast.Expr and type(sub.value) is ast.Call:  # type: ignore[attr-defined]
            holders[id(sub.value)] = None  # type: ignore[attr-defined]
        elif kind is ast.Assign:
            assert isinstance(sub, ast.Assign)
            names = [t.id for t in sub.targets if isinstance(t, ast.Name)]
            for name in names:
                assigned.setdefault(name, []).append((sub.lineno, sub.value))
            if type(sub.value) is ast.Call and len(sub.targets) == 1 and names:
                holders[id(sub.value)] = names[0]
        elif kind is ast.Name and type(sub.ctx) is ast.Load:  # type: ignore[attr-defined]
            loaded.add(sub.id)  # type: ignore[attr-defined]
    for bindings in assigned.values():
        bindings.sort(key=lambda b: b[0])
    return index


_Frame = tuple[ast.AST, str, str | None, int, str | None, bool]
"""One node waiting in the walk: ``(node, scope, cls, depth, binding, consumed)``.

``cls`` is the qualified name of the class whose body (or method) the node is in; ``binding`` the
scope id of the module-level constant whose value the node is part of; ``consumed`` is true inside
an expression already folded and unpacked (not to be unpacked again). A plain tuple: the walk
makes one per node, and a tuple costs a fraction of an object with named fields."""


def _frame(
    node: ast.AST, scope: str, cls: str | None, depth: int, binding: str | None = None
) -> _Frame:
    return (node, scope, cls, depth, binding, False)


_MISSING_MODULE = frozenset({"ImportError", "ModuleNotFoundError"})
_TOP_LEVELS = ("<module>", "<main>", "<no-setuptools>")
"""Qualified names of the scopes that run a file's own top-level statements."""


def _without_setuptools(node: ast.Try | ast.TryStar) -> bool:
    """Whether a ``try`` only imports setuptools and every handler is for a missing module: the
    handlers run only where setuptools cannot be imported (``except ImportError: from ez_setup
    import use_setuptools; use_setuptools()``). A ``try`` that imports anything else too
    (``from Cython.Build import cythonize``) may fail at install."""
    def setuptools_only(stmt: ast.stmt) -> bool:
        if isinstance(stmt, ast.Import):
            return all(alias.name.split(".")[0] == "setuptools" for alias in stmt.names)
        return (
            isinstance(stmt, ast.ImportFrom) and not stmt.level
            and (stmt.module or "").split(".")[0] == "setuptools"
        )

    imports_setuptools = all(setuptools_only(stmt) for stmt in node.body)
    if not node.body or not imports_setuptools or not node.handlers:
        return False
    for handler in node.handlers:
        caught = handler.type
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if not all(isinstance(n, ast.Name) and n.id in _MISSING_MODULE for n in names):
            return False
    return True


def _silences_errors(node: ast.Try | ast.TryStar) -> bool:
    """Whether every handler of a ``try`` catches any error and does nothing with it: a bare
    ``except`` or ``except Exception`` whose body only passes, continues, breaks, returns a
    constant or prints one (``except: print("")``)."""
    if not node.handlers:
        return False
    for handler in node.handlers:
        caught = handler.type
        if caught is not None and not (isinstance(caught, ast.Name) and caught.id in _ANY_ERROR):
            return False
        if not all(_idle(stmt) for stmt in handler.body):
            return False
    return True


def _idle(stmt: ast.stmt) -> bool:
    """A handler's statement that neither reports nor handles the error."""
    if isinstance(stmt, _IDLE_STATEMENTS):
        return True
    if isinstance(stmt, ast.Return):
        return stmt.value is None or isinstance(stmt.value, ast.Constant)
    if isinstance(stmt, ast.Expr):
        value = stmt.value
        if isinstance(value, ast.Constant):
            return True
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "print"
            and all(isinstance(arg, ast.Constant) for arg in value.args)
            and not value.keywords
        )
    return False


def _chosen_references(value: ast.expr) -> list[ast.expr]:
    """The names a value only picks among: the value itself when it is a name or attribute
    chain, the branches of a conditional (``a if fast else b``) and the operands of ``or`` and
    ``and``, at any depth; none when the value computes anything else."""
    if isinstance(value, _REFERENCES):
        return [value]
    if isinstance(value, ast.IfExp):
        return [*_chosen_references(value.body), *_chosen_references(value.orelse)]
    if isinstance(value, ast.BoolOp):
        return [ref for operand in value.values for ref in _chosen_references(operand)]
    return []


def _listed(values: list[ast.expr], budget: int) -> Iterator[ast.expr]:
    """The values, and what the lists, tuples, sets and dicts among them hold (``[f, {"k": g}]``
    gives ``f`` and ``g``), down to values that are not containers; at most ``budget`` nodes.
    A ``cmdclass`` table's commands that only a maintainer runs are left out
    (:func:`_maintainer_entries`)."""
    todo = list(values)
    while todo and budget > 0:
        budget -= 1
        sub = todo.pop()
        if type(sub) is ast.Dict and (skipped := _maintainer_entries(sub)):
            todo.extend(v for v in sub.values if v not in skipped)
        elif isinstance(sub, _CONTAINERS):
            todo.extend(c for c in _children(sub) if isinstance(c, ast.expr))
        else:
            yield sub


def _maintainer_entries(table: ast.Dict) -> list[ast.expr]:
    """The values of a ``cmdclass`` table (a dict whose every key names a setuptools command)
    that give commands only a maintainer runs: ``{"sdist": FetchAssets}`` hands setuptools a
    command that only ``python setup.py sdist`` runs, on the maintainer's machine."""
    entries = []
    for key, value in zip(table.keys, table.values, strict=True):
        if not isinstance(key, ast.Constant) or key.value not in SETUPTOOLS_COMMANDS:
            return []
        if key.value in MAINTAINER_COMMANDS:
            entries.append(value)
    return entries


def _module_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements a module runs as it loads: its top level and the blocks under module-level
    ``if``, ``try``, ``with`` and loops, but not inside functions or classes (their definitions
    are yielded, their bodies not)."""
    todo = list(body)
    budget = 100_000
    while todo and budget > 0:
        budget -= 1
        node = todo.pop()
        yield node
        if isinstance(node, _DEFINITIONS):
            continue
        for field_name in _STMT_FIELDS:
            for item in getattr(node, field_name, None) or ():
                if isinstance(item, ast.stmt):
                    todo.append(item)
                elif isinstance(item, _HANDLERS):
                    todo.extend(item.body)


def _wide_gap_lines(text: str) -> set[int] | None:
    """Line numbers (from 1) holding a run of at least ``OFFSCREEN_GAP`` blanks after code."""
    # A run of that many blanks is that many spaces once tabs are spaces too: a substring
    # search rules out nearly every file a hundred times faster than the pattern would.
    spaced = text.replace("\t", " ") if "\t" in text else text
    if _GAP_BLANKS not in spaced or _WIDE_GAP.search(text) is None:
        return None
    lines: set[int] = set()
    line, counted = 1, 0
    for match in _WIDE_GAP.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        lines.add(line)
    return lines


def module_name_for(path: str) -> tuple[str, bool]:
    """The dotted module a file path inside a package defines, and whether it is a package."""
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    if not parts:
        return "", False
    name = parts[-1]
    for suffix in (".py", ".pyw", ".pyi"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    is_package = name == "__init__"
    mods = [*parts[:-1]] if is_package else [*parts[:-1], name]
    return ".".join(m for m in mods if m.isidentifier() or "-" in m), is_package


class PythonAnalyzer:
    def __init__(
        self, limits: Limits, *, import_facts: bool = True, keep: FactFilter | None = None
    ) -> None:
        self.limits = limits
        self.import_facts = import_facts
        """Record an ``import`` fact per imported name. The import edges of the call graph are
        recorded either way; the engine leaves the facts out (no rule reads them, and they are
        a quarter of the facts of a large package)."""
        self.keep = keep
        """When given, the literal, call and reference facts it finds idle are not made (the
        engine would drop them right after the file; see :class:`FactFilter`)."""
        self.strings: dict[str, str] = {}
        """One object for each distinct text the facts and edges of the analysed files hold
        (qualified names, snippets, literals): generated and vendored code repeats the same
        lines and names thousands of times, and one analyzer serves one artifact."""
        self.texts: dict[tuple[str, ...], tuple[str, ...]] = {}
        """The same for the argument tuples of calls."""
        self.numbers: dict[int, int] = {}
        """The same for the line and column numbers of locations: each syntax-tree node holds
        its own ``int`` objects (only those up to 256 are shared by Python), and the facts of a
        large package hold hundreds of thousands of lines, of a few thousand values."""

    # -- entry points -------------------------------------------------------------------------

    def analyze(self, data: bytes, path: str, module: str, *, is_package: bool) -> FileAnalysis:
        result = FileAnalysis(path=path, module=module)
        module_scope = f"{module}:<module>"
        result.scopes[module_scope] = Scope(
            module_scope, ScopeKind.MODULE, module, "<module>", Location(path, 1)
        )
        disguised = folding.disguised_executable(data)
        if disguised is not None:
            executable, key = disguised
            how = f"encrypted with the XOR key 0x{key:02x}" if key else "as it stands"
            result.facts.append(
                Fact(
                    FactKind.DISGUISED_EXECUTABLE,
                    executable,
                    Location(path, 1),
                    module_scope,
                    value=f"{executable} executable of {len(data):,} bytes, {how}",
                    decode_chain=("xor",) if key else (),
                )
            )
        if len(data) > self.limits.source_bytes:
            result.problems.append(
                Problem(
                    ProblemKind.TOO_LARGE,
                    Location(path),
                    f"{len(data):,} bytes exceeds the source_bytes limit "
                    f"({self.limits.source_bytes:,}); not parsed",
                )
            )
            return result
        parsed = parse(data, path)
        if parsed.bad_encoding:
            result.problems.append(
                Problem(ProblemKind.BAD_ENCODING, Location(path), "undecodable bytes replaced")
            )
        if parsed.tree is None:
            result.problems.append(
                Problem(
                    ProblemKind.UNPARSABLE,
                    Location(path),
                    parsed.error or "not Python source",
                )
            )
            self._scan_strings(parsed.text, path, module_scope, result, ())
            return result
        if parsed.fallback:
            dropped = ", ".join(map(str, parsed.dropped_lines[:10])) or "none"
            result.problems.append(
                Problem(
                    ProblemKind.FALLBACK_PARSE,
                    Location(path),
                    f"{parsed.error}; analysed after Python 2 rewrites (lines blanked: {dropped})",
                )
            )
            original = data.decode("utf-8", "replace").split("\n")
            for lineno in parsed.dropped_lines:
                if lineno - 1 < len(original):
                    self._scan_strings(original[lineno - 1], path, module_scope, result, ())
        _FileWalker(self, result, parsed.text, is_package, chain=(), origin=None).run(
            parsed.tree, module_scope
        )
        return result

    def analyze_decoded(
        self,
        text: str,
        result: FileAnalysis,
        scope: str,
        chain: tuple[str, ...],
        origin: ast.AST,
        is_package: bool,
        aliases: dict[str, str] | None = None,
    ) -> None:
        """Analyse decoded code as if it ran in ``scope`` at the line of ``origin``, where the
        names the host file imported (``aliases``) are bound as well: ``exec`` runs its code
        among the host module's globals, so ``urlopen`` in the payload is the one the file
        imported."""
        if len(chain) > self.limits.decode_depth or len(text) > self.limits.source_bytes:
            result.problems.append(
                Problem(
                    ProblemKind.DECODE_LIMIT,
                    Location(result.path, getattr(origin, "lineno", 0)),
                    f"decoded payload not analysed further (chain of {len(chain)})",
                )
            )
            return
        parsed = parse(text.encode("utf-8", "surrogatepass"), result.path)
        if parsed.tree is None:
            self._scan_strings(text, result.path, scope, result, chain, origin)
            return
        _FileWalker(
            self, result, parsed.text, is_package, chain=chain, origin=origin, aliases=aliases
        ).run(parsed.tree, scope)

    def _scan_strings(
        self,
        text: str,
        path: str,
        scope: str,
        result: FileAnalysis,
        chain: tuple[str, ...],
        origin: ast.AST | None = None,
    ) -> None:
        """Keep quoted strings of unparsable code as literals, for indicator rules."""
        line = getattr(origin, "lineno", 0)
        for value in folding.quoted_strings(text[: self.limits.source_bytes]):
            if len(value) >= MIN_LITERAL:
                result.facts.append(
                    Fact(
                        FactKind.LITERAL,
                        "",
                        Location(path, line),
                        scope,
                        value=value[:MAX_FACT_TEXT],
                        decode_chain=chain,
                    )
                )


class _FileWalker:
    """One pass over one syntax tree (a file, or a decoded payload inside one)."""

    def __init__(
        self,
        analyzer: PythonAnalyzer,
        result: FileAnalysis,
        text: str,
        is_package: bool,
        *,
        chain: tuple[str, ...],
        origin: ast.AST | None,
        aliases: dict[str, str] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.strings = analyzer.strings
        self.texts = analyzer.texts
        self.numbers = analyzer.numbers
        self.edge_keys: set[tuple[str, str, EdgeKind]] = set()
        """The edges this walk added, each once."""
        self.limits = analyzer.limits
        self.keep = analyzer.keep
        self.result = result
        self.text = text
        self._lines: list[str] | None = None
        self.snippets: dict[int, str] = {}
        """Each line's snippet, made once (most lines hold several facts)."""
        self.docs_read = "__doc__" in text or "__file__" in text
        """Bare strings (docstrings) are documentation unless the code reads ``__doc__`` or its own
        file."""
        self.is_package = is_package
        self.chain = chain
        self.origin = origin
        self.table = NameTable(result.module, is_package)
        if aliases:
            self.table.aliases.update(aliases)  # the host's imports; the payload's own win
        self.env = folding.Environment()
        self.resolver = Resolver(self.table, self._const_str)
        self.evaluator = folding.make_evaluator(
            self.resolver.resolve, self.env, self.limits, self.resolver.assigned
        )
        self.consumed: set[int] = set()
        """Ids of expressions already folded and unpacked."""
        self.memo: dict[int, tuple[str, tuple[str, ...]] | None] = {}
        self.long_texts: dict[str, str] = {}
        """One object for each distinct long folded text in ``memo`` (``"x" * 10_000_000`` written
        twenty times in a test file is twenty nodes, each holding the same ten megabytes)."""
        self.seen_payloads: set[str] = set()
        self.cut = False
        self.module_consts: dict[str, str] = {}
        self.messages: set[int] = set()
        """Ids of string constants that are messages for people (exceptions, logs, prints)."""
        self.holders: dict[int, str] = {}
        """Calls that make an object kept in a module-level name and hand it functions
        (:meth:`_hands_functions`), to that name's scope."""
        self.entries: dict[int, str] = {}
        """Names listed in a module-level table (:meth:`_table_entries`) or bound to a
        module-level name (``start = impl.run``), to that name's scope."""
        self.held_names: set[str] = set()
        """The module-level names those objects are kept in: an operator (``a >> b``), an
        attribute read or set (``task.output``, ``task.name = ...``) does not start one."""
        self.patterns: set[int] = set()
        """Ids of string constants that are regular expressions (:data:`PATTERN`)."""
        self.kept: set[int] = set()
        """Ids of the arguments of calls that register them (:func:`_registers`): a function
        handed there is kept for later, not run by the code that hands it."""
        self.text_facts: dict[int, Fact] = {}
        """The literal facts of string constants not (yet) known to be messages, by the
        constant's id: :meth:`_message_text` learns that some are, after they were met."""
        self.handed: set[int] = set()
        """Ids of the names ``exec``, ``eval`` and ``compile`` given as a call's positional
        arguments (:data:`HANDED`)."""
        self.type_checked: set[int] = set()
        """Ids of the types named as what a value is checked against (``isinstance(x,
        types.FunctionType)``): read, not used."""
        self.conditional_defs: set[str] = set()
        """Functions and classes defined under module-level ``if``/``try``/``with`` blocks."""
        self.with_bound: dict[str, ast.expr | None] = {}
        """``with EXPR as NAME``: the one expression each such name holds (``None`` when bound by
        several), so data that reaches a sink through the name is traced back to ``EXPR``."""
        self.with_values: dict[str, list[ast.expr]] = {}
        """Every expression a ``with`` statement binds to each name, in the whole file."""
        self.attributes: dict[str, list[ast.expr]] = {}
        """The values the file assigns to attributes of ``self`` (``self.key = ...``), by name."""
        self.package_prefix = result.module.split(".", 1)[0] + "." if result.module else "\0"
        self._class_bases: dict[str, tuple[str, ...]] = {}
        """Qualified class name to its resolved base classes."""
        self.method_class: dict[str, str] = {}
        """Scope id of each method to the qualified name of its class, for ``self.x``."""
        self.binding: str | None = None
        self.nested: dict[str, list[str]] = {}
        """Functions defined inside functions: their name to their scope ids."""
        self.bodies: dict[str, ast.AST] = {}
        """Scope id of each function (and of the module's top level) to its node, for the rare
        question asked of a whole function (is a name read again?)."""
        self.request_scopes: dict[str, _RequestScope] = {}
        """Per scope that sends a request: what its requests ask of it (built on first need)."""
        self.offscreen = _wide_gap_lines(text)
        """Lines with a wide run of blanks after code, where a statement may hide off screen;
        ``None`` for the files (nearly all) with none."""

    # -- helpers --------------------------------------------------------------------------

    def _const_str(self, node: ast.expr) -> str | None:
        folded = self._folded(node)
        return folded[0] if folded is not None else None

    def _folded(self, node: ast.expr) -> tuple[str, tuple[str, ...]] | None:
        """The constant text of ``node`` and the decode chain that made it, once per node."""
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if (
            type(node) is ast.Name
            and not self.env.binds(node.id)
            and folding.folds_to_nothing(self.evaluator, self.resolver.resolve(node))
        ):
            # most names handed to calls are parameters and locals no assignment binds
            value = None
        else:
            value = folding.folded_text(self.evaluator, node)
            if value is not None and len(value[0]) > MAX_FACT_TEXT:
                value = (self.long_texts.setdefault(value[0], value[0]), value[1])
        self.memo[key] = value
        return value

    def _loc(self, node: ast.AST) -> Location:
        anchor = self.origin if self.origin is not None else node
        line, column = getattr(anchor, "lineno", 0), getattr(anchor, "col_offset", 0)
        numbers = self.numbers
        return Location(
            self.result.path, numbers.setdefault(line, line), numbers.setdefault(column, column)
        )

    def _snippet(self, node: ast.AST) -> str:
        line = getattr(node, "lineno", 0)
        snippet = self.snippets.get(line)
        if snippet is None:
            snippet = ""
            lines = self._text_lines()
            if 0 < line <= len(lines):
                text = lines[line - 1].strip()
                snippet = text if len(text) <= 240 else text[:237] + "..."
                snippet = self.strings.setdefault(snippet, snippet)
            self.snippets[line] = snippet
        return snippet

    def _text_lines(self) -> list[str]:
        """The text's lines, split when a snippet first needs them (most files, once their
        idle facts are not made, need a few or none)."""
        lines = self._lines
        if lines is None:
            lines = self._lines = self.text.split("\n")
        return lines

    def _add(self, fact: Fact) -> None:
        # Facts live until the artifact's profile is built: equal texts share one object.
        strings = self.strings
        fact.name = strings.setdefault(fact.name, fact.name)
        value = fact.value
        if value is not None:
            fact.value = strings.setdefault(value, value)
        args = fact.args
        if args:
            shared = self.texts.get(args)
            if shared is None:
                shared = tuple([strings.setdefault(a, a) for a in args])
                self.texts[shared] = shared
            fact.args = shared
        self.result.facts.append(fact)

    def _keeps(self, name: str, data: bool = False) -> bool:
        """Whether a call or reference fact of ``name`` is worth making: it has folded
        arguments or traced data (``data``), a decode chain, or a name that counts."""
        keep = self.keep
        return keep is None or data or bool(self.chain) or keep.name(name)

    def _edge(self, source: str, target: str, kind: EdgeKind) -> None:
        # A scope that calls the same name twice adds nothing to the call graph the second time
        # (phases follow the first edge from a scope to a target): one edge is kept.
        key = (source, target, kind)
        if key in self.edge_keys:
            return
        self.edge_keys.add(key)
        self.result.edges.add(source, self.strings.setdefault(target, target), kind)

    # -- the walk -------------------------------------------------------------------------

    def run(self, tree: ast.Module, root_scope: str) -> None:
        try:
            self._walk(tree, root_scope)
        finally:
            self._close()

    def _close(self) -> None:
        """Break the walker's reference cycles (the resolver and the evaluator call back into
        it), so that reference counting frees the walk's state at once. Left to the cyclic
        collector, whose generations hold everything a scan made while it runs paused, the
        same memory costs a third of a scan to sweep."""
        self.env.evaluator = None
        del self.evaluator, self.resolver
        self.memo.clear()
        self.long_texts.clear()
        self.text_facts.clear()

    def _walk(self, tree: ast.Module, root_scope: str) -> None:
        self._prepass(tree)
        self.bodies[root_scope] = tree
        stack: list[_Frame] = [_frame(s, root_scope, None, 0) for s in reversed(tree.body)]
        limit = self.limits.recursion
        visit = self._visit if self.offscreen is None else self._visit_with_hidden
        pop, extend = stack.pop, stack.extend
        while stack:
            frame = pop()
            if frame[3] > limit:
                if not self.cut:
                    self.cut = True
                    self.result.problems.append(
                        Problem(
                            ProblemKind.TOO_DEEP,
                            self._loc(frame[0]),
                            f"syntax tree deeper than the recursion limit ({limit})",
                        )
                    )
                continue
            children = visit(frame)
            if children:
                children.reverse()
                extend(children)

    def _prepass(self, tree: ast.Module) -> None:
        """Imports, top-level definitions, simple and augmented assignments (in every block,
        functions' and classes' bodies included), before facts are read."""
        classes: list[ast.ClassDef] = []
        for top in tree.body:
            if isinstance(top, ast.FunctionDef):
                self.env.define(top)
                self.table.add_getter(top)
            if isinstance(top, _DEFINITIONS):
                self.table.local_defs.add(top.name)
                self.result.defined.setdefault(
                    top.name, "class" if isinstance(top, ast.ClassDef) else "function"
                )
                if isinstance(top, ast.ClassDef):
                    classes.append(top)
        self.env.define_methods(classes)
        made: dict[str, tuple[ast.Call, ast.stmt]] = {}
        assigned: set[str] = set()
        for stmt in _module_level_statements(tree.body):
            if isinstance(stmt, _DEFINITIONS):
                if stmt.name not in self.table.local_defs:
                    self.conditional_defs.add(stmt.name)
            elif isinstance(stmt, _ASSIGNS):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        if target.id in assigned:
                            made.pop(target.id, None)  # bound twice: which value is unknown
                        elif len(targets) == 1 and isinstance(stmt.value, ast.Call):
                            made[target.id] = (stmt.value, stmt)
                        assigned.add(target.id)
        if self.origin is None:
            for stmt in tree.body:
                targets = (
                    stmt.targets if isinstance(stmt, ast.Assign)
                    else [stmt.target] if isinstance(stmt, ast.AnnAssign) and stmt.value else []
                )
                for target in targets:
                    if isinstance(target, ast.Name):
                        self._constant_scope(target.id, stmt)
        self.env.statements = tree.body
        budget = 200_000
        todo: deque[ast.stmt] = deque(tree.body)
        pop, push = todo.popleft, todo.append
        while todo and budget > 0:
            budget -= 1
            node = pop()
            kind = type(node)
            if kind is ast.Import or kind is ast.ImportFrom:
                self.table.add_import(node)  # type: ignore[arg-type]
            elif kind is ast.With or kind is ast.AsyncWith:
                assert isinstance(node, ast.With | ast.AsyncWith)
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        holder = item.optional_vars.id
                        bound = None if holder in self.with_bound else item.context_expr
                        self.with_bound[holder] = bound
                        self.with_values.setdefault(holder, []).append(item.context_expr)
            elif kind is ast.AugAssign:
                self.env.augment(node)  # type: ignore[arg-type]
            elif kind is ast.Assign and len(node.targets) == 1:  # type: ignore[attr-defined]
                assert isinstance(node, ast.Assign)
                target, value = node.targets[0], node.value
                if isinstance(target, ast.Name):
                    self.env.bind(target.id, value)
                    self._alias(target.id, value)
                elif (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    held = self.attributes.setdefault(target.attr, [])
                    if len(held) < _MAX_FOLLOWED:
                        held.append(value)
                elif (
                    isinstance(target, _SEQUENCES)
                    and isinstance(value, _SEQUENCES)
                    and len(target.elts) == len(value.elts)
                ):
                    # ``run, text = exec, str``: aliases handed out in one statement
                    for name, part in zip(target.elts, value.elts, strict=True):
                        if isinstance(name, ast.Name):
                            self._alias(name.id, part)
            blocks = _BLOCK_FIELDS.get(kind)
            if blocks is None:
                blocks = _BLOCK_FIELDS[kind] = tuple(f for f in _STMT_FIELDS if f in kind._fields)
            for field_name in blocks:
                block = getattr(node, field_name, None)
                if block:
                    for item in block:
                        if isinstance(item, ast.stmt):
                            push(item)
                        elif isinstance(item, _HANDLERS):
                            todo.extend(item.body)
        if self.origin is None:
            for object_name, (call, stmt) in made.items():
                if self._hands_functions(call):
                    self.holders[id(call)] = self._constant_scope(object_name, stmt)
                    self.held_names.add(object_name)

    def _constant_scope(self, name: str, stmt: ast.stmt) -> str:
        """The scope of the module-level name ``name``, bound by ``stmt``: what its value
        reaches runs where the name is read."""
        scope_id = f"{self.result.module}:={name}"
        self.module_consts[name] = scope_id
        self.result.scopes.setdefault(
            scope_id,
            Scope(scope_id, ScopeKind.CONSTANT, self.result.module, f"={name}", self._loc(stmt)),
        )
        return scope_id

    def _hands_functions(self, call: ast.Call) -> bool:
        """Whether ``call`` makes an object of a class from outside the package and hands it
        functions of the package (``PythonOperator(python_callable=task)``,
        ``Thread(target=run)``): the object runs them when it is started, not when it is made."""
        if not (call.args or call.keywords):
            return False
        try:
            name = self.resolver.resolve(call.func)
        except LimitExceeded:
            return False
        if not name or name.startswith(self.package_prefix):
            return False
        last = name.rsplit(".", 1)[-1]
        if not last[:1].isupper() or last.isupper():
            return False  # a class by its name (``Thread``), not a function or a constant
        root = f"{self.result.module}:<module>"
        return any(
            target.startswith(self.package_prefix)
            for target, _ in self._handed_functions(call, root)
        )

    def _handed_functions(self, node: ast.Call, scope: str) -> Iterator[tuple[str, ast.expr]]:
        """The functions and classes ``node`` is handed as values (in its arguments, or in
        lists and dicts there), with the expression that names each."""
        for sub in _listed([*node.args, *(k.value for k in node.keywords)], 64):
            if isinstance(sub, _REFERENCES):
                target = self._local_target(sub, scope)
                if target:
                    yield target, sub

    def _mark_messages(self, call: ast.Call) -> None:
        """The strings given to an exception, a logger, ``print`` or ``sys.exit`` (laid out by
        ``textwrap.dedent`` or not) are read by people, and so
        is the text of a name the message reads whose every binding is a string (``hint =
        "install it with: curl ... | sh"``, then ``raise Error(f"not found.{hint}")``)."""
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
            for part in parts:
                if isinstance(part, ast.FormattedValue):
                    part = part.value
                if (
                    isinstance(part, ast.Call) and part.args
                    and self.resolver.resolve(part.func) in _TEXT_LAYOUT
                ):
                    self.messages.add(id(part))  # its own arguments are the message
                    part = part.args[0]
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    self.messages.add(id(part))
                elif isinstance(part, ast.Name):
                    self._message_text(part.id)

    def _message_text(self, name: str) -> None:
        """Mark as a message the strings ``name`` is bound to, when it is bound to nothing
        else; the literals already met become messages too."""
        bound = self.env.expressions(name, _MAX_FOLLOWED)
        if not bound or not all(
            isinstance(b, ast.Constant) and isinstance(b.value, str) for b in bound
        ):
            return
        for text in bound:
            self.messages.add(id(text))
            fact = self.text_facts.pop(id(text), None)
            if fact is not None:
                fact.name = MESSAGE

    def _mark_help(self, call: ast.Call) -> None:
        """The text of an option's ``help=`` (and a parser's ``description=``, ``epilog=``,
        ``usage=``) is read by people: the string itself, joined (``+``, implicit concatenation,
        an f-string) or formatted (``"..." % x``, ``"...".format(x)``; a ``.format`` call's
        arguments are not)."""
        for keyword in call.keywords:
            if keyword.arg not in _HELP_KEYWORDS:
                continue
            todo: list[ast.expr] = [keyword.value]
            budget = 64
            while todo and budget > 0:
                budget -= 1
                part = todo.pop()
                if isinstance(part, ast.Constant):
                    if isinstance(part.value, str):
                        self.messages.add(id(part))
                elif isinstance(part, ast.JoinedStr):
                    self.messages.add(id(part))
                    todo.extend(part.values)
                elif isinstance(part, ast.FormattedValue):
                    todo.append(part.value)
                elif isinstance(part, ast.BinOp):
                    self.messages.add(id(part))
                    todo.extend((part.left, part.right))
                elif isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute):
                    todo.append(part.func.value)  # ``"...".format(x)``

    def _mark_pattern(self, expr: ast.expr) -> None:
        """The strings a regular expression is written with (``re.compile(r"..." r"...")``,
        an f-string's or a concatenation's constant parts) are a pattern, not data."""
        todo = [expr]
        budget = 256
        while todo and budget > 0:
            budget -= 1
            part = todo.pop()
            if isinstance(part, ast.Constant):
                self.patterns.add(id(part))
            elif isinstance(part, ast.JoinedStr):
                todo.extend(part.values)
            elif isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
                todo.extend((part.left, part.right))

    def _alias(self, name: str, value: ast.expr) -> None:
        """Remember that ``name`` stands for a module attribute, a builtin that runs code, or
        a module imported by its name as a string (``gzip = __import__("gzip")``)."""
        if not isinstance(value, _ALIASABLE):
            return
        try:
            resolved = self.resolver.resolve(value)
            if not resolved or resolved == name:
                return
            # a top-level module name counts only when a call imported it by its string
            if "." in resolved or resolved in _BUILTINS or (
                isinstance(value, ast.Call) and self.resolver.resolve(value.func) in IMPORTERS
            ):
                self.resolver.assigned[name] = resolved
        except LimitExceeded:
            return

    def _visit(self, frame: _Frame) -> list[_Frame] | None:
        node, scope, cls, depth, binding, consumed = frame
        kind = type(node)
        self.binding = binding
        if kind is ast.Name:
            # a name bound or deleted here is read elsewhere
            if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                self._name_reference(node, scope)  # type: ignore[arg-type]
            return None
        if kind is ast.Constant:
            if isinstance(node.value, _TEXT_TYPES):  # type: ignore[attr-defined]
                self._literal(node, scope, consumed)  # type: ignore[arg-type]
            return None
        depth += 1
        if kind is ast.Call:
            assert isinstance(node, ast.Call)
            if self._call(node, scope, consumed):
                consumed = True
            return self._call_children(node, scope, cls, depth, binding, consumed)
        if kind is ast.Attribute:
            assert isinstance(node, ast.Attribute)
            if type(node.ctx) is ast.Load:
                if self._reference(node, scope):
                    return None
                if type(node.value) is ast.Name and node.value.id in self.held_names:
                    return None  # ``task.output``: read, not called (a callee is not visited)
            else:
                # ``setup.__doc__ = ...`` sets an attribute of what ``setup`` names, and
                # ``user32.ShowWindow.argtypes = [...]`` declares a foreign function's
                # prototype: neither runs it nor hands it to anything that will
                base = node.value
                while type(base) is ast.Attribute:
                    base = base.value
                if type(base) is ast.Name:
                    if base.id not in self.held_names:
                        self._constant_read(base.id, scope)
                    return None
        elif kind is ast.BinOp and self.held_names:
            assert isinstance(node, ast.BinOp)
            # ``extract >> load``: objects put in order, not started
            held = self.held_names
            operands: list[ast.AST] = [
                side for side in (node.left, node.right)
                if not isinstance(side, ast.Name) or side.id not in held
            ]
            return self._frames(operands, scope, cls, depth, binding, consumed)
        elif kind is ast.Expr:
            assert isinstance(node, ast.Expr)
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                if not self.docs_read:
                    return None  # a docstring or bare string: never data the code can use
                # read through ``__doc__`` (a command's help) or out of the file itself: text
                # shown to people, or data that only a decoder makes something of
                self.messages.add(id(value))
        elif kind is ast.Assign or kind is ast.AnnAssign:
            assert isinstance(node, _ASSIGNS)
            if (
                scope.endswith(":<module>")
                and cls is None
                and self.origin is None
                and node.value is not None
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if len(targets) == 1 and type(targets[0]) is ast.Attribute:
                    self._patch(targets[0], node.value, scope)
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if len(names) == len(targets) and names[-1] in self.module_consts:
                    const_scope = self.module_consts[names[-1]]
                    if isinstance(node.value, _CONTAINERS):
                        self._table_entries(node.value, const_scope)
                    else:
                        # ``start = run``, ``run = impl.run``, ``run = a if fast else b``: bound
                        # to a name, not run; the name's readers reach it
                        for ref in _chosen_references(node.value):
                            self.entries[id(ref)] = const_scope
                    return [_frame(node.value, scope, cls, depth, const_scope)]
            elif cls is not None and node.value is not None and scope.endswith(":<module>"):
                # ``waker = Piped if posix else Socketed`` in a class body: a class attribute
                # the class's methods may call later, not run as the class is defined
                self.kept.update(id(ref) for ref in _chosen_references(node.value))
            if isinstance(node, ast.AnnAssign) and not has_call(node.annotation):
                # A type annotation names types; it uses nothing (unless it calls something).
                return [
                    (sub, scope, cls, depth, binding, consumed)
                    for sub in (node.target, node.value)
                    if sub is not None
                ]
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            assert isinstance(node, _FUNCTIONS)
            return list(self._function(node, scope, cls, depth))
        elif kind is ast.ClassDef:
            assert isinstance(node, ast.ClassDef)
            return list(self._class(node, scope, cls, depth))
        elif kind is ast.If:
            assert isinstance(node, ast.If)
            if self._is_main_guard(node, scope):
                main = scope.replace(":<module>", ":<main>")
                self.result.scopes.setdefault(
                    main,
                    Scope(main, ScopeKind.MAIN, self.result.module, "<main>", self._loc(node)),
                )
                return [_frame(child, main, cls, depth) for child in node.body] + [
                    _frame(child, scope, cls, depth) for child in node.orelse
                ]
        elif kind is ast.Import or kind is ast.ImportFrom:
            assert isinstance(node, _IMPORTS)
            self._import(node, scope)
            return None
        elif kind is ast.Raise:
            assert isinstance(node, ast.Raise)
            exc = node.exc
            if isinstance(exc, ast.Call):
                self._mark_messages(exc)
        elif kind is ast.For or kind is ast.AsyncFor or kind is ast.comprehension:
            assert isinstance(node, _LOOPS)
            self._environment_loop(node, scope)
        elif kind is ast.Dict:
            assert isinstance(node, ast.Dict)
            for value in node.values:  # ``{**os.environ}``, ``{"env": os.environ}``
                self._whole_environment(value, scope, "copy")
            self.kept.update(id(v) for v in _maintainer_entries(node))  # not run by an install
        elif kind is ast.Try or kind is ast.TryStar:
            assert isinstance(node, _TRIES)
            if node.body and _silences_errors(node):
                self._silenced(node, scope)
            if scope.endswith(":<module>") and cls is None and _without_setuptools(node):
                fallback = scope.replace(":<module>", ":<no-setuptools>")
                self.result.scopes.setdefault(
                    fallback,
                    Scope(fallback, ScopeKind.FALLBACK, self.result.module, "<no-setuptools>",
                          self._loc(node)),
                )
                return [_frame(child, scope, cls, depth) for child in node.body] + [
                    _frame(child, fallback, cls, depth)
                    for handler in node.handlers for child in handler.body
                ] + [_frame(child, scope, cls, depth) for child in [*node.orelse, *node.finalbody]]
        return self._frames(_children(node), scope, cls, depth, binding, consumed)

    def _patch(self, target: ast.Attribute, value: ast.expr, scope: str) -> None:
        """``Keypair.from_bytes = staticmethod(_hook)`` in a module's top-level code: a function
        of the module put in place of an imported package's (a :data:`FactKind.PATCHED` fact)."""
        hook = value
        if (
            type(hook) is ast.Call and len(hook.args) == 1 and not hook.keywords
            and type(hook.func) is ast.Name and hook.func.id in _METHOD_WRAPPERS
        ):
            hook = hook.args[0]
        if type(hook) is not ast.Name or hook.id not in self.table.local_defs:
            return
        base = target.value
        while type(base) is ast.Attribute:
            base = base.value
        if type(base) is not ast.Name or base.id not in self.table.aliases:
            return
        try:
            patched = self.resolver.resolve(target)
        except LimitExceeded:
            return
        if patched is None or patched.startswith(self.package_prefix):
            return
        self._add(
            Fact(
                FactKind.PATCHED,
                patched,
                self._loc(target),
                scope,
                value=f"{self.result.module}:{hook.id}",
                snippet=self._snippet(target),
            )
        )

    def _silenced(self, node: ast.Try | ast.TryStar, scope: str) -> None:
        """Record a ``try`` that silences every error, with the span of its body."""
        location = self._loc(node)
        end = location.line if self.origin is not None else node.body[-1].end_lineno
        self._add(
            Fact(
                FactKind.SILENCED,
                "try",
                location,
                scope,
                value=str(end or location.line),
                decode_chain=self.chain,
            )
        )

    def _environment_loop(self, node: ast.For | ast.AsyncFor | ast.comprehension, scope: str) -> None:
        """``for name in os.environ`` reads every variable, as ``os.environ.keys()`` does."""
        self._whole_environment(node.iter, scope, "keys")

    def _whole_environment(self, expr: ast.expr, scope: str, how: str) -> None:
        """Record that ``expr``, when it is the environment itself, is read whole: iterated
        (``keys``) or made part of a value of its own (``copy``: ``dict(os.environ)``,
        ``{**os.environ}``, ``{"env": os.environ}``, ``json.dumps(os.environ)``). Such a value
        holds every secret the environment does; ``os.environ["HOME"]`` reads one variable."""
        if not isinstance(expr, _REFERENCES):
            return
        try:
            name = self.resolver.resolve(expr)
        except LimitExceeded:
            return
        if name in _ENVIRONMENTS and self._keeps(f"{name}.{how}"):
            self._add(
                Fact(
                    FactKind.REFERENCE,
                    f"{name}.{how}",
                    self._loc(expr),
                    scope,
                    decode_chain=self.chain,
                    snippet=self._snippet(expr),
                )
            )

    def _call_children(
        self,
        node: ast.Call,
        scope: str,
        cls: str | None,
        depth: int,
        binding: str | None,
        consumed: bool,
    ) -> list[_Frame]:
        """The frames under a call. The callee was resolved by ``_call``: only what its chain is
        built on is walked (``__import__("os").system`` has a call inside), never recorded
        again."""
        base: ast.expr = node.func
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name):
            self._constant_read(base.id, scope)  # ``KEY.encode()`` reads KEY
            subs: list[ast.AST] = []
        else:
            subs = [base]
        subs.extend(node.args)
        subs.extend(node.keywords)
        return self._frames(subs, scope, cls, depth, binding, consumed)

    def _frames(
        self,
        subs: list[ast.AST],
        scope: str,
        cls: str | None,
        depth: int,
        binding: str | None,
        consumed: bool,
    ) -> list[_Frame]:
        """Frames for the child nodes worth a visit: numbers, short strings and names bound
        here make no fact. The names and strings that come before any other child are leaves
        the walk would visit next, in this order: they are visited here, without a frame."""
        children: list[_Frame] = []
        marked = self.consumed
        leading = depth <= self.limits.recursion
        for sub in subs:
            sub_kind = type(sub)
            if sub_kind is ast.Constant:
                value = sub.value  # type: ignore[attr-defined]
                if not isinstance(value, _TEXT_TYPES) or len(value) < MIN_LITERAL:
                    continue
            elif sub_kind is ast.Name:
                if type(sub.ctx) is not ast.Load:  # type: ignore[attr-defined]
                    continue
            else:
                leading = False
            sub_consumed = consumed or (bool(marked) and id(sub) in marked)
            if not leading:
                children.append((sub, scope, cls, depth, binding, sub_consumed))
            elif sub_kind is ast.Name:
                self._name_reference(sub, scope)  # type: ignore[arg-type]
            else:
                self._literal(sub, scope, sub_consumed)  # type: ignore[arg-type]
        return children

    def _is_main_guard(self, node: ast.If, scope: str) -> bool:
        if not scope.endswith(":<module>"):
            return False
        test = node.test
        return (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)
            and any(isinstance(x, ast.Name) and x.id == "__name__" for x in [test.left, *test.comparators])
            and any(
                isinstance(x, ast.Constant) and x.value == "__main__"
                for x in [test.left, *test.comparators]
            )
        )

    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: str, cls: str | None, depth: int
    ) -> Iterator[_Frame]:
        parent_qual = scope.split(":", 1)[1]
        if cls is not None:
            qual = f"{cls}.{node.name}"
        elif parent_qual in _TOP_LEVELS:
            qual = node.name
        else:
            qual = f"{parent_qual}.{node.name}"
        if self.origin is not None:
            # Functions defined inside a decoded payload run in the scope that decoded it.
            body_scope = scope
        else:
            body_scope = f"{self.result.module}:{qual}"
            self.bodies[body_scope] = node
            bases: tuple[str, ...] = ()
            if cls is not None:
                bases = self._class_bases.get(cls, ())
                self.result.methods[cls] = (*self.result.methods.get(cls, ()), body_scope)
                self.method_class[body_scope] = cls
            nested = cls is None and parent_qual not in _TOP_LEVELS
            self.result.scopes[body_scope] = Scope(
                body_scope, ScopeKind.FUNCTION, self.result.module, qual, self._loc(node), bases,
                registered=nested and bool(node.decorator_list),
            )
            if nested:
                self.nested.setdefault(node.name, []).append(body_scope)
        # Decorators run where the function is defined. Defaults are evaluated there too, but
        # what they hold is used by the function: attribute them to its scope.
        for expr in node.decorator_list:
            yield _frame(expr, scope, cls if self.origin is None else None, depth)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                yield _frame(default, body_scope, None, depth)
        for stmt in node.body:
            yield _frame(stmt, body_scope, None, depth)

    def _class(
        self, node: ast.ClassDef, scope: str, cls: str | None, depth: int
    ) -> Iterator[_Frame]:
        qual = f"{cls}.{node.name}" if cls else node.name
        resolved = []
        for base in node.bases:
            name = self.resolver.resolve(base)
            if name:
                resolved.append(name)
        self._class_bases[qual] = tuple(resolved)
        # a base named as it is (``class Fast(Base)``) is neither run nor handed to anything
        # that runs it; a base a call makes, decorators and a metaclass run here
        bases = [b for b in node.bases if not isinstance(b, _REFERENCES)]
        for expr in [*node.decorator_list, *bases, *(k.value for k in node.keywords)]:
            yield _frame(expr, scope, cls, depth)
        for stmt in node.body:
            # A class body runs when the class is defined, in the enclosing scope.
            yield _frame(stmt, scope, qual if self.origin is None else None, depth)

    def _import(self, node: ast.Import | ast.ImportFrom, scope: str) -> None:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            base = (
                resolve_relative(self.result.module, self.is_package, node.level, node.module)
                if node.level
                else (node.module or "")
            )
            names = [base] + [f"{base}.{a.name}" for a in node.names if a.name != "*"]
        names = [name for name in names if name]
        if self.analyzer.import_facts:
            loc, snippet = self._loc(node), self._snippet(node)
            for name in names:
                self._add(
                    Fact(
                        FactKind.IMPORT, name, loc, scope, snippet=snippet, decode_chain=self.chain
                    )
                )
                self._edge(scope, name, EdgeKind.IMPORT)
            return
        for name in names:
            self._edge(scope, name, EdgeKind.IMPORT)

    def _call(self, node: ast.Call, scope: str, consumed: bool) -> bool:
        """Record a call. Returns True when the whole call was folded and unpacked."""
        try:
            name = self.resolver.resolve(node.func)
        except LimitExceeded:
            name = None
        if name is None and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            own_class = self.method_class.get(scope)
            if isinstance(owner, ast.Name) and owner.id in _RUNNERS_OF_SELF and own_class:
                target = f"{self.result.module}:{own_class}.{node.func.attr}"
                self._edge(scope, target, EdgeKind.CALL)
                return False
            client = self._client_class(owner)
            if client is not None:
                # ``s = requests.Session(); s.post(...)``: a request like ``requests.post``
                name = f"{client}.{node.func.attr}"
            else:
                made_by = self._instance_class(owner) if self._runs_on_load(scope) else None
                if made_by is not None:
                    # ``client = Client(); client.send(...)``: the method of the class that
                    # made it
                    self._edge(scope, f"{made_by}.{node.func.attr}", EdgeKind.CALL)
                # A method on an unknown object: keep the method name for patterns like
                # .decode().
                name = f"?.{node.func.attr}"
        if isinstance(node.func, ast.Name):
            nested = self._nested_target(node.func.id, scope)
            if nested is not None:
                self._edge(scope, nested, EdgeKind.CALL)
            elif name is None and node.func.id in self.conditional_defs:
                # ``if ok: def run(): ...`` then ``run()``: only a call reaches such a function
                # (handing it around as a value, as callback tables do, is not followed)
                target = f"{self.result.module}:{node.func.id}"
                self._edge(scope, target, EdgeKind.CALL)
        registers = (
            _registers(name, node.func.attr) if isinstance(node.func, ast.Attribute)
            else _decorates(node)
        ) or name in _ROUTE_MAKERS
        if registers:
            # ``cli.add_command(login)``, ``cli.command()(login)``: kept for later, not run
            self.kept.update(id(arg) for arg in node.args)
        if node.args:
            for given in node.args:
                if type(given) is ast.Name and given.id in _CODE_RUNNERS:
                    self.handed.add(id(given))
            # a protector's runtime is often a builtin it injects: a name nothing resolves
            self._opaque(node, name or (node.func.id if isinstance(node.func, ast.Name) else "?"), scope)
        if name is None:
            return False
        args: tuple[str, ...] = ()
        inner: tuple[str, ...] = ()
        sources: tuple[str, ...] = ()
        flags = _call_kind(name)
        if node.keywords:
            self._mark_help(node)
        if name in _TYPE_CHECKS and len(node.args) > 1:
            kinds = node.args[1]
            self.type_checked.update(
                id(kind) for kind in (kinds.elts if isinstance(kinds, ast.Tuple) else [kinds])
            )
        if name in ATTRIBUTE_LOOKUPS and len(node.args) > 1:
            # ``hasattr(subprocess, "CREATE_NO_WINDOW")``: the name of an attribute, which the
            # resolver reads as a name, not text the code uses
            self.messages.add(id(node.args[1]))
        if name in REGEX_CALLS and node.args:
            self._mark_pattern(node.args[0])
        if flags & _MESSAGE_SINK or id(node) in self.messages:
            self._mark_messages(node)
        else:
            # exec sinks and decoders unpack their own arguments (``_unpack``)
            args = self._arguments(
                node,
                None if flags & (_RUNS_TEXT | _DECODER) else scope,
                scope if flags & _TRACED else None,
            )
            if flags & _TRACED:
                inner, sources = self._inner_calls(node, code_sink=bool(flags & _EXEC_SINK))
            if flags & _PROCESS and args:
                self._module_run_edges(args[0], scope)
                self._inline_code(node, args[0], scope)
        if name in _MODE_SETTERS:
            mode = _constant_mode(node, name)
            if mode is not None:
                args = (*args, f"mode={mode:#o}")
        if name in _PATH_TAKERS and (not node.args or self._const_str(node.args[0]) is None):
            folder = self._folder(node, name)
            if folder is not None and args[:1] != (folder,):
                args = (folder, *args)
        # ``ShowWindow(hwnd, SW_RESTORE)`` keeps the window in sight: no fact
        shown = name in _WINDOW_SHOWERS and len(node.args) > 1 and _shows_window(
            node.args[1], self.resolver.resolve
        )
        if not shown and self._keeps(name, bool(args or inner or sources)):
            self._add(
                Fact(
                    FactKind.CALL,
                    name,
                    self._loc(node),
                    scope,
                    args=args,
                    inner=inner,
                    sources=sources,
                    decode_chain=self.chain,
                    snippet=self._snippet(node),
                    binding=self.binding,
                )
            )
        if not name.startswith("?."):
            self._edge(scope, name, EdgeKind.CALL)
        for arg in args:
            if len(arg) > 40:
                self._powershell(arg, scope, node)
        if flags & _SENDS_REQUEST:
            self._request_facts(node, name, args, scope)
        if flags & _WRITER and not consumed:
            self._dropped(node, args, scope)
        if flags & _COPIES and len(node.args) == 1:
            self._whole_environment(node.args[0], scope, "copy")
        if not registers:
            self._runs_edges(node, scope, flags & _MESSAGE_SINK == 0)
        if consumed:
            return False
        return self._unpack(node, flags, scope)

    def _request_facts(self, node: ast.Call, name: str, args: tuple[str, ...], scope: str) -> None:
        """What a request says about itself: that nothing reads its reply (``args``: its folded
        arguments), and which values named as secrets it sends (``args``: their names)."""
        facts: list[tuple[FactKind, tuple[str, ...]]] = []
        if (
            _carries_message(node, args) or self._built_request_carries(node)
        ) and self._reply_unread(node, scope):
            facts.append((FactKind.UNREAD_REPLY, args))
        secrets = self._secrets_sent(node, scope)
        if secrets:
            facts.append((FactKind.SECRET_SENT, secrets))
        for kind, texts in facts:
            self._add(
                Fact(
                    kind, name, self._loc(node), scope, args=texts,
                    decode_chain=self.chain, snippet=self._snippet(node),
                )
            )

    def _built_request_carries(self, node: ast.Call) -> bool:
        """Whether a request sends a request object built beforehand that carries a message
        (``req = Request(url, data=body); urlopen(req)``)."""
        first = node.args[0] if node.args else None
        if not isinstance(first, ast.Name):
            return False
        built = self.env.expression(first.id)
        if not isinstance(built, ast.Call):
            return False
        try:
            maker = self.resolver.resolve(built.func)
        except LimitExceeded:
            return False
        if maker not in _REQUEST_SINKS or maker in _REQUEST_CALLS:
            return False
        folded = self._folded(built.args[0]) if built.args else None
        return _carries_message(built, (folded[0],) if folded is not None else ())

    def _runs_on_load(self, scope: str) -> bool:
        """Whether ``scope`` is code that runs as it is loaded or installed: a module's top
        level, its ``__main__`` block, or a method of a setuptools command class. Only there are
        the methods called on the objects it makes followed: a library's functions make objects
        and call their methods everywhere, and following each would take much of a large
        package's run-time code into its import phase."""
        if scope.endswith((":<module>", ":<main>", ":<no-setuptools>")):
            return True
        cls = self.method_class.get(scope)
        return cls is not None and any(
            base.startswith(COMMAND_BASES) for base in self._class_bases.get(cls, ())
        )

    def _instance_class(self, owner: ast.expr) -> str | None:
        """The class whose instance ``owner`` is, when that is plain to see: a call of a class
        (``Client()``) or a name bound once in the file, to such a call. The call graph keeps
        the edge to its method only when that names a method the package defines, so instances
        of other packages' classes change nothing (the standard library's are not asked)."""
        if isinstance(owner, ast.Name):
            if owner.id in self.with_bound:
                return None
            bound = self.env.expression(owner.id)
            if not isinstance(bound, ast.Call):
                return None
            owner = bound
        if not isinstance(owner, ast.Call):
            return None
        try:
            made_by = self.resolver.resolve(owner.func)
        except LimitExceeded:
            return None
        if made_by is None or made_by in _BUILTINS:
            return None
        if made_by.split(".", 1)[0] in _STANDARD_LIBRARY:
            return None
        return made_by

    def _client_class(self, owner: ast.expr) -> str | None:
        """The HTTP client class (:data:`_CLIENT_CLASSES`) whose instance ``owner`` plainly
        is: a call of the class (``requests.Session().get``), a name that every assignment and
        ``with`` statement of the file binds to such a call (``async with
        aiohttp.ClientSession() as s``), or an attribute of ``self`` every assignment binds so
        (``self.session``). Bindings are counted file-wide: a name also bound to anything else
        is not a client."""
        bound: Sequence[ast.expr]
        if isinstance(owner, ast.Name):
            assigned = self.env.expressions(owner.id, _MAX_FOLLOWED)
            if not assigned and self.env.binds(owner.id):
                return None  # bound more often than followed
            bound = [*assigned, *self.with_values.get(owner.id, ())]
        elif (
            isinstance(owner, ast.Attribute)
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "self"
        ):
            bound = self.attributes.get(owner.attr, ())
            if len(bound) >= _MAX_FOLLOWED:
                return None  # assigned more often than kept
        else:
            bound = (owner,)
        made: set[str] = set()
        for value in bound[:_MAX_FOLLOWED]:
            if not isinstance(value, ast.Call):
                return None
            try:
                made_by = self.resolver.resolve(value.func)
            except LimitExceeded:
                return None
            if made_by not in _CLIENT_CLASSES:
                return None
            made.add(made_by)
        return made.pop() if len(made) == 1 else None

    def _reply_unread(self, node: ast.Call, scope: str) -> bool:
        """Whether nothing reads what the request ``node`` returns: the call is a statement of
        its own, or its result is bound to a name that nothing else in the function (or the
        module's top level) reads. A name read anywhere in the function counts as read, a
        loop's earlier iteration included."""
        index = self._request_scope(scope)
        key = id(node)
        if key not in index.holders:
            return False
        name = index.holders[key]
        return name is None or name not in index.loaded

    def _request_scope(self, scope: str) -> _RequestScope:
        index = self.request_scopes.get(scope)
        if index is None:
            body = self.bodies.get(scope)
            index = _walk_request_scope(body) if body is not None else _RequestScope()
            self.request_scopes[scope] = index
        return index

    def _inline_code(self, node: ast.Call, command: str, scope: str) -> None:
        """``python -c CODE`` started by this scope: CODE is this scope's code, as if handed to
        ``exec`` (from an argv list, or from a constant command line split as a shell would,
        on its operators too: ``unset X;python3 -c CODE``)."""
        words: list[str] | None = None
        argv = self._argv(node.args[0]) if node.args else None
        if argv is not None:
            words = []
            for element in argv.elts[:MAX_ARGV_WORDS]:
                folded = self._folded(element)
                if folded is not None:
                    words.append(folded[0])
                elif isinstance(element, ast.Attribute | ast.Name):
                    interpreter = self.resolver.resolve(element) == "sys.executable"
                    words.append("python" if interpreter else PLACEHOLDER)
                else:
                    words.append(PLACEHOLDER)
        elif PLACEHOLDER not in command:
            try:
                words = _shell_words(command[:MAX_FACT_TEXT])
            except ValueError:
                return
        if not words:
            return
        for index, word in enumerate(words[:-2]):
            if program_name(word).lower().startswith("python") and words[index + 1] == "-c":
                code = words[index + 2]
                if PLACEHOLDER not in code and code not in self.seen_payloads:
                    self.seen_payloads.add(code)
                    self._payload(code, (), scope, node, executed=True)
                return

    def _module_run_edges(self, command: str, scope: str) -> None:
        """``python -m pkg.tool`` started by this scope runs that module's top-level code and its
        ``__main__`` block, in this scope's phase (an install hook that runs its own package)."""
        words = command.split()
        for flag, target in itertools.pairwise(words):
            if flag == "-m" and _DOTTED.fullmatch(target):
                self._edge(scope, target, EdgeKind.IMPORT)
                self._edge(scope, f"{target}:<main>", EdgeKind.RUNS)
                return

    def _visit_with_hidden(self, frame: _Frame) -> list[_Frame] | None:
        """``_visit`` for the rare file with a wide run of blanks after code: statements on
        those lines are looked at first, so no other file pays for the check."""
        node, offscreen = frame[0], self.offscreen
        if (
            offscreen is not None
            and isinstance(node, ast.stmt | ast.expr)
            and node.lineno in offscreen
        ):
            self._hidden_statement(node, frame[1], offscreen)
        return self._visit(frame)

    def _hidden_statement(self, node: ast.stmt | ast.expr, scope: str, offscreen: set[int]) -> None:
        """A statement, or an expression, preceded on its line by other code and a wide run of
        blanks (and the ``;`` or ``,`` that joins them: ``x = f()<blanks>;exec(p)``, or
        ``f()<blanks>,exec(p)``, a tuple's element): written where a reader of the file does
        not look."""
        line = self._text_lines()[node.lineno - 1]
        before = line.encode("utf-8", "surrogatepass")[: node.col_offset].decode("utf-8", "replace")
        visible = before.rstrip(" \t")
        if visible.endswith((";", ",")):
            visible = visible[:-1].rstrip(" \t")
        gap = len(before) - len(visible)
        needed = OFFSCREEN_GAP if isinstance(node, ast.stmt) else OFFSCREEN_EXPRESSION_GAP
        if not visible.strip() or gap < needed:
            return
        offscreen.discard(node.lineno)  # one per line
        calls = (n for n in ast.walk(node) if isinstance(n, ast.Call))
        first = next(calls, None)
        try:
            name = (self.resolver.resolve(first.func) or "?") if first is not None else ""
        except LimitExceeded:
            name = "?"
        hidden = line[len(before):].strip()
        self._add(
            Fact(
                FactKind.OFFSCREEN,
                name,
                self._loc(node),
                scope,
                value=f"{gap} blank columns after column {len(visible)}",
                decode_chain=self.chain,
                snippet=hidden if len(hidden) <= 160 else hidden[:157] + "...",
            )
        )

    def _opaque(self, node: ast.Call, name: str, scope: str) -> None:
        """Code handing an encrypted-looking bytes literal straight to a function
        (``run(__name__, __file__, b"...")``): in a module's top-level code, the module's real
        code is that blob; in a function, what the function runs (CW117 weighs where)."""
        for arg in node.args:
            blob = arg.value if isinstance(arg, ast.Constant) else None
            if not isinstance(blob, bytes):
                continue
            entropy = folding.opaque_blob(blob)
            if (
                entropy is None
                or folding.is_decoder(name)
                or folding.blob_payloads(blob.decode("latin-1"), self.limits)
            ):
                continue
            self._add(
                Fact(
                    FactKind.OPAQUE,
                    name,
                    self._loc(node),
                    scope,
                    value=f"{len(blob):,}-byte blob, {entropy:.2f} bits per byte",
                    decode_chain=self.chain,
                    snippet=self._snippet(node),
                )
            )
            return

    def _arguments(
        self, node: ast.Call, scope: str | None, here: str | None = None
    ) -> tuple[str, ...]:
        """The folded text of the arguments; with ``scope``, decoded ones are payloads too;
        with ``here`` (the scope of a sink's call), a name bound several times is folded by
        the binding that reaches the call (``_folded_here``). An option's help text is left
        out: it is read by people (``_mark_help``)."""
        args: list[str] = []
        for expr in [*node.args, *(k.value for k in node.keywords if k.arg not in _HELP_KEYWORDS)]:
            kind = type(expr)
            if kind is ast.Starred and expr is node.args[0]:
                # ``create_subprocess_exec(*cmd)``: the argv list, unpacked as the arguments
                value = expr.value  # type: ignore[attr-defined]
                if self._argv(value) is not None:
                    expr, kind = value, type(value)
            if kind is ast.Attribute:
                continue  # never folded (``os.sep`` is a name, not text), nor a template
            if kind is ast.Constant:
                # written text: no payload, no template (what ``_folded`` gives for a constant)
                value = expr.value  # type: ignore[attr-defined]
                if isinstance(value, str):
                    args.append(value[:MAX_FACT_TEXT])
                elif isinstance(value, bytes):
                    args.append(value.decode("latin-1")[:MAX_FACT_TEXT])
                continue
            folded = self._folded(expr)
            if here is not None and (
                (folded is None and kind is ast.Name)
                or ((kind is ast.List or kind is ast.Tuple)
                    and (folded is None or PLACEHOLDER in folded[0]))
            ):
                folded = self._folded_here(expr, here) or folded  # type: ignore[arg-type]
            if folded is None and kind is ast.Name and self._argv(expr) is None:
                # a name holding neither text nor an argv list: at most the template it is
                # bound to (``path = f"..."; open(path)``), no payload
                template = self._template(expr, 0)
                if template is not None:
                    args.append(template[:MAX_FACT_TEXT])
                continue
            text = folded[0] if folded is not None else None
            if scope is not None:
                self._decoded_arguments(expr, folded, scope, node)
            if text is None:
                text = self._template(expr, 0)
            if text is not None:
                args.append(text[:MAX_FACT_TEXT])
        for kw in node.keywords:
            if kw.arg and isinstance(kw.value, ast.Constant) and isinstance(
                kw.value.value, _FLAG_TYPES
            ):
                args.append(f"{kw.arg}={kw.value.value}")
            elif kw.arg and isinstance(kw.value, _REFERENCES):
                ref = self.resolver.resolve(kw.value)
                if ref:
                    args.append(f"{kw.arg}={ref}")
        return tuple(args)

    def _folded_here(
        self, expr: ast.Name | ast.List | ast.Tuple, scope: str
    ) -> tuple[str, tuple[str, ...]] | None:
        """The text that a name the file binds several times holds where a sink reads it: the
        value of its last assignment before the sink in the same function (or top level), with
        the names that value reads, when bound several times too, taken the same way
        (``url = "..."; cmd = "curl " + url; os.system(cmd)``, then both bound again for the
        next command); for an argument list (``[python, "-c", code]``), each of its names so.
        By position, as ``_bound_before``: a branch and its ``else`` count as one after the
        other. A binding that reads its own name (``s = s + x``) is left to the folding of
        sequences."""
        env = self.env
        roots = [
            e for e in ((expr,) if type(expr) is ast.Name else expr.elts)  # type: ignore[union-attr]
            if type(e) is ast.Name and env.binds(e.id) and env.expression(e.id) is None
        ]
        if not roots:
            return None  # unbound, or bound once: the ordinary folding already answered
        pins: dict[str, ast.expr] = {}
        todo: list[tuple[str, ast.expr]] = [(root.id, root) for root in roots]
        while todo and len(pins) < _MAX_PINNED:
            current, at = todo.pop()
            if current in pins:
                continue
            value = self._bound_before(current, at, scope)
            if value is None or reads_name(value, current):
                continue
            pins[current] = value
            for sub in walk(value):
                if (
                    type(sub) is ast.Name
                    and sub.id not in pins
                    and env.binds(sub.id)
                    and env.expression(sub.id) is None
                ):
                    todo.append((sub.id, value))
        if not any(root.id in pins for root in roots):
            return None
        with env.pinned(pins):
            if type(expr) is ast.Name:
                value_text = folding.folded_text(self.evaluator, pins[expr.id])
            else:  # an argv: its words, ``…`` for those that do not fold
                template = self._template(expr, 0)
                value_text = (template, ()) if template is not None else None
        if value_text is not None and len(value_text[0]) > MAX_FACT_TEXT:
            value_text = (self.long_texts.setdefault(value_text[0], value_text[0]), value_text[1])
        return value_text

    def _decoded_arguments(
        self,
        expr: ast.expr,
        folded: tuple[str, tuple[str, ...]] | None,
        scope: str,
        call: ast.Call,
    ) -> None:
        """A call handed text that a decoding chain made (``os.system(unwrap("aWQ="))``, with
        the decoder in a helper function), itself or as a word of an argv list: the decoded
        text is a payload of this call, shown at its line, and analysed as code when it is
        code. The argument is not unpacked again."""
        pieces: list[tuple[ast.expr, tuple[str, tuple[str, ...]] | None]] = [(expr, folded)]
        argv = self._argv(expr)
        if argv is not None:
            pieces = [(e, self._folded(e)) for e in argv.elts[:MAX_ARGV_WORDS]]
        for piece, value in pieces:
            if value is None or not value[1] or isinstance(piece, ast.Constant):
                continue
            text, chain = value
            self.consumed.add(id(piece))
            if text in self.seen_payloads or decode_text(text) is None:
                continue
            self.seen_payloads.add(text)
            self._payload(text, (*self.chain, *chain), scope, call, executed=False)

    def _inner_calls(
        self, node: ast.Call, *, code_sink: bool = False
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The calls nested in the arguments of an ``exec``-like, process or request sink, and the calls
        that feed them through the names they read (bound by an assignment or a ``with``): where
        its code or command line comes from (only the sinks' rules read them, so other calls are
        not searched). A name bound once is followed to its value. With ``code_sink`` (``exec``,
        ``eval``, ``compile``: code has no business coming from anywhere but the package), only
        the code argument is searched (of a ``compile`` inside too), and a name bound a few
        times is followed to each binding that may reach the sink (``gg = ""``, then ``gg =
        urlopen(u).read()`` in a ``try``: see ``_reaching``)."""
        inner: list[str] = []
        sources: list[str] = []
        budget = 64
        followed: set[int] = set()
        handed = _code_of(node) if code_sink else [*node.args, *(k.value for k in node.keywords)]
        todo: list[tuple[ast.AST, bool]] = [(a, False) for a in handed]
        if isinstance(node.func, ast.Attribute):
            todo.append((node.func.value, False))
        while todo and budget > 0:
            budget -= 1
            sub, traced = todo.pop()
            found = sources if traced else inner
            if isinstance(sub, ast.Call):
                try:
                    sub_name = self.resolver.resolve(sub.func)
                except LimitExceeded:
                    sub_name = None
                if sub_name:
                    found.append(sub_name)
                    if sub_name in EXEC_SINKS:
                        # ``exec(compile(code, getattr(mod, "__file__", "?"), "exec"))``
                        todo.extend((c, traced) for c in _code_of(sub))
                        continue
                elif isinstance(sub.func, ast.Attribute):
                    found.append(f"?.{sub.func.attr}")
            elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Store):
                # a builtin handed to another call works on the data too: ``map(chr, codes)``
                ref = self.resolver.resolve(sub)
                if ref in _BUILTINS and ref not in ("True", "False", "None"):
                    found.append(ref)
                # data held in a name comes from what the name was bound to:
                # ``code = urlopen(u).read(); exec(code)``, ``with urlopen(u) as r: exec(r.read())``
                values = (
                    _reaching(self.env.expressions(sub.id, _MAX_FOLLOWED), node) if code_sink
                    else (self.env.expression(sub.id),)
                )
                # a ``with`` target also bound by an assignment holds the one or the other (a
                # name reused in another function): followed only where every binding is
                held = (
                    self.with_bound.get(sub.id)
                    if code_sink or not self.env.binds(sub.id) else None
                )
                for bound in (*values, held)[:_MAX_FOLLOWED]:
                    if bound is not None and id(bound) not in followed:
                        followed.add(id(bound))
                        todo.append((bound, True))
            # comprehensions included: ``exec("".join(c for c in b64decode(s)))``
            # constants name no call, so they do not spend the budget (a table of a hundred
            # literals beside the decoder)
            todo.extend(
                (c, traced) for c in _children(sub)
                if isinstance(c, ast.expr | ast.comprehension) and type(c) is not ast.Constant
            )
        return tuple(dict.fromkeys(inner)), tuple(dict.fromkeys(sources))

    def _secrets_sent(self, node: ast.Call, scope: str) -> tuple[str, ...]:
        """The names and attributes that name a secret (``secret_key``, ``self.password``) in
        what the request ``node`` sends: its body or query (``json=``, ``data=``, ``params=``,
        positional arguments after the address, the body of a ``Request`` it is handed),
        followed through the names they read to the value each was last given before the
        request in the same function. A secret in the address or the headers only
        authenticates the request."""
        secrets: set[str] = set()
        todo: list[ast.AST] = list(_body_parts(node))
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Name):
            first = self._bound_before(first.id, node, scope)
        if isinstance(first, ast.Call):  # ``urlopen(Request(url, data=...))``
            todo.extend(_body_parts(first))
        budget = 64
        while todo and budget > 0:
            budget -= 1
            sub = todo.pop()
            if isinstance(sub, ast.Name):
                if _names_a_secret(sub.id):
                    secrets.add(sub.id)
                bound = self._bound_before(sub.id, node, scope)
                if bound is not None:
                    todo.append(bound)
                continue
            if isinstance(sub, ast.Attribute) and _names_a_secret(sub.attr):
                secrets.add(sub.attr)
            todo.extend(c for c in _children(sub) if isinstance(c, ast.expr))
        secrets.update(self._cloud_keys_sent(node, scope))
        return tuple(sorted(secrets))

    def _cloud_keys_sent(self, node: ast.Call, scope: str) -> set[str]:
        """The cloud account keys read from the environment (``AWS_SECRET_ACCESS_KEY``) that
        reach any part of the request ``node``, its address included, through the names and
        the attributes of ``self`` they are held in, when the request goes elsewhere than the
        cloud that takes them: only the cloud's own hosts have a use for its keys."""
        found: set[str] = set()
        todo: list[ast.AST] = [*node.args, *(k.value for k in node.keywords)]
        followed: set[int] = set()
        budget = 64
        while todo and budget > 0:
            budget -= 1
            sub = todo.pop()
            if isinstance(sub, ast.Name) and type(sub.ctx) is ast.Load:
                values: list[ast.expr | None] = [self._bound_before(sub.id, node, scope)]
            elif (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "self"
            ):
                values = list(self.attributes.get(sub.attr, ()))
            else:
                variable = self._environment_variable(sub)
                if variable in _CLOUD_KEYS:
                    found.add(variable)
                todo.extend(c for c in _children(sub) if isinstance(c, ast.expr))
                continue
            for value in values:
                if value is not None and id(value) not in followed:
                    followed.add(id(value))
                    todo.append(value)
        if not found:
            return found
        address = self._template(node.args[0], 0) if node.args else None
        return {
            key for key in found
            if address is None or not any(host in address for host in _CLOUD_KEYS[key])
        }

    def _environment_variable(self, expr: ast.AST) -> str | None:
        """The variable an environment read names: ``os.environ.get("X")``, ``os.getenv("X")``,
        ``os.environ["X"]``."""
        try:
            if isinstance(expr, ast.Call):
                getter = expr.args and self.resolver.resolve(expr.func) in _ENV_GETTERS
                return self._const_str(expr.args[0]) if getter else None
            if isinstance(expr, ast.Subscript) and self.resolver.resolve(expr.value) in _ENVIRONMENTS:
                return self._const_str(expr.slice)
        except LimitExceeded:
            return None
        return None

    def _bound_before(self, name: str, node: ast.expr, scope: str) -> ast.expr | None:
        """The value ``name`` was last given (``name = value``) before ``node``, in the function
        (or module top level) ``scope``; else the one value the file binds it to, if one."""
        bindings = self._request_scope(scope).assigned.get(name)
        if bindings:
            at = bisect.bisect_left(bindings, node.lineno, key=lambda b: b[0])
            if at:
                return bindings[at - 1][1]
        return self.env.expression(name)

    def _template(self, expr: ast.expr, depth: int) -> str | None:
        """Partly constant text, with ``…`` for what cannot be folded: ``f"curl {u}"`` gives
        ``curl …``; an argv (a list or tuple, or a name bound to one) gives its words joined by
        spaces, the program first: ``["sh", "-c", cmd]`` gives ``sh -c …``."""
        if depth > 8:
            return None
        if type(expr) is ast.Name:
            # ``path = f"C:/Users/{user}/x"; open(path)``: the one text a name is bound to, for
            # the name handed to the call itself (not followed further: ``s = s + "b"``)
            name = expr.id
            bound = self.env.expression(name) if depth == 0 else None
            if type(bound) in _TEMPLATES and not reads_name(bound, name):  # type: ignore[arg-type]
                return self._template(bound, depth + 1)  # type: ignore[arg-type]
        if isinstance(expr, ast.JoinedStr):
            parts = []
            for value in expr.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                else:
                    inner = value.value if isinstance(value, ast.FormattedValue) else value
                    folded = self._const_str(inner) if isinstance(inner, ast.expr) else None
                    parts.append(folded if folded is not None else PLACEHOLDER)
            return _filled("".join(parts))
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
            # ``"%s.%d.example.org" % (data, i)``: the format's text, its fields unknown
            form = expr.left
            if isinstance(form, ast.Constant) and isinstance(form.value, str):
                return _filled(_PERCENT_FIELD.sub(_percent_field, form.value))
            return None
        if (
            isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "format" and isinstance(expr.func.value, ast.Constant)
            and isinstance(expr.func.value.value, str)
        ):
            # ``"{}.{}.example.org".format(data, i)``, likewise
            return _filled(_FORMAT_FIELD.sub(PLACEHOLDER, expr.func.value.value))
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = self._const_str(expr.left) or self._template(expr.left, depth + 1)
            right = self._const_str(expr.right) or self._template(expr.right, depth + 1)
            if left is None and right is None:
                return None
            return (left or PLACEHOLDER) + (right or PLACEHOLDER)
        argv = self._argv(expr)
        if argv is not None and argv.elts:
            if isinstance(argv.elts[0], ast.Starred):
                return None
            words: list[str] = []
            for element in argv.elts[:MAX_ARGV_WORDS]:
                if isinstance(element, ast.Starred):
                    words.append(PLACEHOLDER)
                    break
                word = self._const_str(element)
                if word is None:
                    word = self._template(element, depth + 1) or PLACEHOLDER
                words.append(word)
            return " ".join(words)
        return None

    def _folder(self, node: ast.Call, name: str) -> str | None:
        """The folder a call of :data:`_PATH_TAKERS` deletes or lists, as a path template,
        when part of it folds: the first argument, or the path a ``Path`` method is called
        on."""
        if node.args:
            target: ast.expr = node.args[0]
        elif name.startswith("pathlib.Path.") and isinstance(node.func, ast.Attribute):
            target = node.func.value
        else:
            return None
        try:
            folder = self._path_template(target, 0)
        except LimitExceeded:
            return None
        return folder if folder is not None and folder.strip(PLACEHOLDER + "/") else None

    def _path_template(self, expr: ast.expr, depth: int) -> str | None:
        """The folder a path expression names, as text with ``~`` for the user's home folder
        and ``…`` for parts that do not fold: ``os.path.expanduser("~")``, ``Path.home()`` and
        the ``HOME`` or ``USERPROFILE`` variable give ``~``; joins (``os.path.join``, ``Path``
        and its ``/``) give their parts joined by ``/``; a name bound once gives its value's."""
        if depth > 6:
            return None
        text = self._const_str(expr)
        if text is not None:
            return text
        if isinstance(expr, ast.Name):
            bound = self.env.expression(expr.id)
            return self._path_template(bound, depth + 1) if bound is not None else None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            left = self._path_template(expr.left, depth + 1)
            right = self._path_template(expr.right, depth + 1)
            return f"{left or PLACEHOLDER}/{right or PLACEHOLDER}"
        if isinstance(expr, ast.Subscript):
            if self.resolver.resolve(expr.value) in _ENVIRONMENTS:
                return "~" if self._const_str(expr.slice) in _HOME_VARIABLES else None
            return None
        if not isinstance(expr, ast.Call):
            return self._template(expr, depth + 1)
        try:
            called = self.resolver.resolve(expr.func)
        except LimitExceeded:
            return None
        if called in _ENV_GETTERS and expr.args:
            return "~" if self._const_str(expr.args[0]) in _HOME_VARIABLES else None
        if called in _HOME_CALLS:
            if not expr.args:
                return "~"
            inner = self._path_template(expr.args[0], depth + 1)
            if called == "os.path.expandvars" and inner is not None:
                for variable in _HOME_VARIABLES:
                    inner = inner.replace(f"${variable}", "~").replace(f"%{variable}%", "~")
            return inner
        if called in _PATH_WRAPPERS and expr.args and not expr.keywords:
            parts = [self._path_template(a, depth + 1) or PLACEHOLDER for a in expr.args]
            return "/".join(parts)
        return self._template(expr, depth + 1)

    def _argv(self, expr: ast.expr) -> ast.List | ast.Tuple | None:
        """The list or tuple ``expr`` is, or the one a name holds (``cmd = [...]; Popen(cmd)``)."""
        if isinstance(expr, ast.Name) and isinstance(expr.ctx, ast.Load):
            bound = self.env.expression(expr.id)
            return bound if isinstance(bound, _SEQUENCES) else None
        return expr if isinstance(expr, _SEQUENCES) else None

    def _runs_edges(self, node: ast.Call, scope: str, hands_on: bool = True) -> None:
        """Functions and classes passed as values to a call will be run by whoever gets them:
        the code that makes the call or, handed to an object kept in a module-level name
        (:meth:`_hands_functions`), the code that reads the name. A held object's attribute
        handed on (``Thread(target=listener.start)``) starts it, unless the call only shows
        it to people (``hands_on`` false: ``print(task.name)``)."""
        if not node.args and not node.keywords:
            return
        holder = self.holders.get(id(node))
        for target, sub in self._handed_functions(node, scope):
            if holder is None:
                self._edge(scope, target, EdgeKind.RUNS)
            else:
                self.kept.add(id(sub))  # the object keeps it: the name's readers run it
                self._edge(holder, target, EdgeKind.RUNS)
        if self.held_names and hands_on:
            for arg in (*node.args, *(k.value for k in node.keywords)):
                base = arg.value if isinstance(arg, ast.Attribute) else None
                if isinstance(base, ast.Name) and base.id in self.held_names:
                    self._constant_read(base.id, scope)

    def _local_target(self, node: ast.Name | ast.Attribute, scope: str) -> str | None:
        if isinstance(node, ast.Name):
            if node.id in self.table.local_defs or node.id in self.table.aliases:
                return self.resolver.resolve(node)
            return self._nested_target(node.id, scope)
        return self.resolver.resolve(node)

    def _nested_target(self, name: str, scope: str) -> str | None:
        """The scope of a function defined inside the function ``scope`` (or one enclosing it)
        that ``name`` calls: ``def outer(): def fetch(): ...; fetch()``."""
        for candidate in reversed(self.nested.get(name, ())):
            parent = candidate.rsplit(".", 1)[0]
            if scope == parent or scope.startswith(parent + "."):
                return candidate
        return None

    def _constant_read(self, name: str, scope: str) -> None:
        """A scope that reads a module-level constant reaches what its value holds."""
        const_scope = self.module_consts.get(name)
        if const_scope is not None and const_scope != self.binding:
            self._edge(scope, const_scope, EdgeKind.RUNS)

    def _table_entries(self, table: ast.expr, holder: str) -> None:
        """The functions and classes of the package that a module-level table lists
        (``COMMANDS = {"status": cmd_status}``, ``cmdclass = {"install": Install}``,
        ``TRACKERS = {"sort": SortTracker}`` imported from another module): they run where the
        table is read (``COMMANDS[name](args)``), not where it is made. Only the table's own
        entries: a call inside it (``[Thread(target=run)]``) runs as it is made."""
        local, imported = self.table.local_defs, self.table.aliases
        for sub in _listed([table], 4_096):
            if isinstance(sub, ast.Name) and (sub.id in local or sub.id in imported):
                self.entries[id(sub)] = holder

    def _name_reference(self, node: ast.Name, scope: str) -> None:
        """Record a name read as a value."""
        self._constant_read(node.id, scope)
        kept = id(node) in self.kept
        if node.id in self.table.local_defs and not kept:
            # A function or class handed around as a value (dispatch tables, cmdclass dicts):
            # run by the code that hands it on, or by the readers of the table that lists it
            target = self.resolver.resolve(node)
            if target:
                self._edge(self.entries.get(id(node), scope), target, EdgeKind.RUNS)
        elif node.id in self.table.aliases:
            self._package_value(self.resolver.resolve(node), self.entries.get(id(node), scope), kept)
        elif node.id in _REFERENCED_BUILTINS and self._keeps(node.id):
            self._add(
                Fact(
                    FactKind.REFERENCE,
                    node.id,
                    self._loc(node),
                    scope,
                    value=HANDED if id(node) in self.handed else None,
                    decode_chain=self.chain,
                    snippet=self._snippet(node),
                )
            )

    def _reference(self, node: ast.Attribute, scope: str) -> bool:
        """Record a resolved attribute chain used as a value. Returns True when the chain is
        consumed."""
        try:
            name = self.resolver.resolve(node)
        except LimitExceeded:
            name = None
        if name is None:
            own_class = self.method_class.get(scope)
            if isinstance(node.value, ast.Name) and node.value.id in _RUNNERS_OF_SELF and own_class:
                self._edge(scope, f"{self.result.module}:{own_class}.{node.attr}", EdgeKind.RUNS)
            elif isinstance(node.value, ast.Call) and node.attr in ("nodename", "node"):
                self._host_name_read(node, node.value.func, scope)
            return False
        bound_to = self.entries.get(id(node))
        self._package_value(name, bound_to or scope, id(node) in self.kept)
        if id(node) in self.type_checked:
            return True
        if self._keeps(name):
            self._add(
                Fact(
                    FactKind.REFERENCE,
                    name,
                    self._loc(node),
                    scope,
                    decode_chain=self.chain,
                    snippet=self._snippet(node),
                    # ``Handle = socket.socket``: bound to a name, used where the name is read
                    binding=bound_to,
                )
            )
        if name in _UNAMES:
            self._host_name_read(node, node, scope)
        return True

    def _host_name_read(self, node: ast.Attribute, described: ast.expr, scope: str) -> None:
        """``os.uname().nodename``, or ``os.uname`` handed on whole: the host name is read."""
        try:
            name = self.resolver.resolve(described)
        except LimitExceeded:
            return
        field = _UNAMES.get(name or "")
        if field is None or (node is not described and node.attr != field):
            return
        if not self._keeps(f"{name}.{field}"):
            return
        self._add(
            Fact(
                FactKind.REFERENCE,
                f"{name}.{field}",
                self._loc(node),
                scope,
                decode_chain=self.chain,
                snippet=self._snippet(node),
            )
        )

    def _package_value(self, name: str | None, scope: str, kept: bool = False) -> None:
        """A value read from another module of the same package (``config.URL``) is reached by
        the reader: the call graph maps it to that module's constant, if it is one. Handed to
        something that keeps it (``kept``), a function it names is not run."""
        if name and name.startswith(self.package_prefix):
            self._edge(scope, name, EdgeKind.KEEPS if kept else EdgeKind.RUNS)

    def _escaped(self, node: ast.Constant, text: str) -> bool:
        """Whether a string constant is written with escapes (``"\\x65\\x76\\141\\x6c"``):
        for a plain name, which needs none, only to hide what it spells."""
        line, start, end = node.lineno, node.col_offset, node.end_col_offset
        # quotes and a prefix add at most three columns: anything wider holds escapes
        if node.end_lineno != line or end is None or end - start <= len(text) + 3:
            return False
        lines = self._text_lines()
        if not 0 < line <= len(lines):
            return False
        # offsets count UTF-8 bytes
        source = lines[line - 1].encode("utf-8", "surrogatepass")[start:end].decode(
            "utf-8", "replace"
        )
        if "\\" not in source:
            return False
        try:  # the constant's own text, not an f-string it is a part of
            return bool(ast.literal_eval(source) == text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return False

    def _literal(self, node: ast.Constant, scope: str, consumed: bool) -> None:
        value = node.value
        if isinstance(value, str):
            text = value
        elif isinstance(value, bytes):
            text = value.decode("latin-1")
        else:
            return
        if (
            len(text) <= _ESCAPED_NAME_MAX
            and text.isascii()  # non-ASCII words are escaped honestly (``"\\u00e9t\\u00e9"``)
            and text.isidentifier()
            and self._escaped(node, text)
        ):
            self._revealed(node, scope, text, ESCAPES_STEP, bound=False)
        if len(text) < MIN_LITERAL:
            return
        kept = text[:MAX_FACT_TEXT]
        message = id(node) in self.messages
        if self.keep is None or self.keep.literal(kept, message):
            fact = Fact(
                FactKind.LITERAL,
                MESSAGE if message else PATTERN if id(node) in self.patterns else "",
                self._loc(node),
                scope,
                value=kept,
                decode_chain=self.chain,
                snippet=self._snippet(node),
                binding=self.binding,
            )
            self._add(fact)
            if not message:
                self.text_facts[id(node)] = fact
        self._powershell(text, scope, node)
        executable = folding.embedded_executable(text)
        if executable is not None:
            self._add(
                Fact(
                    FactKind.EMBEDDED,
                    executable,
                    self._loc(node),
                    scope,
                    value=f"{executable} executable in a {len(text):,}-character literal",
                    decode_chain=self.chain,
                    snippet=self._snippet(node),
                    binding=self.binding,
                )
            )
        if len(text) >= folding.BLOB_MIN and not consumed:
            for decoded, chain in folding.blob_payloads(text, self.limits):
                self._payload(decoded, (*self.chain, *chain), scope, node, executed=False)

    # -- static unpacking -----------------------------------------------------------------

    def _dropped(self, node: ast.Call, args: tuple[str, ...], scope: str) -> None:
        """Code written to a file is analysed as what it is: a script about to be run."""
        for text in args:
            if len(text) >= 16 and text not in self.seen_payloads and folding.looks_like_code(text):
                self.seen_payloads.add(text)
                self._payload(text, (*self.chain, DROPPED_STEP), scope, node, executed=False)

    def _powershell(self, text: str, scope: str, node: ast.AST) -> None:
        for command in folding.powershell_payloads(text):
            if command in self.seen_payloads:
                continue
            self.seen_payloads.add(command)
            self._revealed(
                node, scope, command[:MAX_DECODED_SHOWN], folding.POWERSHELL_STEP, bound=True
            )

    def _revealed(self, node: ast.AST, scope: str, text: str, step: str, *, bound: bool) -> None:
        """A ``DECODED`` fact for text that one decoding step reveals in a literal itself (a
        name written in escapes, an encoded PowerShell command); ``bound`` keeps the name the
        literal is bound to."""
        self._add(
            Fact(
                FactKind.DECODED,
                "",
                self._loc(node),
                scope,
                value=text,
                decode_chain=(*self.chain, step),
                snippet=self._snippet(node),
                binding=self.binding if bound else None,
            )
        )

    def _unpack(self, node: ast.Call, flags: int, scope: str) -> bool:
        """Evaluate decoder calls and exec sinks on constant data; analyse what they yield.
        ``flags`` are the callee's (:func:`_call_kind`)."""
        if flags & _RUNS_TEXT:
            if not node.args:
                return False
            target: ast.expr = node.args[0]
            executed = True
        elif flags & _DECODER:
            target = node
            executed = False
        else:
            return False
        try:
            value = folding.evaluate(self.evaluator, target)
        except LimitExceeded as exc:
            self.result.problems.append(
                Problem(ProblemKind.DECODE_LIMIT, self._loc(node), exc.diagnostic)
            )
            return False
        if value is None:
            return False
        text, chain = value
        self.consumed.add(id(target))
        if chain or executed:
            self._payload(text, (*self.chain, *chain), scope, node, executed=executed)
        return target is node

    def _payload(
        self, text: str, chain: tuple[str, ...], scope: str, node: ast.AST, *, executed: bool
    ) -> None:
        if chain:
            self._add(
                Fact(
                    FactKind.DECODED,
                    "exec" if executed else "",
                    self._loc(node),
                    scope,
                    value=text[:MAX_DECODED_SHOWN],
                    decode_chain=chain,
                    snippet=self._snippet(node),
                )
            )
        if executed or chain[-1:] == (PICKLE_STEP,) or folding.looks_like_code(text):
            self.analyzer.analyze_decoded(
                text,
                self.result,
                scope,
                chain or ("exec",),
                self.origin if self.origin is not None else node,
                self.is_package,
                self.table.aliases,
            )
