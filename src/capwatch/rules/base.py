"""The rule interface. A rule is a class with a stable id whose docstring is its documentation.

Rules are found by :func:`capwatch.rules.all_rules`, which imports every module of this package:
adding a rule is adding a module, and ``docs/rules.md`` is generated from the classes. Each rule
has handwritten examples under ``tests/rules/<ID>/{malicious,benign}/`` that the test suite finds
by itself.
"""

from __future__ import annotations

import abc
import enum
import inspect
from collections.abc import Iterable, Sequence
from typing import ClassVar

from capwatch.drift.model import Drift
from capwatch.lang.python.analyzer import DROPPED_STEP
from capwatch.model import (
    CapabilityUse,
    Confidence,
    Evidence,
    Finding,
    Indicator,
    Phase,
    Severity,
)
from capwatch.profile import Profile

MAX_EVIDENCE = 5
STAGING_HOSTS = ("endpoint.ip-url", "endpoint.paste", "endpoint.webhook", "endpoint.oob",
                 "endpoint.dynamic-dns")
"""Indicator kinds of hosts an attacker runs or borrows: raw IP addresses, paste sites, chat
webhooks, request catchers and tunnels, throwaway host names. Honest code sends its users' data,
and fetches its code, elsewhere."""


class RuleKind(enum.Enum):
    THREAT = "threat"
    """Behaviour that points to malware; contributes to the verdict."""
    HYGIENE = "hygiene"
    """Something about the artifact itself (archive anomalies, analysis limits)."""
    METADATA = "metadata"
    """Name and metadata signals (typosquats, dependency-confusion versions, metadata that
    contradicts the contents); contributes to the verdict unless ``--no-metadata-signals``."""
    INTEL = "intel"
    """A match in a known-malware index (``capwatch intel import``); contributes to the verdict."""
    DRIFT = "drift"
    """Change between two releases of one project (``capwatch diff``, ``scan --previous``);
    contributes to the verdict when a previous release is given."""


class Rule(abc.ABC):
    id: ClassVar[str]
    title: ClassVar[str]
    kind: ClassVar[RuleKind] = RuleKind.THREAT
    names_read: ClassVar[frozenset[str]] = frozenset()
    """Names of the calls and references this rule reads by the name alone: facts with no
    folded argument, no data traced into them and no decode chain (``proc.wait()``). The
    engine keeps such a fact only if its name is a capability's or some rule names it here
    (``profile.drop_idle_facts``); a rule that looks at calls for their arguments, their
    ``inner`` or ``sources``, or by capability, needs nothing here."""

    @abc.abstractmethod
    def check(self, profile: Profile) -> Iterable[Finding]:
        """Yield the findings this rule draws from one artifact's profile."""

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def finding(
        self,
        message: str,
        *,
        severity: Severity,
        confidence: Confidence,
        phase: Phase | None,
        evidence: Sequence[Evidence] = (),
        capabilities: Iterable[str] = (),
        indicators: Iterable[str] = (),
    ) -> Finding:
        return Finding(
            rule=self.id,
            title=self.title,
            severity=severity,
            confidence=confidence,
            phase=phase,
            message=message,
            capabilities=tuple(sorted(set(capabilities))),
            indicators=tuple(sorted(set(indicators))),
            evidence=tuple(evidence[:MAX_EVIDENCE]),
        )


class DriftRule(Rule):
    """A rule over the changes between two releases (:class:`~capwatch.drift.model.Drift`)
    instead of one artifact's profile. Examples are pairs: ``tests/rules/<ID>/<label>/<case>/``
    holds ``old/`` and ``new/`` source trees."""

    kind: ClassVar[RuleKind] = RuleKind.DRIFT

    def check(self, profile: Profile) -> Iterable[Finding]:
        return ()

    @abc.abstractmethod
    def check_drift(self, drift: Drift) -> Iterable[Finding]:
        """Yield the findings this rule draws from the drift between two releases."""


def decoded_chain(chain: tuple[str, ...]) -> bool:
    """A real decoding step in a decode chain, not just readable text handed to ``exec`` or a
    script written to disk."""
    return any(step not in ("exec", DROPPED_STEP) for step in chain)


def when(phase: Phase) -> str:
    """Where a message says code runs: ``at install time``, or ``in code that runs when called``."""
    return "in code that runs when called" if phase is Phase.RUNTIME else f"at {phase.label} time"


def earliest(items: Iterable[CapabilityUse | Indicator]) -> Phase | None:
    phases = [i.phase for i in items]
    return min(phases) if phases else None


def evidence_of(profile: Profile, items: Iterable[CapabilityUse | Indicator]) -> list[Evidence]:
    """Evidence for uses and indicators, earliest phase first, one per location."""
    out: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    for item in sorted(items, key=lambda i: (i.phase, i.location.path, i.location.line)):
        key = (item.location.path, item.location.line)
        if key in seen:
            continue
        seen.add(key)
        decoded, chain = profile.decoded_at.get(item.location, (None, item.decode_chain))
        out.append(Evidence(item.location, item.snippet, item.decode_chain or chain, decoded))
    return out


def command_line(args: Sequence[str]) -> str | None:
    """The command line a process call runs, from its folded arguments (``CapabilityUse.args``,
    ``Fact.args``): the first one, unless nothing folded or it is a keyword argument such as
    ``shell=True`` (the command itself was computed)."""
    if not args or "=" in args[0].split(" ", 1)[0]:
        return None
    return args[0]


CAPTURING_ARGS = frozenset({"capture_output=True", "stdout=subprocess.PIPE"})
"""The keyword arguments (as the front end writes them) that capture what a command prints."""
OUTPUT_CALLS = frozenset({"subprocess.check_output", "subprocess.getoutput", "subprocess.getstatusoutput"})
"""Process calls that return what the command prints."""


def captures_output(use: CapabilityUse) -> bool:
    """Whether a process call hands what the command prints back to its caller."""
    return use.via in OUTPUT_CALLS or any(arg in CAPTURING_ARGS for arg in use.args)


def describe(uses: Iterable[CapabilityUse]) -> str:
    """``subprocess.Popen, requests.get`` — the APIs behind some uses, for messages."""
    return ", ".join(dict.fromkeys(u.via for u in uses))
