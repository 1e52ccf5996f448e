"""``--format json``: one document ``{"schema": "capwatch.scan/1", "results": [...]}``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from capwatch.model import ScanResult
from capwatch.report.serialize import SCHEMA, result_to_dict

__all__ = ["document", "render"]


def document(results: Sequence[ScanResult]) -> dict[str, Any]:
    """The JSON document as a dict, for callers that embed it rather than print it."""
    return {"schema": SCHEMA, "results": [result_to_dict(r) for r in results]}


def render(results: Sequence[ScanResult]) -> str:
    """The document, indented, ending in a newline.

    ``ensure_ascii`` keeps package-controlled text (C1 controls, bidi overrides) escaped, so the
    output is safe to print to a terminal as well as to parse.
    """
    return json.dumps(document(results), indent=2, ensure_ascii=True, allow_nan=False) + "\n"
