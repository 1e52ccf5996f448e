"""What changed between two releases of one project, as plain frozen data.

:func:`capwatch.drift.drift_between` builds a :class:`Drift` from two scan results; the drift rules
(``RuleKind.DRIFT`` in :mod:`capwatch.rules`) turn it into findings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from capwatch.model import (
    ArtifactInfo,
    CapabilitySite,
    CodeFile,
    Finding,
    Hook,
    Phase,
    Verdict,
)


class Change(enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class MetadataField(enum.Enum):
    """Metadata whose change is worth a reviewer's eye (who controls the project, where it
    points, what it says it is)."""

    AUTHOR_EMAIL = "author_email"
    MAINTAINER_EMAIL = "maintainer_email"
    HOME_PAGE = "home_page"
    PROJECT_URLS = "project_urls"
    SUMMARY = "summary"
    DESCRIPTION = "description"


@dataclass(frozen=True, slots=True)
class CapabilityChange:
    capability: str
    phase: Phase
    change: Change
    """``added``: used in this phase now and not before; ``removed``: the reverse."""
    old_count: int
    new_count: int
    earliest_before: Phase | None
    """The earliest phase the old release used the capability in (``None``: not at all)."""
    sites: tuple[CapabilitySite, ...] = ()
    """Where the new release uses it in this phase (for ``added``), or the old one did."""


@dataclass(frozen=True, slots=True)
class HookChange:
    change: Change
    hook: Hook
    """The hook as it is now (for ``removed``: as it was)."""
    previous: Hook | None = None
    """For ``changed``: the hook as it was."""


@dataclass(frozen=True, slots=True)
class FileChange:
    change: Change
    file: CodeFile
    capabilities: tuple[str, ...] = ()
    """Capabilities the new file uses in an early phase (install, startup, import)."""


@dataclass(frozen=True, slots=True)
class DependencyChange:
    change: Change
    name: str
    """Normalised project name."""
    old: str = ""
    """The requirement as the old release wrote it."""
    new: str = ""


@dataclass(frozen=True, slots=True)
class MetadataChange:
    field: MetadataField
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Drift:
    old: ArtifactInfo
    new: ArtifactInfo
    established: bool
    """The old release was read and not judged malicious: the project had a trusted state."""
    capabilities: tuple[CapabilityChange, ...] = ()
    hooks: tuple[HookChange, ...] = ()
    files: tuple[FileChange, ...] = ()
    dependencies: tuple[DependencyChange, ...] = ()
    metadata: tuple[MetadataChange, ...] = ()
    findings: tuple[Finding, ...] = ()
    verdict: Verdict = Verdict.CLEAN
    """The verdict of the drift findings alone (``error`` when a release could not be read)."""
    score: float = 0.0
    notes: tuple[str, ...] = ()
    """Caveats for the reader: a release without inventory, releases of different projects..."""
