from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from capwatch.model import (
    ArtifactKind,
    Confidence,
    Ecosystem,
    Evidence,
    Finding,
    Location,
    Severity,
)
from capwatch.profile import Profile
from capwatch.rules.base import Rule, RuleKind

_SDIST_SUFFIX = re.compile(r"\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|zip|tar)$", re.IGNORECASE)


def _name_version(stem: str) -> tuple[str, str] | None:
    """``demo_pkg-1.0`` -> (``demo-pkg``, ``1.0``) when the part after the last dash is a version."""
    name, sep, version = stem.rpartition("-")
    if not sep or not name or _version(version) is None:
        return None
    return canonicalize_name(name), version


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _claims(profile: Profile) -> list[tuple[str, str, str]]:
    """(where, name, version) that the artifact's file name and folder names declare."""
    identity = profile.identity
    claims: list[tuple[str, str, str]] = []
    if identity.kind is ArtifactKind.SDIST and identity.root:
        found = _name_version(identity.root.rstrip("/"))
        if found:
            claims.append((f"folder {identity.root}", *found))
    meta = identity.metadata
    if identity.kind is ArtifactKind.WHEEL and meta and meta.source.endswith(".dist-info/METADATA"):
        folder = meta.source.split("/", 1)[0]
        found = _name_version(folder.removesuffix(".dist-info"))
        if found:
            claims.append((f"folder {folder}", *found))
    file_name = (profile.artifact.path if profile.artifact else "").rsplit("/", 1)[-1]
    if identity.kind is ArtifactKind.WHEEL and file_name.endswith(".whl"):
        parts = file_name[:-4].split("-")
        if len(parts) >= 5 and _version(parts[1]) is not None:
            claims.append((f"file name {file_name}", canonicalize_name(parts[0]), parts[1]))
    elif identity.kind is ArtifactKind.SDIST and _SDIST_SUFFIX.search(file_name):
        found = _name_version(_SDIST_SUFFIX.sub("", file_name))
        if found:
            claims.append((f"file name {file_name}", *found))
    return claims


class MetadataContradictsContents(Rule):
    """The name or version in the metadata differs from what the artifact's file name or its
    top folder declares.

    Installers and reviewers read the name and version from the file name
    (``requests-2.32.0.tar.gz``, ``requests-2.32.0-py3-none-any.whl``) and from the folder inside
    (``requests-2.32.0/``, ``requests-2.32.0.dist-info/``), but what gets installed is what the
    metadata inside says (``PKG-INFO``, ``METADATA``). Build tools keep them in step, so a
    difference means the artifact was put together by hand, which is how some malware is made:
    a copied popular package renamed only in its metadata, or a version bumped only in one place.
    Names are compared after PEP 503 normalisation and versions as PEP 440 versions; parts that
    do not parse as a name and version are not compared. Low severity: it adds weight to other
    findings. A metadata rule: off with ``--no-metadata-signals``.
    """

    id = "CW212"
    title = "Metadata contradicts the artifact's names"
    kind = RuleKind.METADATA

    def check(self, profile: Profile) -> Iterator[Finding]:
        identity = profile.identity
        if identity.ecosystem is not Ecosystem.PYPI or not identity.name or not identity.version:
            return
        name = canonicalize_name(identity.name)
        version = _version(identity.version)
        problems: list[str] = []
        for where, claimed_name, claimed_version in _claims(profile):
            if claimed_name != name and claimed_name.replace("-", "") != name.replace("-", ""):
                problems.append(f"{where} says {claimed_name!r}, metadata says {identity.name!r}")
            if version is not None and _version(claimed_version) != version:
                problems.append(
                    f"{where} says version {claimed_version}, metadata says {identity.version}"
                )
        if not problems:
            return
        source = identity.metadata.source if identity.metadata else "metadata"
        yield self.finding(
            "; ".join(problems)[:300],
            severity=Severity.LOW,
            confidence=Confidence.HIGH,
            phase=None,
            evidence=[Evidence(Location(source), "\n".join(problems)[:500])],
        )
