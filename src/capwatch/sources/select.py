"""Choosing a release of a project, and which of its files to scan.

File names are parsed with :func:`packaging.utils.parse_wheel_filename` and
:func:`~packaging.utils.parse_sdist_filename`; older sdist forms (``.tar.bz2``, ``.tgz``, ...) and
eggs are parsed by splitting at the ``-`` after the project name, as pip does. Files whose name
belongs to another project, has no valid version, or is of another kind (``.exe``, ``.msi``,
``.rpm``, ...) are ignored.

Release choice: ``name==V`` picks V (the exact version if listed, else a release equal to it
under PEP 440, such as ``V+local``), yanked or not (PEP 592). ``name`` alone picks the newest
release with at least one non-yanked file, final releases before pre-releases, as ``pip install``
does; ``Requires-Python`` is not considered, since capwatch scans rather than installs.

File choice within the release: files yanked are only used when the release was pinned. By
default, one sdist (``.tar.gz`` first) plus one pure-Python wheel (``py3`` first); when the
release has neither, the one wheel best matching this interpreter (else the first file by name).
With ``all_files`` every file of the release.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.tags import Tag, sys_tags
from packaging.utils import (
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from capwatch.sources.errors import VersionNotFoundError
from capwatch.sources.simple import IndexFile

SDIST_EXTENSIONS: tuple[str, ...] = (
    ".tar.gz",
    ".zip",
    ".tar.bz2",
    ".tgz",
    ".tar.xz",
    ".tbz",
    ".tar",
)
"""sdist file endings, most preferred first."""
NEWEST_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    """A listed file whose name says which release of the project it belongs to."""

    file: IndexFile
    version: Version
    kind: str
    """``"sdist"``, ``"wheel"`` or ``"egg"``."""
    tags: frozenset[Tag] = frozenset()

    @property
    def yanked(self) -> bool:
        """Whether the index marks the file as yanked."""
        return self.file.yanked is not None

    @property
    def pure(self) -> bool:
        """Whether this is a wheel for any platform and no particular ABI."""
        return (
            self.kind == "wheel"
            and bool(self.tags)
            and all(tag.abi == "none" and tag.platform == "any" for tag in self.tags)
        )


def candidates(project: NormalizedName, files: Iterable[IndexFile]) -> list[Candidate]:
    """The files of ``project`` whose names can be parsed, in listing order."""
    found: list[Candidate] = []
    for file in files:
        candidate = parse_filename(project, file)
        if candidate is not None:
            found.append(candidate)
    return found


def parse_filename(project: NormalizedName, file: IndexFile) -> Candidate | None:
    """A :class:`Candidate` for ``file`` if its name is a distribution of ``project``."""
    name = file.filename
    lowered = name.lower()
    try:
        if lowered.endswith(".whl"):
            wheel_name, version, _build, tags = parse_wheel_filename(name)
            if wheel_name != project:
                return None
            return Candidate(file, version, "wheel", frozenset(tags))
        if lowered.endswith((".tar.gz", ".zip")):
            try:
                sdist_name, version = parse_sdist_filename(name)
            except ValueError:
                pass
            else:
                if sdist_name == project:
                    return Candidate(file, version, "sdist")
        for extension in SDIST_EXTENSIONS:
            if lowered.endswith(extension):
                version_found = _split_version(project, name[: -len(extension)])
                return None if version_found is None else Candidate(file, version_found, "sdist")
        if lowered.endswith(".egg"):
            egg_name, _, rest = name[: -len(".egg")].partition("-")
            if canonicalize_name(egg_name) != project or not rest:
                return None
            return Candidate(file, Version(rest.split("-")[0]), "egg")
    except (ValueError, InvalidVersion):
        return None
    return None


def _split_version(project: NormalizedName, stem: str) -> Version | None:
    for index, char in enumerate(stem):
        if char == "-" and canonicalize_name(stem[:index]) == project:
            try:
                return Version(stem[index + 1 :])
            except InvalidVersion:
                return None
    return None


def choose_version(
    project: str, found: Sequence[Candidate], pinned: Version | None, where: str
) -> Version:
    """The release to fetch; raises :class:`VersionNotFoundError` naming the newest available."""
    versions = {c.version for c in found}
    if pinned is not None:
        if pinned in versions:
            return pinned
        equal = [
            v for v in versions if v.local and not pinned.local and Version(v.public) == pinned
        ]
        if equal:
            return max(equal)
        raise VersionNotFoundError(
            f"{project} has no version {pinned} on {where}",
            diagnostic=f"{project} has no version {pinned} on {where}; {newest_summary(found)}",
        )
    usable = {c.version for c in found if not c.yanked}
    if not usable:
        raise VersionNotFoundError(
            f"every release of {project} on {where} is yanked",
            diagnostic=(
                f"every release of {project} on {where} is yanked; pin one with "
                f"{project}==VERSION to scan it anyway ({newest_summary(found)})"
            ),
        )
    finals = {v for v in usable if not v.is_prerelease}
    return max(finals or usable)


def newest_summary(found: Sequence[Candidate]) -> str:
    """``newest available: 2.0, 1.9 (yanked), ...`` (at most :data:`NEWEST_SHOWN`)."""
    yanked_only: dict[Version, bool] = {}
    for c in found:
        yanked_only[c.version] = yanked_only.get(c.version, True) and c.yanked
    newest = sorted(yanked_only, reverse=True)[:NEWEST_SHOWN]
    shown = [f"{v} (yanked)" if yanked_only[v] else str(v) for v in newest]
    more = len(yanked_only) - len(newest)
    tail = f", and {more} older" if more > 0 else ""
    return f"newest available: {', '.join(shown)}{tail}"


def choose_files(release: Sequence[Candidate], *, pinned: bool, all_files: bool) -> list[Candidate]:
    """The files of one release to scan (see the module docstring), in a stable order."""
    pool = list(release) if pinned else [c for c in release if not c.yanked]
    if all_files:
        return sorted(pool, key=_order)
    preferred = [c for c in pool if not c.yanked] or pool
    chosen: list[Candidate] = []
    sdists = [c for c in preferred if c.kind == "sdist"]
    if sdists:
        chosen.append(min(sdists, key=_sdist_rank))
    pure = [c for c in preferred if c.pure]
    if pure:
        chosen.append(min(pure, key=_pure_rank))
    if not chosen:
        wheels = [c for c in preferred if c.kind == "wheel"]
        chosen.append(min(wheels, key=_compat_rank) if wheels else min(preferred, key=_order))
    return chosen


def _order(c: Candidate) -> tuple[int, str]:
    return ({"sdist": 0, "wheel": 1}.get(c.kind, 2), c.file.filename)


def _sdist_rank(c: Candidate) -> tuple[int, str]:
    lowered = c.file.filename.lower()
    rank = next(
        (i for i, ext in enumerate(SDIST_EXTENSIONS) if lowered.endswith(ext)),
        len(SDIST_EXTENSIONS),
    )
    return (rank, c.file.filename)


def _pure_rank(c: Candidate) -> tuple[int, str]:
    py3 = any(tag.interpreter.startswith("py3") for tag in c.tags)
    return (0 if py3 else 1, c.file.filename)


def _compat_rank(c: Candidate) -> tuple[int, str]:
    ranks = _sys_tag_ranks()
    best = min((ranks.get(tag, len(ranks)) for tag in c.tags), default=len(ranks))
    return (best, c.file.filename)


@functools.cache
def _sys_tag_ranks() -> dict[Tag, int]:
    """This interpreter's wheel tags, most specific first."""
    return {tag: rank for rank, tag in enumerate(sys_tags())}
