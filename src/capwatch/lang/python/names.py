"""Resolving Python expressions to qualified names.

``import subprocess as sp; sp.Popen`` is ``subprocess.Popen``; ``from os import system as s; s``
is ``os.system``; ``__import__("os").system``, ``importlib.import_module("os").system`` and
``getattr(os, "sys" + "tem")`` are ``os.system`` too. Builtins keep their bare names (``exec``),
including when reached through ``builtins``, ``__builtins__`` or ``globals()``.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable

BUILTIN_NAMES = frozenset(dir(builtins)) | {"__builtins__"}
_BUILTIN_HOLDERS = frozenset({"builtins", "__builtins__", "__builtin__"})
IMPORTERS = frozenset({"__import__", "importlib.import_module", "importlib.__import__"})
"""Calls that import the module a string names."""


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module named by a relative import in ``module``."""
    parts = module.split(".") if module else []
    if not is_package and parts:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: max(len(parts) - (level - 1), 0)]
    if target:
        parts.append(target)
    return ".".join(parts)


class NameTable:
    """Module-wide aliases: what each local name stands for.

    Built in one pass over every import and simple alias assignment in the file, at any depth,
    so ``import os`` inside a function still resolves ``os.system`` there. Order is ignored:
    malware that rebinds one name to two different modules is rare, and the last binding wins.
    """

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.aliases: dict[str, str] = {}
        self.local_defs: set[str] = set()
        self.imported_modules: list[tuple[str, ast.stmt]] = []
        self.returns: dict[str, ast.expr] = {}
        """Top-level functions without parameters that only hand back a name (``def get():
        from subprocess import check_output as co; return co``): what a call returns."""

    def add_getter(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Remember a function whose body, imports and docstring aside, is ``return name``."""
        if node.args.args or node.args.posonlyargs or node.args.kwonlyargs or node.args.vararg:
            return
        body = [
            stmt for stmt in node.body
            if not isinstance(stmt, ast.Import | ast.ImportFrom | ast.Pass)
            and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        ]
        if len(body) == 1 and isinstance(body[0], ast.Return):
            value = body[0].value
            if isinstance(value, ast.Name | ast.Attribute):
                self.returns[node.name] = value

    def add_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    self.aliases[root] = root
                self.imported_modules.append((alias.name, node))
            return
        base = (
            resolve_relative(self.module, self.is_package, node.level, node.module)
            if node.level
            else (node.module or "")
        )
        for alias in node.names:
            if alias.name == "*":
                self.imported_modules.append((base, node))
                continue
            full = f"{base}.{alias.name}" if base else alias.name
            self.aliases[alias.asname or alias.name] = full
            self.imported_modules.append((full, node))


_BUILTIN_NAMES = frozenset(dir(builtins))
_UNIMPORTED_MODULES = frozenset({
    "os", "subprocess", "urllib", "base64", "zlib", "marshal", "ctypes", "shutil", "platform",
    "getpass",
})
"""Standard modules that code may name without importing them: a payload written for a host
that imports them (``exec`` runs among its globals), or a copy that lost its import line. The
name means the module all the same: what the code tries to do is what a reviewer needs to see.
Names that code often binds to other things (``socket``, ``json``) are left out."""


class Resolver:
    """Resolve expressions against a :class:`NameTable`, with a hook to fold constants."""

    def __init__(self, table: NameTable, const_str: Callable[[ast.expr], str | None]) -> None:
        self.table = table
        self.const_str = const_str
        self.assigned: dict[str, str] = {}
        """Names bound to a resolvable expression: ``run = os.system`` maps ``run``."""

    def resolve(self, node: ast.expr, depth: int = 0) -> str | None:
        if depth > 64:
            return None
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value, depth + 1)
            if base is None:
                return None
            if base in _BUILTIN_HOLDERS:
                return node.attr
            return f"{base}.{node.attr}"
        if isinstance(node, ast.Call):
            return self._call_result(node, depth)
        if isinstance(node, ast.Subscript):
            # __builtins__["exec"], globals()["eval"], vars(builtins)["exec"]
            holder = self.resolve(node.value, depth + 1)
            if holder in {"__builtins__", "builtins", "globals", "vars", "locals", "__dict__"} or (
                holder is not None and holder.endswith("__dict__")
            ):
                key = self.const_str(node.slice)
                if key is not None and key.isidentifier():
                    return key
        return None

    def _name(self, name: str) -> str | None:
        if name in self.table.aliases:
            return self.table.aliases[name]
        if name in self.assigned:
            return self.assigned[name]
        if name in self.table.local_defs:
            return f"{self.table.module}.{name}" if self.table.module else name
        if name in BUILTIN_NAMES or name in _UNIMPORTED_MODULES:
            return name
        return None

    def _call_result(self, node: ast.Call, depth: int) -> str | None:
        """Names that a call evaluates to: imports by string, getattr, globals(), and what a
        getter of the file returns (:meth:`NameTable.add_getter`)."""
        if isinstance(node.func, ast.Name) and not node.args and not node.keywords:
            returned = self.table.returns.get(node.func.id)
            if returned is not None:
                return self.resolve(returned, depth + 1)
        func = self.resolve(node.func, depth + 1)
        if func in IMPORTERS and node.args:
            target = self.const_str(node.args[0])
            if target is None or not all(p.isidentifier() for p in target.split(".")):
                return None
            if func != "importlib.import_module" and not _has_fromlist(node):
                # ``__import__("urllib.request")`` returns the top package, ``urllib``
                return target.split(".")[0]
            return target
        if func == "getattr" and len(node.args) >= 2:
            base = self.resolve(node.args[0], depth + 1)
            attr = self.const_str(node.args[1])
            if base is not None and attr is not None and attr.isidentifier():
                return attr if base in _BUILTIN_HOLDERS else f"{base}.{attr}"
            return None
        if func == "eval" and len(node.args) == 1:
            # ``f = eval("exec")``: evaluating a builtin's name gives the builtin
            named = self.const_str(node.args[0])
            if named is not None and named.strip() in _BUILTIN_NAMES:
                return named.strip()
            return None
        if func in {"globals", "locals", "vars"} and not node.args:
            return "globals"
        if func == "vars" and node.args:
            inner = self.resolve(node.args[0], depth + 1)
            if inner in _BUILTIN_HOLDERS:
                return "builtins"
        return None


def _has_fromlist(node: ast.Call) -> bool:
    """Whether an ``__import__`` call asks for names from the module (``fromlist``), which
    makes it return the module itself rather than its top-level package."""
    given = node.args[3] if len(node.args) > 3 else next(
        (k.value for k in node.keywords if k.arg == "fromlist"), None
    )
    if given is None:
        return False
    if isinstance(given, ast.Constant):
        return bool(given.value)
    if isinstance(given, (ast.Tuple, ast.List)):
        return bool(given.elts)
    return True
