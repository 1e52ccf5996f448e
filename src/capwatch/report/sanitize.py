"""Make package-controlled text safe to show on a terminal.

Everything that comes out of an artifact (names, versions, paths, snippets, decoded payloads,
error messages that quote them) is written by whoever uploaded it. Printed raw, an escape
sequence in a snippet could clear the screen, rewrite earlier lines (``\\r``, cursor movement),
retitle the window, plant a hyperlink, or reorder text with bidi overrides ("Trojan Source") and
so hide the very code the reviewer is looking at.

:func:`sanitize` does not delete such characters, it makes them *visible*: each one becomes its
Python-style escape (``\\x1b``, ``\\r``, ``\\u202e``), so ``ESC [2J`` reads ``\\x1b[2J``. What is
left is ordinary printable text plus ``\\n`` and ``\\t``. Hiding them would hide a signal; a
reviewer wants to know a payload tries to clear their terminal.

Rich *markup* is a separate concern. The text report never passes untrusted text through the
markup parser at all (it builds :class:`rich.text.Text` objects), so ``[red]`` in a snippet is
printed as ``[red]``. Code that does compose markup strings (``console.print(f"[b]{name}[/b]")``)
must use :func:`escape_markup`, not bare :func:`rich.markup.escape`: the latter leaves a text that
ends in two or more backslashes able to eat the closing tag that follows it.
"""

from __future__ import annotations

import re

from rich.markup import escape

__all__ = ["escape_markup", "sanitize"]

# C0 controls except TAB (09) and LF (0a); DEL; C1 controls (0x80-0x9f, which include the 8-bit
# CSI 0x9b and NEL 0x85); Unicode line/paragraph separators; bidi embedding, override and
# isolate controls and the implicit direction marks; lone surrogates (file names that were not
# valid UTF-8, decoded with surrogateescape), which cannot even be encoded for output.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)

_NAMED = {"\r": "\\r", "\x0b": "\\v", "\x0c": "\\f", "\x08": "\\b", "\x00": "\\0"}


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sanitize(text: str) -> str:
    """Return ``text`` with every terminal control character replaced by a visible escape.

    ``\\n`` and ``\\t`` are kept. A backslash already in the text is left alone, so the result is
    for reading, not for reversing.
    """
    return _UNSAFE.sub(_visible, text)


def escape_markup(text: str) -> str:
    """``sanitize(text)`` made safe to interpolate into a Rich markup string.

    This is :func:`rich.markup.escape` plus a fix for trailing backslashes. Rich reads ``2n``
    backslashes before a tag as ``n`` literal ones and an odd count as escaping the tag, so a text
    ending in a run of ``n`` backslashes needs ``2n`` to leave the following tag intact;
    ``escape`` only handles ``n == 1``.
    """
    clean = sanitize(text)
    trailing = len(clean) - len(clean.rstrip("\\"))
    escaped = escape(clean)
    if trailing:
        escaped = escaped.rstrip("\\") + "\\" * (2 * trailing)
    return escaped
