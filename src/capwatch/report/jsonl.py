"""``--format jsonl``: one ``capwatch.scan/1`` result object per line, printable as each finishes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from capwatch.model import ScanResult
from capwatch.report.serialize import SCHEMA, result_to_dict

__all__ = ["render", "stream_line"]


def stream_line(result: ScanResult) -> str:
    """One result as a single line of JSON, *without* the trailing newline.

    The object starts with ``"schema"`` and then carries the fields of
    :func:`~capwatch.report.serialize.result_to_dict`. Compact separators and ``ensure_ascii``
    guarantee there is no raw newline (or U+2028) inside, so ``print(stream_line(r))`` writes
    exactly one line.
    """
    obj = {"schema": SCHEMA, **result_to_dict(result)}
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def render(results: Sequence[ScanResult]) -> str:
    """All results, one line each, every line ending in a newline (empty for no results)."""
    return "".join(stream_line(r) + "\n" for r in results)
