"""Rules over capability profiles. Every module here defines one rule; they are found, not listed."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from capwatch.rules.base import Rule, RuleKind

__all__ = ["Rule", "RuleKind", "all_rules"]


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """One instance of every rule in this package, ordered by id."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
            ):
                if value.id in found:
                    raise RuntimeError(f"duplicate rule id {value.id}")
                found[value.id] = value
    return tuple(found[k]() for k in sorted(found))
