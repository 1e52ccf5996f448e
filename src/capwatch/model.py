"""The vocabulary of capwatch as frozen dataclasses and enums.

Everything the pipeline passes between stages is defined here: an artifact's identity, the facts a
language front end extracts, the capabilities and indicators derived from them, the findings rules
draw, and the verdict. Nothing here does I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
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
    # Members are singletons, equal only to themselves: hashed by identity, in C (``Enum`` hashes
    # the member's name in Python, and facts and edges are grouped by kind once each per scan).
    __hash__ = object.__hash__

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
    EMBEDDED = "embedded"
    """A native executable held in a literal (base64, hex or raw bytes); ``name`` is its format
    (``PE``, ``ELF``, ``Mach-O``) and ``value`` describes it."""
    OPAQUE = "opaque"
    """Module-level code that hands an encrypted-looking bytes blob (high entropy, nothing the
    scanner can decode) straight to a function: code shipped so that nobody can read it, run by
    a runtime. ``name`` is the function called and ``value`` describes the blob."""
    OFFSCREEN = "offscreen"
    """A statement written far to the right of another on the same line
    (``setup()``, a long run of spaces, then ``;run(payload)``): code placed where an editor or a
    review page does not show it. ``name`` is the first call the hidden statement makes (empty
    when it makes none), ``value`` says how far right it starts and ``snippet`` is its text."""
    UNREAD_REPLY = "unread-reply"
    """A request whose reply the code never reads: the call is a statement of its own
    (``urlopen(url)``), or its result is bound to a name nothing in the function reads again.
    Only the request itself tells anything: it is a message to the server. ``name`` is the
    request call and ``args`` its folded arguments, as on the call fact."""
    DISGUISED_EXECUTABLE = "disguised-executable"
    """A file named as source (``utilities.py``) whose bytes are a native executable, as they
    stand or encrypted with a one-byte XOR key. ``name`` is the format, ``value`` says how it is
    hidden; ``decode_chain`` is ``("xor",)`` when encrypted."""
    SECRET_SENT = "secret-sent"
    """A request whose arguments are built from values named as secrets (``secret_key``,
    ``self.password``, ``api_token``), read straight or through a name bound once to them.
    ``name`` is the request call, ``args`` the secret names, sorted."""
    PATCHED = "patched"
    """A function of another package replaced, in a module's top-level code, by one of the
    module's own (``Keypair.from_bytes = staticmethod(_hook)``): every call of it now runs the
    package's function. ``name`` is what was replaced and ``value`` the scope id of the
    function put in its place."""
    SILENCED = "silenced"
    """A ``try`` whose every handler catches any error and does nothing with it (``except:
    pass``, ``except Exception: return None``, a constant printed): whatever fails in its body
    fails unseen. ``location`` is the ``try`` and ``value`` the last line of its body, as text;
    in a decoded payload, where every fact sits at the payload's line, both are that line."""


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(slots=True, unsafe_hash=True)
class Fact:
    """One thing a front end saw in source code. Treated as immutable once made.

    Not ``frozen``: the front end makes thousands per file, and a frozen dataclass's
    ``__init__`` (one ``object.__setattr__`` per field) costs three times a plain one.
    ``unsafe_hash`` keeps the hash and equality a frozen one has."""

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
    """For exec, process and request calls: qualified names of the calls nested in its arguments
    (``exec(urlopen(u).read())`` gives ``("urllib.request.urlopen",)``), which is how data flows
    from one API into another."""
    sources: tuple[str, ...] = ()
    """For exec, process and request calls: the calls that feed its arguments through names
    (``body = urlopen(u).read(); exec(body)``, ``with urlopen(u) as r: exec(r.read())``): where
    the data came from, one step removed, so weaker evidence of how it was built than ``inner``."""


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
    scope: str = ""
    """The scope whose code holds the clue (``module:function``)."""
    holder: str = ""
    """For a clue in the value of a module-level ``NAME = ...``, that name's scope
    (``module:=NAME``); the clue has the phase of the code that reads ``NAME`` (``HOOK =
    "https://..."`` in a settings module the sender imports)."""

    @property
    def constant(self) -> bool:
        """The clue sits in a module-level name's value (:attr:`holder`)."""
        return bool(self.holder)


_REPEATED_BLOCK = 4
"""Longest run of decoders :func:`chain_text` recognises as repeated."""


def chain_text(chain: Sequence[str]) -> str:
    """A decode chain for people: ``a -> b``, a block of steps repeated three times or more
    written once with its count (``(base64.b64decode -> zlib.decompress) x50``)."""
    parts: list[str] = []
    i = 0
    while i < len(chain):
        best, times = 1, 1
        for size in range(1, _REPEATED_BLOCK + 1):
            block = tuple(chain[i:i + size])
            count = 1
            while tuple(chain[i + count * size:i + (count + 1) * size]) == block:
                count += 1
            if count >= 3 and size * count > best * times:
                best, times = size, count
        if times >= 3:
            inner = " -> ".join(chain[i:i + best])
            parts.append(f"({inner}) x{times}" if best > 1 else f"{inner} x{times}")
            i += best * times
        else:
            parts.append(chain[i])
            i += 1
    return " -> ".join(parts)


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
class Metadata:
    """What an artifact says about itself in its own metadata file (``PKG-INFO``, ``METADATA``,
    ``package.json``), never taken from its file name. Text fields are empty when absent."""

    name: str | None = None
    version: str | None = None
    summary: str = ""
    description_length: int = 0
    """Characters of the long description (``Description`` header or the message body)."""
    description_sha256: str = ""
    """sha256 of the long description's UTF-8 bytes; empty when there is none."""
    author: str = ""
    author_email: str = ""
    maintainer: str = ""
    maintainer_email: str = ""
    home_page: str = ""
    project_urls: tuple[str, ...] = ()
    """``Project-URL`` values as written (``Label, https://...``), in order."""
    requires_dist: tuple[str, ...] = ()
    """``Requires-Dist`` requirements as written (npm: ``name version-range``), in order."""
    source: str = ""
    """The member the metadata was read from, relative to the package root."""


class HookKind(enum.Enum):
    """Code the installer or the interpreter runs without the user calling the package."""

    SETUP_SCRIPT = "setup-script"
    """``setup.py``: runs when an sdist is built or installed."""
    SETUP_COMMAND = "setup-command"
    """A setuptools command class (``cmdclass``) defined in install-time code."""
    BUILD_BACKEND = "build-backend"
    """The PEP 517 build backend named in ``pyproject.toml`` (``in-tree`` when shipped inside)."""
    PTH = "pth"
    """A ``.pth`` file installed into site-packages: its ``import`` lines run at every start."""
    STARTUP_MODULE = "startup-module"
    """``sitecustomize`` / ``usercustomize``: imported at every interpreter start."""
    NPM_SCRIPT = "npm-script"
    """An npm lifecycle script (``preinstall``, ``install``, ``postinstall``...)."""
    COMMAND_TAKEOVER = "command-takeover"
    """A command the package installs under the name of the interpreter's, the installer's or
    a system command (``pip``, ``python3``, ``sudo``): it runs whenever the user types that
    command (:func:`capwatch.ecosystem.commands.takes_over`)."""


@dataclass(frozen=True, slots=True)
class Command:
    """A command the package puts on its user's ``PATH``: a console or GUI script, or an npm
    ``bin`` entry."""

    name: str
    target: str
    """What it runs: ``module:function`` (PyPI) or a file of the package (npm)."""
    source: str
    """The member that declares it, relative to the package root."""


@dataclass(frozen=True, slots=True)
class Hook:
    kind: HookKind
    path: str
    """Member path relative to the package root."""
    detail: str = ""
    """What the hook is: a command class name, a backend module, a script command."""
    sha256: str = ""
    """Digest of the file (or of the detail, for hooks that are not a file of their own)."""


@dataclass(frozen=True, slots=True)
class CodeFile:
    """One analysed source file, relative to the package root."""

    path: str
    phase: Phase
    """When its module-level code runs."""
    role: str
    sha256: str


@dataclass(frozen=True, slots=True)
class CapabilitySite:
    """The first place in one file where a capability is used in one phase."""

    capability: str
    phase: Phase
    path: str
    line: int
    via: str


@dataclass(frozen=True, slots=True)
class Inventory:
    """What a release is made of, kept so two releases can be compared without the artifacts:
    its code files, its install and start-up hooks, and where each capability is used."""

    files: tuple[CodeFile, ...] = ()
    hooks: tuple[Hook, ...] = ()
    sites: tuple[CapabilitySite, ...] = ()


class IntelMatchKind(enum.Enum):
    SHA256 = "sha256"
    """The artifact's sha256 is listed in the record."""
    VERSION = "version"
    """The record lists the artifact's exact version."""
    RANGE = "range"
    """The artifact's version falls in a range of the record (or the record covers every version)."""


@dataclass(frozen=True, slots=True)
class IntelMatch:
    """A known-malware record (OSV) that matches the artifact scanned."""

    record: str
    """The record's id, e.g. ``MAL-2024-1234``."""
    match: IntelMatchKind
    summary: str = ""
    ecosystem: str = ""
    name: str = ""
    version: str = ""
    aliases: tuple[str, ...] = ()


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
    metadata: Metadata | None = None
    """The artifact's own metadata; ``None`` when it has none or could not be read."""
    inventory: Inventory | None = None
    """Code files, hooks and capability sites, for drift between releases."""
