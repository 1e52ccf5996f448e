"""Capability drift between two releases of one project (``capwatch diff``, ``scan --previous``).

:func:`drift_between` compares two :class:`~capwatch.model.ScanResult` (fresh, or rebuilt from
stored ``capwatch.scan/1`` JSON with ``result_from_dict``) and returns a :class:`Drift`: the
capabilities added and removed per phase, install and start-up hooks added, removed or changed,
code files added and removed, dependencies and metadata that changed, and the findings of the
drift rules. Nothing is rescanned: everything comes from the results' ``inventory`` and
``metadata``.
"""

from __future__ import annotations

from capwatch.drift.model import (
    CapabilityChange,
    Change,
    DependencyChange,
    Drift,
    FileChange,
    HookChange,
    MetadataChange,
    MetadataField,
)
from capwatch.model import ScanResult

__all__ = [
    "CapabilityChange",
    "Change",
    "DependencyChange",
    "Drift",
    "FileChange",
    "HookChange",
    "MetadataChange",
    "MetadataField",
    "drift_between",
]


def drift_between(old: ScanResult, new: ScanResult) -> Drift:
    """What changed from ``old`` to ``new``, with the drift rules' findings and their verdict."""
    from capwatch.drift.compare import compare

    return compare(old, new)
