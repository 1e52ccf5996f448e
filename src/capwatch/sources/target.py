"""The unit that target resolution produces: one local artifact file to scan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ORIGIN_FILE = "file"
"""A file named on the command line."""
ORIGIN_DIRECTORY = "directory"
"""A file found below a directory named on the command line."""
ORIGIN_INDEX = "index"
"""A file downloaded from a package index."""


@dataclass(frozen=True, slots=True)
class Target:
    """One artifact to scan.

    ``path`` is always a local file. ``display`` is what reports show: the path as the user gave
    it (or as found below a directory they gave), or ``name==version (filename)`` for a file
    fetched from a package index. ``origin`` is ``"file"``, ``"directory"`` or ``"index"``.
    """

    path: Path
    display: str
    origin: str
