"""Finding indicators (threat clues in strings) with one combined regular expression."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from capwatch.capabilities.catalog import load_catalog

MAX_SCAN = 256 * 1024
"""Only the first part of a very long string is scanned for indicators."""
MIN_LENGTH = 6


@functools.cache
def _combined() -> tuple[re.Pattern[str], dict[str, str]]:
    catalog = load_catalog()
    groups: dict[str, str] = {}
    parts = []
    for index, ind in enumerate(catalog.indicators.values()):
        group = f"i{index}"
        groups[group] = ind.id
        parts.append(f"(?P<{group}>{ind.pattern})")
    return re.compile("|".join(parts), re.IGNORECASE), groups


def find_indicators(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(indicator id, matched text)`` for every indicator in ``text``."""
    if len(text) < MIN_LENGTH:
        return
    pattern, groups = _combined()
    for match in pattern.finditer(text, 0, min(len(text), MAX_SCAN)):
        group = match.lastgroup
        if group is not None:
            yield groups[group], match.group(0)[:300]
