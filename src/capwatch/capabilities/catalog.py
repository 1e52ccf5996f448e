"""The capability catalogue (``catalog.toml``) and the matching of API names to capabilities."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class CapabilityDef:
    id: str
    description: str
    attack: str | None
    apis: dict[str, tuple[str, ...]]
    """Language name to the API patterns that give this capability."""


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    id: str
    description: str
    pattern: str
    hints: tuple[str, ...]
    """Lowercase substrings, one of which every match contains (a cheap prefilter)."""


@dataclass(frozen=True, slots=True)
class Catalog:
    capabilities: dict[str, CapabilityDef]
    indicators: dict[str, IndicatorDef]

    def matcher(self, language: str) -> ApiMatcher:
        return _matcher(language)


class ApiMatcher:
    """Maps qualified names of one language to capability ids (exact names and ``mod.*``)."""

    def __init__(self, catalog: Catalog, language: str) -> None:
        self.exact: dict[str, tuple[str, ...]] = {}
        prefixes: dict[str, list[str]] = {}
        for cap in catalog.capabilities.values():
            for pattern in cap.apis.get(language, ()):
                if pattern.endswith(".*"):
                    prefixes.setdefault(pattern[:-1], []).append(cap.id)
                else:
                    self.exact[pattern] = (*self.exact.get(pattern, ()), cap.id)
        self.prefixes = {k: tuple(v) for k, v in prefixes.items()}

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one matcher per process, names repeat
    def match(self, name: str) -> tuple[str, ...]:
        found = self.exact.get(name, ())
        for prefix, caps in self.prefixes.items():
            if name.startswith(prefix):
                found = (*found, *caps)
        return found


@functools.cache
def load_catalog() -> Catalog:
    data = tomllib.loads(
        resources.files("capwatch.capabilities").joinpath("catalog.toml").read_text("utf-8")
    )
    caps: dict[str, CapabilityDef] = {}
    for cap_id, entry in data.get("capability", {}).items():
        apis = {
            lang: tuple(entry[lang])
            for lang in ("python", "javascript", "shell")
            if lang in entry
        }
        caps[cap_id] = CapabilityDef(cap_id, entry["description"], entry.get("attack"), apis)
    indicators: dict[str, IndicatorDef] = {}
    for ind_id, entry in data.get("indicator", {}).items():
        re.compile(entry["pattern"])  # fail loudly at load time on a bad pattern
        hints = tuple(h.lower() for h in entry.get("hints", ()))
        if not hints:
            raise ValueError(f"indicator {ind_id} needs hints")
        indicators[ind_id] = IndicatorDef(ind_id, entry["description"], entry["pattern"], hints)
    return Catalog(caps, indicators)


@functools.cache
def _matcher(language: str) -> ApiMatcher:
    return ApiMatcher(load_catalog(), language)
