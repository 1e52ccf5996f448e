"""Local targets: a file named on the command line, or every artifact below a directory.

A directory is walked lazily (a tree of 100k files streams) in a deterministic order: entries of
each directory sorted by name, depth first, so ``a/x.whl`` comes before ``a/y/z.whl`` and ``b.whl``.

Which files below a directory count as artifacts (:func:`looks_like_artifact`):

* a name ending in one of :data:`ARTIFACT_EXTENSIONS` (case-insensitive) is taken on its name: if
  it is not really an archive, the scanner reports that for the file rather than skipping it;
* an *extension-less* name (no suffix, or a suffix that is not a word such as the ``.0`` in
  ``pkg-1.0``) is taken when its first bytes are an archive's magic number: gzip, bzip2, xz, zip,
  or a POSIX tar header;
* anything else (``.txt``, ``.py``, ``.json``, ...) is skipped.

Symbolic links are never followed during a walk. A link to a directory either leaves the tree or
leads to a part of it that is walked anyway, and the same holds for a link to a file; following
either could only add files from outside the tree or scan the same file twice. A directory or file
*named on the command line* may itself be a link. Sockets, FIFOs and devices are skipped (opening
a FIFO to sniff it would block).
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path, PurePath

from capwatch.errors import SourceError
from capwatch.sources.target import ORIGIN_DIRECTORY, ORIGIN_FILE, Target

log = logging.getLogger(__name__)

ARTIFACT_EXTENSIONS: tuple[str, ...] = (
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tar.xz",
    ".tar",
    ".zip",
    ".whl",
    ".egg",
)
"""File name endings taken as artifacts without looking inside (compared case-insensitively)."""

_MAGIC_PREFIXES: tuple[bytes, ...] = (
    b"\x1f\x8b",  # gzip
    b"\xfd7zXZ\x00",  # xz
    b"PK\x03\x04",  # zip (and so wheels, eggs)
)
_BZIP2 = re.compile(rb"BZh[1-9]")
_TAR_MAGIC_OFFSET = 257
_TAR_MAGIC = b"ustar"
_SNIFF_BYTES = 512

_WORD_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]*")


def has_artifact_extension(name: str) -> bool:
    """Whether ``name`` ends in one of :data:`ARTIFACT_EXTENSIONS` (case-insensitive)."""
    lowered = name.lower()
    return lowered.endswith(ARTIFACT_EXTENSIONS)


def is_extensionless(name: str) -> bool:
    """Whether ``name`` has no file extension worth the name.

    ``blob``, ``.hidden`` and ``pkg-1.0`` (whose "suffix" ``.0`` is part of a version) are
    extension-less; ``notes.txt`` and ``setup.py`` are not.
    """
    suffix = PurePath(name).suffix
    return not suffix or _WORD_SUFFIX.fullmatch(suffix) is None


def has_archive_magic(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file, ideally 512) starts like an archive."""
    if head.startswith(_MAGIC_PREFIXES) or _BZIP2.match(head):
        return True
    return head[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + len(_TAR_MAGIC)] == _TAR_MAGIC


def sniff_archive(path: Path) -> bool:
    """Read the first bytes of the regular file ``path`` and test them for archive magic.

    Raises :class:`OSError` when the file cannot be read.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    return has_archive_magic(head)


def looks_like_artifact(path: Path) -> bool:
    """Whether ``path`` is a regular file a directory walk would pick as an artifact.

    True for a name ending in one of :data:`ARTIFACT_EXTENSIONS`, or an extension-less name whose
    content starts with archive magic. Follows symbolic links; False for anything that is not a
    regular file, and for an extension-less file that cannot be read.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
    except OSError:
        return False
    if has_artifact_extension(path.name):
        return True
    if not is_extensionless(path.name):
        return False
    try:
        return sniff_archive(path)
    except OSError:
        return False


def file_target(path: Path, display: str) -> Target:
    """A :class:`Target` for a single file named on the command line (any file, archive or not).

    Raises :class:`SourceError` when ``path`` does not name a readable regular file.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise SourceError(
                f"{display}: broken symbolic link",
                diagnostic=f"{display}: is a symbolic link to {os.readlink(path)!s}, which does not exist",
            ) from None
        raise SourceError(f"{display}: no such file or directory") from None
    except OSError as exc:
        raise SourceError(f"{display}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise SourceError(
            f"{display}: not a regular file",
            diagnostic=f"{display}: is not a regular file or a directory (a FIFO, socket or device?)",
        )
    if not os.access(path, os.R_OK):
        raise SourceError(f"{display}: permission denied")
    return Target(path=path, display=display, origin=ORIGIN_FILE)


def iter_directory(root: Path) -> Iterator[Target]:
    """Yield a :class:`Target` for every artifact below ``root``, lazily and in sorted order.

    Subdirectories that cannot be listed and extension-less files that cannot be read are
    skipped with a warning on the ``capwatch.sources.local`` logger. Raises :class:`SourceError`
    once the walk is over if it found no artifact at all, saying what it skipped, since
    silently scanning nothing would look like a clean result.
    """
    found = 0
    skipped_links = 0
    skipped_other = 0
    stack: list[Iterator[os.DirEntry[str]]] = []

    def listing(directory: str) -> Iterator[os.DirEntry[str]] | None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            log.warning("skipping directory %s: %s", directory, exc.strerror or exc)
            return None
        return iter(entries)

    top = listing(os.fspath(root))
    if top is None:
        raise SourceError(f"{root}: directory cannot be listed")
    stack.append(top)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        try:
            if entry.is_symlink():
                skipped_links += 1
                log.debug("not following symbolic link %s", entry.path)
                continue
            if entry.is_dir(follow_symlinks=False):
                sub = listing(entry.path)
                if sub is not None:
                    stack.append(sub)
                continue
            if not entry.is_file(follow_symlinks=False):
                skipped_other += 1
                continue
        except OSError as exc:
            log.warning("skipping %s: %s", entry.path, exc.strerror or exc)
            continue
        if not _is_artifact_entry(entry):
            skipped_other += 1
            continue
        found += 1
        path = Path(entry.path)
        yield Target(path=path, display=os.fspath(path), origin=ORIGIN_DIRECTORY)
    if not found:
        detail = f"skipped {skipped_other} other file(s)"
        if skipped_links:
            detail += f" and {skipped_links} symbolic link(s), which are not followed"
        raise SourceError(
            f"{root}: no artifacts found",
            diagnostic=(
                f"{root}: no artifacts found ({detail}); a directory walk takes files ending in "
                f"{', '.join(ARTIFACT_EXTENSIONS)} and extension-less files that start like an "
                "archive. Name a file directly to scan it whatever it is."
            ),
        )


def _is_artifact_entry(entry: os.DirEntry[str]) -> bool:
    """:func:`looks_like_artifact` for a directory entry already known to be a regular file."""
    if has_artifact_extension(entry.name):
        return True
    if not is_extensionless(entry.name):
        return False
    try:
        return sniff_archive(Path(entry.path))
    except OSError as exc:
        log.warning(
            "skipping %s: cannot read it to see what it is: %s", entry.path, exc.strerror or exc
        )
        return False
