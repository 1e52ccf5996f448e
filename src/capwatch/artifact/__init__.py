"""Static, in-memory reading of package artifacts: sdists, wheels, eggs, npm tarballs.

Containers are detected from content, never from file names. Nothing is extracted to disk,
executed or imported; every decompression is bounded by :class:`capwatch.config.Limits`, and
problems that do not stop reading (odd paths, links, limits hit, truncation) are recorded as
:class:`ArchiveIssue` rather than raised::

    archive = open_artifact(data, "pkg-1.0.tar.gz", Limits())
    for member, content in archive.files():
        ...
    archive.issues  # [ArchiveIssue(kind=IssueKind.SYMLINK, path=..., detail=...), ...]
"""

from capwatch.artifact.detect import detect_container
from capwatch.artifact.issues import ArchiveIssue, IssueKind
from capwatch.artifact.members import Member, MemberKind
from capwatch.artifact.reader import NESTED_SUFFIXES, Archive, open_artifact

__all__ = [
    "NESTED_SUFFIXES",
    "Archive",
    "ArchiveIssue",
    "IssueKind",
    "Member",
    "MemberKind",
    "detect_container",
    "open_artifact",
]
