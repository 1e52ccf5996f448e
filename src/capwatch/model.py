"""The vocabulary of capwatch as frozen dataclasses and enums.

Everything the pipeline passes between stages is defined here: an artifact's identity, the facts a
language front end extracts, the capabilities and indicators derived from them, the findings rules
draw, and the verdict. Nothing here does I/O.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Ecosystem(enum.Enum):
    PYPI = "pypi"
    NPM = "npm"
    UNKNOWN = "unknown"


class ArtifactKind(enum.Enum):
    SDIST = "sdist"
    WHEEL = "wheel"
    EGG = "egg"
    NPM_TARBALL = "npm-tarball"
    SOURCE = "source"
    """A single source file or an archive whose layout matches no known package format."""
    UNKNOWN = "unknown"


class Phase(enum.IntEnum):
    """When code runs for the person who installs the package. Lower runs earlier and is riskier."""

    INSTALL = 0
    STARTUP = 1
    IMPORT = 2
    RUNTIME = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Confidence(enum.IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class Verdict(enum.IntEnum):
    """Ordered so that ``max`` gives the worse verdict; ``ERROR`` stands apart from the order."""

    CLEAN = 0
    SUSPICIOUS = 1
    MALICIOUS = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class FactKind(enum.Enum):
    CALL = "call"
    """A call of a resolved qualified name, e.g. ``subprocess.Popen``."""
    REFERENCE = "reference"
    """A resolved name used without a call, e.g. ``os.environ`` or a function passed as a value."""
    IMPORT = "import"
    """A module imported, e.g. ``socket``."""
    LITERAL = "literal"
    """A string constant, after constant folding."""
    DECODED = "decoded"
    """A payload the scanner decoded statically; ``value`` is the decoded text."""


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing a front end saw in source code."""

    kind: FactKind
    name: str
    """Qualified name for calls, references and imports; empty for literals and payloads."""
    location: Location
    scope: str
    """The function (``module:Class.method``) or module (``module:<module>``) the fact sits in."""
    value: str | None = None
    """Literal text, or decoded payload text."""
    args: tuple[str, ...] = ()
    """Constant string arguments of a call, folded, for indicators (URLs, commands, paths)."""
    decode_chain: tuple[str, ...] = ()
    """For facts found inside decoded payloads: the decoders applied, in the order applied."""
    snippet: str = ""
    binding: str | None = None
    """Set when the fact sits in the value of a module-level ``NAME = ...``: the scope id of that
    constant, whose phase is that of the code that reads ``NAME`` (a path constant used only by a
    function called at run time is a run-time clue, not an import-time one)."""
    inner: tuple[str, ...] = ()
    """For calls: qualified names of the calls nested in its arguments (``exec(urlopen(u).read())``
    gives ``("urllib.request.urlopen",)``), which is how data flows from one API into another."""


@dataclass(frozen=True, slots=True)
class ArtifactInfo:
    path: str
    sha256: str
    size: int
    ecosystem: Ecosystem = Ecosystem.UNKNOWN
    name: str | None = None
    version: str | None = None
    kind: ArtifactKind = ArtifactKind.UNKNOWN
    container: str = "unknown"
    """The container format detected from content: ``tar.gz``, ``tar.xz``, ``zip``, ``file``..."""


@dataclass(frozen=True, slots=True)
class CapabilityUse:
    """One place where code exercises a capability, with the phase in which it runs."""

    capability: str
    phase: Phase
    location: Location
    via: str
    """The API or pattern that gave the capability, e.g. ``subprocess.Popen``."""
    scope: str
    decode_chain: tuple[str, ...] = ()
    snippet: str = ""
    args: tuple[str, ...] = ()
    """Constant arguments of the call, folded (empty when none could be folded)."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A threat clue that is not a capability: an exfiltration endpoint, a shell pipeline, ..."""

    kind: str
    """Stable id from the indicator catalogue, e.g. ``endpoint.webhook``."""
    value: str
    phase: Phase
    location: Location
    decode_chain: tuple[str, ...] = ()
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    location: Location
    snippet: str = ""
    decode_chain: tuple[str, ...] = ()
    decoded: str | None = None
    """Decoded payload text shown to the reviewer (truncated)."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    """Stable rule id, e.g. ``CW1001``."""
    title: str
    severity: Severity
    confidence: Confidence
    phase: Phase | None
    message: str
    capabilities: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def location(self) -> Location | None:
        return self.evidence[0].location if self.evidence else None


@dataclass(frozen=True, slots=True)
class CapabilitySummary:
    id: str
    phase: Phase
    count: int


@dataclass(frozen=True, slots=True)
class ScanResult:
    artifact: ArtifactInfo
    verdict: Verdict
    score: float
    findings: tuple[Finding, ...] = ()
    capabilities: tuple[CapabilitySummary, ...] = ()
    error: str | None = None
    duration_ms: float = 0.0
    files_scanned: int = 0
    stats: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
