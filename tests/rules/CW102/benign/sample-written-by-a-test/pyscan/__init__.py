"""Reads Python files and reports the calls that run downloaded code; it never runs them."""
import ast
import pathlib

RISKY = {"exec", "eval"}


def scan(path):
    tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
    return [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RISKY
    ]
