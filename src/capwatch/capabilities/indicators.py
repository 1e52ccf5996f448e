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


PROSE_MIN = 160
"""Shorter texts are never taken for prose: a path or a command line is short."""
_PROSE_SAMPLE = 4096
_PROSE_WORD = re.compile(r"[A-Za-z][a-z']+")
_SENTENCE_END = re.compile(r"[a-z)][.!?](?=\s|$)")
_CODE_LINE = re.compile(r"[;{}|&$=]|>>|\bimport\b|\bdef\b|\w\(")
_PROSE_WORDS_MIN = 20
_PROSE_SENTENCES_MIN = 2
_PROSE_SHARE = 0.6
_CODE_LINES_MAX = 0.25


def reads_as_prose(text: str) -> bool:
    """Whether ``text`` is written for people: sentences of words, such as a command's help or
    a message assembled before it is shown. What it names (``add this line to your ~/.bashrc``,
    ``see https://pastebin.com/...``) is mentioned, not used, as in a string handed to ``print``.

    The test, on the first 4,096 characters: at least 160 characters and 20 words, words and
    the spaces between them at least 60% of the text, at least two sentences ended by ``.``,
    ``!`` or ``?`` after a word, and at most a quarter of the lines that are not blank marked
    as code (``;``, braces, ``|``, ``&``, ``$``, ``=``, ``>>``, a call, ``import``,
    ``def``): the example command a help text shows passes; a script, a configuration file or
    a program's source fails, even with comments in English.
    """
    if len(text) < PROSE_MIN:
        return False
    sample = text[:_PROSE_SAMPLE]
    words = _PROSE_WORD.findall(sample)
    if len(words) < _PROSE_WORDS_MIN:
        return False
    if sum(map(len, words)) + len(words) < _PROSE_SHARE * len(sample):
        return False
    if len(_SENTENCE_END.findall(sample)) < _PROSE_SENTENCES_MIN:
        return False
    lines = [line for line in sample.splitlines() if line.strip()]
    code = sum(1 for line in lines if _CODE_LINE.search(line))
    return code <= _CODE_LINES_MAX * len(lines)
