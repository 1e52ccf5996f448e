"""Deriving malware families when a corpus does not name them: group near-duplicate artifacts.

Malware campaigns upload the same code under many names, changing only strings (the package
name, a URL, a token) and identifiers. Two artifacts fall in one derived family when the *shape*
of their code is the same: the syntax tree of the root ``setup.py`` with every constant and every
author-chosen name blanked (variables, arguments, function and class names, import aliases).
Attribute names, imported modules and keyword names stay, since they say which APIs the code
uses. An artifact with no root ``setup.py`` (a wheel) is shaped by all of its ``.py`` files
together, in an order that does not depend on their paths.

Everything is read in memory through :func:`capwatch.artifact.open_artifact`: nothing is
extracted, and ``ast.parse`` only parses. The family id says how it was derived:
``setup:<hash>``, ``py:<hash>``, ``raw:<hash>`` (a ``setup.py`` that does not parse: its bytes)
or ``file:<hash>`` (nothing to shape: the artifact's own bytes, a family of its own).
"""

from __future__ import annotations

import ast
import hashlib
import warnings

from capwatch.artifact import MemberKind, open_artifact
from capwatch.artifact.members import NESTED_SEPARATOR
from capwatch.config import Limits
from capwatch.errors import CapwatchError

HASH_LENGTH = 16
MAX_PY_FILES = 200
"""Most ``.py`` files shaped for an artifact without ``setup.py``."""


class _Blank(ast.NodeTransformer):
    """Blank constants and author-chosen names, keep structure and API names."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant(value=None)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = "_"
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        self.generic_visit(node)
        node.arg = "_"
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        node.name = "_"
        return node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        self.generic_visit(node)
        node.name = "_"
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.generic_visit(node)
        node.name = "_"
        return node

    def visit_alias(self, node: ast.alias) -> ast.AST:
        if node.asname is not None:
            node.asname = "_"
        return node

    def visit_Global(self, node: ast.Global) -> ast.AST:
        node.names = ["_"] * len(node.names)
        return node

    def visit_Nonlocal(self, node: ast.Nonlocal) -> ast.AST:
        node.names = ["_"] * len(node.names)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        self.generic_visit(node)
        if node.name is not None:
            node.name = "_"
        return node


def shape_of(source: bytes) -> str | None:
    """The blanked syntax tree of ``source`` as text, or ``None`` if it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
        blanked = _Blank().visit(tree)
        return ast.dump(blanked, annotate_fields=False, include_attributes=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def _is_root_setup(path: str) -> bool:
    if NESTED_SEPARATOR in path:
        return False
    parts = path.split("/")
    return parts[-1] == "setup.py" and len(parts) <= 2


def derive_family(data: bytes, display: str, limits: Limits | None = None) -> str:
    """A family id for the artifact ``data``: equal for near-duplicates (see the module doc)."""
    try:
        archive = open_artifact(data, display, limits or Limits())
        files = [m for m in archive.members if m.kind is MemberKind.FILE]
        setups = sorted((m for m in files if _is_root_setup(m.path)), key=lambda m: len(m.path))
        if setups:
            content = archive.read(setups[0])
            shape = shape_of(content)
            if shape is not None:
                return "setup:" + _digest(shape.encode())
            return "raw:" + _digest(content)
        shapes: list[str] = []
        for member in files:
            if not member.path.endswith(".py") or len(shapes) >= MAX_PY_FILES:
                continue
            try:
                content = archive.read(member)
            except CapwatchError:
                continue
            shape = shape_of(content)
            shapes.append(shape if shape is not None else "raw:" + _digest(content))
        if shapes:
            return "py:" + _digest("\n".join(sorted(shapes)).encode())
    except (CapwatchError, RecursionError, MemoryError):
        pass
    return "file:" + _digest(data)
