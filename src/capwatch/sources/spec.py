"""Telling what a ``capwatch scan`` target names: a local path or a release on a package index.

Rules, in order:

1. a spec naming an existing path (even a broken symbolic link) is a path;
2. a spec that cannot be a project name but looks like a path (it contains a path separator, starts
   with ``.`` or ``~``, or ends in an artifact extension such as ``.whl``; and is not a URL) is a
   path that does not exist, reported as such when its turn comes, not as an unknown project;
3. anything else must parse as a :class:`packaging.requirements.Requirement` with no specifier
   (the latest release) or a single exact ``==`` (one release). Extras are accepted and ignored
   (they do not change which files are downloaded); ranges, wildcards, ``===``, ``!=``,
   environment markers and direct URLs raise :class:`UsageError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from capwatch.errors import UsageError
from capwatch.sources.local import has_artifact_extension

ACCEPTED_FORMS = (
    "accepted targets: PATH (an artifact or a single source file), DIRECTORY (every artifact "
    "below it), NAME (the latest release on the package index pip is configured to use) or "
    "NAME==VERSION (that release)"
)


@dataclass(frozen=True, slots=True)
class PathSpec:
    """A target naming a local file or directory (which may turn out not to exist)."""

    text: str
    path: Path


@dataclass(frozen=True, slots=True)
class RequirementSpec:
    """A target naming a project on a package index, optionally pinned to one version."""

    text: str
    name: NormalizedName
    version: Version | None
    """The pinned version, or None for the latest non-yanked release."""


Spec = PathSpec | RequirementSpec


def parse_spec(text: str) -> Spec:
    """Classify one ``capwatch scan`` argument; raises :class:`UsageError` if it is neither form."""
    if not text.strip():
        raise UsageError("empty target", diagnostic=f"empty target; {ACCEPTED_FORMS}")
    if os.path.lexists(text) or _looks_like_path(text):
        return PathSpec(text=text, path=Path(text))
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        raise _usage(text, f"not an existing path, and not a requirement ({exc})") from None
    if requirement.url:
        raise _usage(text, "direct URL requirements are not fetched")
    if requirement.marker is not None:
        raise _usage(text, "environment markers are not accepted")
    specifiers = list(requirement.specifier)
    version: Version | None = None
    if len(specifiers) > 1:
        raise _usage(text, "give at most one version, as NAME==VERSION")
    if specifiers:
        (specifier,) = specifiers
        if specifier.operator != "==" or specifier.version.endswith(".*"):
            raise _usage(
                text,
                f"'{specifier}' is not an exact version; give NAME==VERSION, or NAME for the latest",
            )
        try:
            version = Version(specifier.version)
        except InvalidVersion:  # pragma: no cover - packaging rejects these while parsing
            raise _usage(text, f"'{specifier.version}' is not a valid version") from None
    return RequirementSpec(text=text, name=canonicalize_name(requirement.name), version=version)


def _looks_like_path(text: str) -> bool:
    if "://" in text:  # a URL (or 'name @ URL'): not a local path
        return False
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return (
        any(sep in text for sep in separators)
        or text.startswith((".", "~"))
        or has_artifact_extension(text)
    )


def _usage(text: str, why: str) -> UsageError:
    return UsageError(
        f"bad target '{text}': {why}", diagnostic=f"bad target '{text}': {why}; {ACCEPTED_FORMS}"
    )
