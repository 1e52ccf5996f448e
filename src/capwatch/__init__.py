"""capwatch: static capability analysis and malware review for package registry uploads.

The public API is small: :func:`scan_path` and :func:`scan_bytes` turn an artifact into a
:class:`ScanResult`; :class:`Limits` bounds the work; the model types describe the result.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("capwatch")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

from capwatch.config import Limits
from capwatch.engine import ScanOptions, scan_bytes, scan_path
from capwatch.model import (
    Finding,
    Phase,
    ScanResult,
    Severity,
    Verdict,
)

__all__ = [
    "Finding",
    "Limits",
    "Phase",
    "ScanOptions",
    "ScanResult",
    "Severity",
    "Verdict",
    "__version__",
    "scan_bytes",
    "scan_path",
]
