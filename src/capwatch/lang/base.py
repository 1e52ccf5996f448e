"""What every language front end produces: facts per scope, and the edges between scopes.

The front end knows nothing about phases or capabilities. It reports, for one source file, which
scopes exist (module level, functions, methods), which facts sit in each, and which names each
scope calls or hands to something that will call them. :mod:`capwatch.flow` joins the files of
an artifact into one call graph and decides the phase of every scope.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from capwatch.model import Fact, Location

MESSAGE = "message"
"""``name`` of a literal fact whose string is a message for people (an exception's text, a log
line, a print), not data the code uses: it is kept but not searched for indicators."""


class ScopeKind(enum.Enum):
    MODULE = "module"
    """Module-level code: runs when the module is loaded."""
    MAIN = "main"
    """The ``if __name__ == "__main__":`` block: runs only when the file is run as a program."""
    FALLBACK = "fallback"
    """The handlers of a module-level ``try: import setuptools`` for a missing setuptools
    (``except ImportError: from ez_setup import use_setuptools``): installers provide
    setuptools to the builds they run, so this code runs only when the file is run by hand."""
    FUNCTION = "function"
    CONSTANT = "constant"
    """The value of a module-level ``NAME = ...``: reached by the scopes that read ``NAME``."""


ATTRIBUTE_LOOKUPS = frozenset({"getattr", "hasattr", "setattr", "delattr"})
"""Calls whose string argument names an attribute (``hasattr(subprocess, "CREATE_NO_WINDOW")``):
a name, which front ends resolve as one, not text the code uses."""

PATTERN = "pattern"
"""``name`` of a literal fact whose string is a regular expression (the pattern of a
:data:`REGEX_CALLS` call): what the code looks for in text, not a path, host or command it
uses; only the indicators that are themselves patterns (``token.regex``) are read in it."""
FOLDER_LISTERS = frozenset({
    "os.walk", "os.listdir", "os.scandir", "glob.glob", "glob.iglob", "pathlib.Path.rglob",
    "pathlib.Path.glob", "pathlib.Path.iterdir",
})
"""Calls that list or walk a folder. Front ends give the folder as their first argument, as a
path template (``~`` for the user's home folder, ``…`` for what does not fold), as they do for
the deleting calls of ``fs.delete``."""

REGEX_CALLS = frozenset({
    "re.compile", "re.search", "re.match", "re.fullmatch", "re.findall", "re.finditer",
    "re.sub", "re.subn", "re.split",
})
"""Calls whose first argument is a regular expression."""

MAINTAINER_COMMANDS = frozenset({
    "sdist", "register", "upload", "upload_docs", "check", "clean", "test", "build_sphinx",
    "bdist_rpm", "bdist_dumb", "bdist_wininst", "bdist_msi",
})
"""setuptools commands that only a maintainer runs (``python setup.py sdist``): installing a
package, from a wheel or by building one from its sdist, runs none of them."""
SETUPTOOLS_COMMANDS = MAINTAINER_COMMANDS | frozenset({
    "build", "build_py", "build_ext", "build_clib", "build_scripts", "install", "install_lib",
    "install_headers", "install_scripts", "install_data", "install_egg_info", "bdist",
    "bdist_egg", "bdist_wheel", "develop", "easy_install", "egg_info", "dist_info",
    "editable_wheel",
})
"""The standard setuptools and distutils command names: a table whose every key is one of them
is a ``cmdclass``."""


class EdgeKind(enum.Enum):
    # Members are singletons, equal only to themselves: hashed by identity, in C (``Enum`` hashes
    # the member's name in Python, and facts and edges are grouped by kind once each per scan).
    __hash__ = object.__hash__

    CALL = "call"
    """The scope calls the target (a function, or a class whose ``__init__`` runs)."""
    RUNS = "runs"
    """The scope hands the target to something that runs it: a thread, ``atexit``, ``cmdclass``."""
    IMPORT = "import"
    """The scope imports the target module, which runs its module-level code."""
    KEEPS = "keeps"
    """The scope hands the target to something that keeps it for later (``cli.add_command(f)``,
    ``hooks.append(f)``): a module-level value it names is read now, a function is not run."""


@dataclass(frozen=True, slots=True)
class Scope:
    id: str
    """``module:qualname``; module level is ``module:<module>``, the main block ``module:<main>``."""
    kind: ScopeKind
    module: str
    qualname: str
    location: Location
    class_bases: tuple[str, ...] = ()
    """For methods: the resolved base classes of the class that defines them."""
    registered: bool = False
    """A function defined inside another and handed to a decorator (``@app.route(...)``): a
    handler registered for others to call, not a helper of the function that defines it."""


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    """Scope id the edge starts from."""
    target: str
    """A qualified name (``pkg.mod.func``, ``pkg.mod.Class``) or, for ``self.x``, a scope id."""
    kind: EdgeKind


_EDGE_KINDS = tuple(EdgeKind)
_EDGE_CODES = {kind: code for code, kind in enumerate(_EDGE_KINDS)}


class EdgeList:
    """The call edges of one file, held as columns: a source and a target pointer and a kind
    byte each (17 bytes an edge, where an :class:`Edge` object in a list is 64).

    A large package has half a million edges, all held until the last file is analysed and
    the phases are assigned. Iterating gives :class:`Edge` objects, made as they are reached;
    :meth:`triples` gives the parts without making them."""

    __slots__ = ("_kinds", "_sources", "_targets")

    def __init__(self) -> None:
        self._sources: list[str] = []
        self._targets: list[str] = []
        self._kinds = bytearray()

    def add(self, source: str, target: str, kind: EdgeKind) -> None:
        self._sources.append(source)
        self._targets.append(target)
        self._kinds.append(_EDGE_CODES[kind])

    def append(self, edge: Edge) -> None:
        self.add(edge.source, edge.target, edge.kind)

    def triples(self) -> Iterator[tuple[str, str, EdgeKind]]:
        """``(source, target, kind)`` of each edge, in the order added."""
        return zip(self._sources, self._targets, map(_EDGE_KINDS.__getitem__, self._kinds),
                   strict=True)

    def __iter__(self) -> Iterator[Edge]:
        return (Edge(source, target, kind) for source, target, kind in self.triples())

    def __len__(self) -> int:
        return len(self._kinds)

    def clear(self) -> None:
        self._sources, self._targets, self._kinds = [], [], bytearray()


class ProblemKind(enum.Enum):
    FALLBACK_PARSE = "fallback-parse"
    """The file is not valid Python 3; the error-tolerant fallback analysed what it could."""
    UNPARSABLE = "unparsable"
    """Not even the fallback could read code from the file; only its strings were scanned."""
    TOO_LARGE = "too-large"
    """The file exceeds the ``source_bytes`` limit; only its strings were scanned."""
    TOO_DEEP = "too-deep"
    """The syntax tree exceeds the ``recursion`` limit; the deeper part was not analysed."""
    DECODE_LIMIT = "decode-limit"
    """A decoder hit ``decode_depth`` or ``decoded_bytes``; the payload was not fully unpacked."""
    BAD_ENCODING = "bad-encoding"
    """The file is not valid in its declared or default encoding; undecodable bytes replaced."""


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    location: Location
    detail: str


@dataclass(slots=True)
class FileAnalysis:
    """Everything a front end learned from one source file."""

    path: str
    module: str
    facts: list[Fact] = field(default_factory=list)
    scopes: dict[str, Scope] = field(default_factory=dict)
    edges: EdgeList = field(default_factory=EdgeList)
    problems: list[Problem] = field(default_factory=list)
    defined: dict[str, str] = field(default_factory=dict)
    """Top-level names defined in the module (functions, classes) mapped to ``function``/``class``."""
    methods: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Class name to the scope ids of its methods."""


class FactFilter(Protocol):
    """Which literal, call and reference facts are worth making: the engine drops the rest
    right after a file is analysed (:func:`capwatch.profile.drop_idle_facts`), so a front end
    asks first and does not make them."""

    def literal(self, text: str, message: bool) -> bool:
        """Whether a literal fact of ``text`` counts (``message``: shown to people)."""
        ...

    def name(self, name: str) -> bool:
        """Whether a call or reference of ``name`` with no folded argument, no data traced
        into it and no decode chain counts."""
        ...
