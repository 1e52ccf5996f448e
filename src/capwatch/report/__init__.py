"""Output formats for scan results, one module per format.

* ``text`` (:mod:`capwatch.report.text`): the human report, Rich, optionally coloured;
* ``json`` (:mod:`capwatch.report.json_format`): one ``capwatch.scan/1`` document;
* ``jsonl`` (:mod:`capwatch.report.jsonl`): one result per line, streamable with :func:`stream_line`;
* ``sarif`` (:mod:`capwatch.report.sarif`): SARIF 2.1.0 for code-scanning dashboards.

:mod:`capwatch.report.serialize` is the single definition of the JSON shape of a result, shared by
json, jsonl and the web service. ``docs/output.md`` documents every format.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import assert_never

from capwatch.model import ScanResult
from capwatch.report import json_format, jsonl, sarif, text
from capwatch.report.jsonl import stream_line
from capwatch.report.sanitize import escape_markup, sanitize
from capwatch.report.serialize import SCHEMA, result_from_dict, result_to_dict
from capwatch.report.summary import summary

__all__ = [
    "SCHEMA",
    "OutputFormat",
    "escape_markup",
    "render",
    "result_from_dict",
    "result_to_dict",
    "sanitize",
    "stream_line",
    "summary",
]


class OutputFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    SARIF = "sarif"


def render(
    results: Sequence[ScanResult],
    fmt: OutputFormat,
    *,
    color: bool,
    verbose: bool,
    width: int | None = None,
) -> str:
    """Render ``results`` in ``fmt``; the string ends in a newline, or is empty.

    Write it as is (``sys.stdout.write``), not with ``print``. ``color``, ``verbose`` and
    ``width`` only affect ``text``; the machine formats always carry everything.
    """
    match fmt:
        case OutputFormat.TEXT:
            return text.render(results, color=color, verbose=verbose, width=width)
        case OutputFormat.JSON:
            return json_format.render(results)
        case OutputFormat.JSONL:
            return jsonl.render(results)
        case OutputFormat.SARIF:
            return sarif.render(results)
        case _:
            assert_never(fmt)
