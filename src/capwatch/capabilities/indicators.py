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
from collections.abc import Iterable, Iterator
from typing import Any

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
    return re.compile(_trie_pattern(by_hint)), by_hint


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of ``words``, the longest one where several start at
    the same place, written as a trie (``paste(?:\\.|bin)``): the engine tries a few
    branches per character instead of every word, several times faster on the many strings of
    ordinary code. It finds what the plain alternation of the words, longest first, finds."""
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(char) + _trie_node(child) for char, child in sorted(node.items()) if char]
    ends = "" in node
    if not branches:
        return ""
    if len(branches) == 1 and not ends:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    # a word ending here is the shorter match: the longer ones (the group) are tried first
    return group + "?" if ends else group


def find_indicators(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(indicator id, matched text)`` for every indicator in ``text``."""
    if len(text) < MIN_LENGTH:
        return
    hint_pattern, by_hint = _patterns()
    end = min(len(text), MAX_SCAN)
    lowered = text[:end].lower()
    # in the order found, so that indicators (and the messages that quote the first) do not
    # depend on the interpreter's hash seed
    present = dict.fromkeys(hint_pattern.findall(lowered))
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
