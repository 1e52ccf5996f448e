"""Finding indicators (threat clues in strings).

One combined regular expression tells cheaply whether a string holds any indicator at all; only
strings that do are matched against each indicator's own pattern, so overlapping clues (a path
that is both a shortcut and an autostart location) are all reported. Endpoints written as
documentation placeholders (runs of one character, ``<token>``, ``{id}``, ``your-...``) are not
endpoints.
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
def _patterns() -> tuple[re.Pattern[str], dict[str, list[tuple[str, re.Pattern[str]]]]]:
    catalog = load_catalog()
    by_hint: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for ind in catalog.indicators.values():
        compiled = re.compile(ind.pattern, re.IGNORECASE)
        for hint in ind.hints:
            by_hint.setdefault(hint, []).append((ind.id, compiled))
    hints = re.compile("|".join(re.escape(h) for h in sorted(by_hint, key=len, reverse=True)))
    return hints, by_hint


def find_indicators(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(indicator id, matched text)`` for every indicator in ``text``."""
    if len(text) < MIN_LENGTH:
        return
    hint_pattern, by_hint = _patterns()
    end = min(len(text), MAX_SCAN)
    lowered = text[:end].lower()
    present = set(hint_pattern.findall(lowered))
    if not present:
        return
    candidates: dict[str, re.Pattern[str]] = {}
    for hint in present:
        for kind, pattern in by_hint[hint]:
            candidates.setdefault(kind, pattern)
    # hints overlap (``paste.`` inside ``pastebin``): check each candidate's other hints too
    for hint, entries in by_hint.items():
        if hint not in present and hint in lowered:
            for kind, pattern in entries:
                candidates.setdefault(kind, pattern)
    for kind, pattern in candidates.items():
        seen: set[str] = set()
        for match in pattern.finditer(text, 0, end):
            value = match.group(0)[:300]
            if value not in seen and not (kind.startswith("endpoint.") and placeholder(value)):
                seen.add(value)
                yield kind, value


_PLACEHOLDER = re.compile(r"(.)\1{7,}|<[^>]*>|\{[^}]*\}|\.\.\.|\byour[-_]?|\bexample\b", re.I)


def placeholder(value: str) -> bool:
    """An address from documentation, not a live one: ``.../services/T00000000/B00000000/XXXX``,
    ``<token>``, ``{id}``, ``your-token``."""
    return _PLACEHOLDER.search(value) is not None
