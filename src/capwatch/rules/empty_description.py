from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.model import Confidence, Ecosystem, Evidence, Finding, Location, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, RuleKind

TEMPLATES = (
    "add a short description here",
    "a short description of the project",
    "a small example package",
    "this is a simple example package",
    "this is an example package",
    "a sample python project",
    "this is a sample python project",
    "your project description",
    "your package description",
    "my package description",
    "my first python package",
    "package description here",
    "description of the package",
    "lorem ipsum",
    "you can use github-flavored markdown to write your content",
)
"""Text of project templates and tutorials that nobody replaced."""

_WORDS = re.compile(r"[a-z0-9]+")


def templated(text: str) -> str | None:
    """The template phrase ``text`` consists of (give or take punctuation), if any."""
    plain = " ".join(_WORDS.findall(text.lower()))
    for phrase in TEMPLATES:
        words = " ".join(_WORDS.findall(phrase))
        if words in plain and len(plain) <= len(words) + 120:
            return phrase
    return None


class EmptyOrTemplatedDescription(Rule):
    """The package describes itself with nothing, or with a template's placeholder text.

    Real projects say what they are: a summary line and usually a long description (the
    README). Throw-away malicious uploads often carry neither, or the unchanged text of the
    packaging tutorial ("A small example package", "Add a short description here"). Only
    artifacts with a metadata file are judged (``PKG-INFO``, ``METADATA``). Low severity with
    medium confidence for a template, low confidence for an empty description: plenty of honest
    small projects are terse, so this only adds weight to behaviour found by other rules. A
    metadata rule: off with ``--no-metadata-signals``.
    """

    id = "CW213"
    title = "Empty or templated description"
    kind = RuleKind.METADATA

    def check(self, profile: Profile) -> Iterator[Finding]:
        identity = profile.identity
        meta = identity.metadata
        if identity.ecosystem is not Ecosystem.PYPI or meta is None:
            return
        evidence = [Evidence(Location(meta.source), (meta.summary or identity.description)[:200])]
        for text in (meta.summary, identity.description):
            phrase = templated(text) if text else None
            if phrase:
                yield self.finding(
                    f"the description is template text ({phrase!r})",
                    severity=Severity.LOW, confidence=Confidence.MEDIUM, phase=None,
                    evidence=evidence,
                )
                return
        if not meta.summary.strip() and not identity.description.strip():
            yield self.finding(
                "the metadata has neither a summary nor a description",
                severity=Severity.LOW, confidence=Confidence.LOW, phase=None, evidence=evidence,
            )
