"""Finding indicators (threat clues in strings).

One combined regular expression tells cheaply whether a string holds any indicator at all; only
strings that do are matched against each indicator's own pattern, so overlapping clues (a path
that is both a shortcut and an autostart location) are all reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from capwatch.capabilities.catalog import load_catalog

MAX_SCAN = 256 * 1024
"""Only the first part of a very long string is scanned for indicators."""
MIN_LENGTH = 6


@functools.cache
def _patterns() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    catalog = load_catalog()
    each = tuple(
        (ind.id, re.compile(ind.pattern, re.IGNORECASE)) for ind in catalog.indicators.values()
    )
    combined = re.compile(
        "|".join(f"(?:{ind.pattern})" for ind in catalog.indicators.values()), re.IGNORECASE
    )
    return combined, each


def find_indicators(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(indicator id, matched text)`` for every indicator in ``text``."""
    if len(text) < MIN_LENGTH:
        return
    combined, each = _patterns()
    end = min(len(text), MAX_SCAN)
    if combined.search(text, 0, end) is None:
        return
    for kind, pattern in each:
        seen: set[str] = set()
        for match in pattern.finditer(text, 0, end):
            value = match.group(0)[:300]
            if value not in seen:
                seen.add(value)
                yield kind, value
