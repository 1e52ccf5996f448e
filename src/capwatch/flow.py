"""Which phase each piece of code runs in: the intra-package call graph.

Roots are the module-level scopes of every file, at the phase its role gives (``setup.py`` at
``install``, ``.pth`` and ``sitecustomize`` at ``startup``, package modules at ``import``), plus
the methods of setuptools command classes defined in install-time code, plus the functions that
commands named like the interpreter's, the installer's or a system command run (``pip`` declared
as a console script: :func:`capwatch.ecosystem.commands.takes_over`), at ``startup``, since they
run whenever the user types that command. Edges are calls, imports,
and functions or classes handed to something that runs them (``cmdclass``, threads, ``atexit``).
A scope runs in the earliest phase of any root that reaches it; what nothing reaches is
``runtime``. The parent of each scope is kept, so a finding can say *why* code runs at install.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from capwatch.ecosystem.layout import FilePlan
from capwatch.lang.base import MAINTAINER_COMMANDS, Edge, EdgeKind, FileAnalysis, ScopeKind
from capwatch.model import Phase

COMMAND_BASES = (
    "setuptools.command.",
    "distutils.command.",
    "setuptools.Command",
    "distutils.core.Command",
    "distutils.cmd.Command",
    "wheel.bdist_wheel",
)
"""Base classes whose subclasses' methods setuptools runs during a build or install."""


_COMMAND_NAMES = (".install", ".develop", ".egg_info", ".build_py", ".sdist", ".build_ext", ".bdist_egg")


def _is_command(bases: Sequence[str]) -> bool:
    """Whether a class with these (resolved) bases is a setuptools command that an install may
    run: not one whose bases are all commands only a maintainer runs (``sdist``, ``upload``:
    :data:`MAINTAINER_COMMANDS`)."""
    commands = [
        base for base in bases if base.startswith(COMMAND_BASES) or base.endswith(_COMMAND_NAMES)
    ]
    return bool(commands) and not all(
        base.startswith(COMMAND_BASES) and base.rsplit(".", 1)[-1] in MAINTAINER_COMMANDS
        for base in commands
    )


@dataclass(slots=True)
class PhaseMap:
    phase_of: dict[str, Phase] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    """The scope that first reached each scope (roots have none)."""
    defined: set[str] = field(default_factory=set)
    """Every scope the files define (module code, functions, methods), reached or not."""
    registered: set[str] = field(default_factory=set)
    """Nested functions handed to a decorator (:attr:`Scope.registered`)."""

    def phase(self, scope: str) -> Phase:
        return self.phase_of.get(scope, Phase.RUNTIME)

    def path_to(self, scope: str, limit: int = 6) -> list[str]:
        """The chain of scopes from a root to ``scope``, root first."""
        chain = [scope]
        while chain[-1] in self.parent and len(chain) < limit:
            chain.append(self.parent[chain[-1]])
        return list(reversed(chain))


class _Symbols:
    def __init__(self, analyses: Iterable[FileAnalysis], scopes: set[str]) -> None:
        self.modules: dict[str, str] = {}
        self.functions: dict[str, str] = {}
        self.classes: dict[str, tuple[str, ...]] = {}
        self.by_short_name: dict[str, list[str]] = {}
        self.constants: dict[str, str] = {}
        """``pkg.config.URL`` to the scope of that module-level constant's value."""
        self.scopes = scopes
        """Every scope the files define (:attr:`PhaseMap.defined`)."""
        self.commands: set[str] = set()
        """Classes whose methods' bases make them setuptools commands."""
        for analysis in analyses:
            prefix = f"{analysis.module}." if analysis.module else ""
            if analysis.module:
                self.modules.setdefault(analysis.module, f"{analysis.module}:<module>")
            for scope in analysis.scopes.values():
                if scope.kind is ScopeKind.CONSTANT and analysis.module:
                    self.constants[prefix + scope.qualname.lstrip("=")] = scope.id
                if scope.kind is ScopeKind.FUNCTION:
                    self.functions[prefix + scope.qualname] = scope.id
                    self.by_short_name.setdefault(scope.qualname.rsplit(".", 1)[-1], []).append(
                        scope.id
                    )
                if scope.kind is ScopeKind.FUNCTION and _is_command(scope.class_bases):
                    self.commands.add(prefix + scope.qualname.rsplit(".", 1)[0])
            for cls, methods in analysis.methods.items():
                self.classes[prefix + cls] = methods

    def targets(self, edge: Edge, every_method: bool) -> list[str]:
        """The scopes ``edge`` reaches. A class handed on as a value (``RUNS``) reaches all its
        methods with ``every_method`` (``cmdclass={"install": Cmd}`` in an install script:
        setuptools runs the command's methods) or when it is a setuptools command, wherever it
        is handed on from; else only its constructors, as a call does:
        a class registered at import (``registry.add(Provider)``) is made, perhaps, and its
        other methods run when something calls them."""
        name = edge.target
        if edge.kind is EdgeKind.KEEPS:
            # kept for later: a constant's value is read now; a function or class is not run
            return [self.constants[name]] if name in self.constants else []
        if ":" in name:
            return [name] if name in self.scopes else []
        if edge.kind is EdgeKind.IMPORT:
            found = []
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                scope = self.modules.get(".".join(parts[:i]))
                if scope:
                    found.append(scope)
            function = self.functions.get(name)
            if function and edge.kind is EdgeKind.IMPORT:
                pass  # importing a function does not run it
            return found
        if name in self.functions:
            return [self.functions[name]]
        if name in self.constants:
            # another module reads the value (``from .config import URL``; ``config.URL``)
            return [self.constants[name]]
        if name in self.classes:
            methods = self.classes[name]
            if edge.kind is EdgeKind.RUNS and (every_method or name in self.commands):
                return list(methods)
            return [m for m in methods if m.rsplit(".", 1)[-1] in ("__init__", "__new__", "__post_init__")]
        if name in self.modules:
            return [self.modules[name]]
        # Re-exported names (``from .impl import run`` in ``__init__``, then ``pkg.run()``):
        # fall back to a function of that short name when exactly one exists in the package.
        short = name.rsplit(".", 1)[-1]
        candidates = self.by_short_name.get(short, [])
        if len(candidates) == 1 and "." in name:
            root = name.split(".", 1)[0]
            if any(m == root or m.startswith(root + ".") for m in self.modules):
                return candidates
        return []


def assign_phases(
    plans: Mapping[str, FilePlan],
    analyses: Mapping[str, FileAnalysis],
    takeovers: Sequence[str] = (),
) -> PhaseMap:
    """The phase of every scope reached from a root, and the scope that reached it. The files'
    edges are consumed (:func:`_call_graph`). ``takeovers`` are the entry points
    (``module:function``) of commands that take over another program's name."""
    roots = _roots(plans, analyses) + _takeover_roots(takeovers, analyses)
    install_files = {path for path, plan in plans.items() if plan.phase is Phase.INSTALL}
    result = PhaseMap()
    result.defined = {scope for analysis in analyses.values() for scope in analysis.scopes}
    result.registered = {
        scope.id for analysis in analyses.values() for scope in analysis.scopes.values()
        if scope.registered
    }
    adjacency = _call_graph(analyses, install_files, result.defined)
    for phase in Phase:
        queue = deque(s for p, s in roots if p is phase and s not in result.phase_of)
        for s in queue:
            result.phase_of[s] = phase
        while queue:
            current = queue.popleft()
            for target in adjacency.get(current, ()):
                if target not in result.phase_of:
                    result.phase_of[target] = phase
                    result.parent[target] = current
                    queue.append(target)
    return result


def _call_graph(
    analyses: Mapping[str, FileAnalysis], install_files: set[str], scopes: set[str]
) -> dict[str, list[str]]:
    """The scopes each scope reaches by its edges, which it consumes: each file's edges go
    once they are in the graph, nothing reads them afterwards (the phase map keeps, for each
    scope reached, the scope that reached it: all ``Profile.why`` and ``Profile.load_unit``
    ask). The symbol tables that resolve the edges' names go when this returns, before the
    phase map is built beside the graph: a package of sixty thousand functions holds twenty
    megabytes in them. A class handed on as a value reaches all its methods from the files
    that run at install (``install_files``: setup scripts hand setuptools their commands), or
    when it is a setuptools command; otherwise its constructors (:meth:`_Symbols.targets`)."""
    symbols = _Symbols(analyses.values(), scopes)
    adjacency: dict[str, list[str]] = {}
    # the targets of each name, by edge kind (and whether a class's every method counts): the
    # same names are called from many places, and most name nothing in the package (one
    # shared empty tuple then)
    resolved: dict[tuple[EdgeKind, bool], dict[str, Sequence[str]]] = {
        (kind, every): {} for kind in EdgeKind for every in (False, True)
    }
    nothing: tuple[str, ...] = ()
    for path, analysis in analyses.items():
        every_method = path in install_files
        for source, name, kind in analysis.edges.triples():
            of_kind = resolved[kind, every_method]
            targets = of_kind.get(name)
            if targets is None:
                targets = of_kind[name] = (
                    symbols.targets(Edge(source, name, kind), every_method) or nothing
                )
            for target in targets:
                if target != source:
                    adjacency.setdefault(source, []).append(target)
        analysis.edges.clear()
    return adjacency


def _roots(
    plans: Mapping[str, FilePlan], analyses: Mapping[str, FileAnalysis]
) -> list[tuple[Phase, str]]:
    """The scopes that run without being called, each with the phase it runs in."""
    roots: list[tuple[Phase, str]] = []
    for path, analysis in analyses.items():
        plan = plans[path]
        for scope in analysis.scopes.values():
            if scope.kind is ScopeKind.MODULE:
                roots.append((plan.phase, scope.id))
            elif scope.kind is ScopeKind.MAIN:
                main_phase = Phase.INSTALL if plan.role == "setup-script" else Phase.RUNTIME
                roots.append((main_phase, scope.id))
            elif scope.kind is ScopeKind.FALLBACK:
                roots.append((Phase.RUNTIME, scope.id))
            elif plan.phase is Phase.INSTALL and _is_command(scope.class_bases):
                roots.append((Phase.INSTALL, scope.id))
            elif plan.role == "build-backend" and scope.qualname in BACKEND_HOOKS:
                # an installer calls the hooks of an in-tree backend to build
                roots.append((Phase.INSTALL, scope.id))
    return roots


BACKEND_HOOKS = frozenset({
    "build_wheel", "build_sdist", "build_editable", "get_requires_for_build_wheel",
    "get_requires_for_build_sdist", "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable",
})
"""The functions of a build backend (PEP 517 and 660) that an installer calls to build: in an
in-tree backend (``backend-path``), code that runs at install."""


_ENTRY_POINT = re.compile(r"\s*([\w.]+)\s*(?::\s*([\w.]+))?")


def _takeover_roots(
    targets: Sequence[str], analyses: Mapping[str, FileAnalysis]
) -> list[tuple[Phase, str]]:
    """The module and the function each entry point names, at ``startup``: the command imports
    the module, then calls the function."""
    if not targets:
        return []
    scopes = {scope.id for analysis in analyses.values() for scope in analysis.scopes.values()}
    roots: list[tuple[Phase, str]] = []
    for target in targets:
        found = _ENTRY_POINT.match(target)
        if found is None:
            continue
        module, function = found.group(1), found.group(2)
        for scope in (f"{module}:<module>", f"{module}:{function}" if function else ""):
            if scope in scopes:
                roots.append((Phase.STARTUP, scope))
    return roots
