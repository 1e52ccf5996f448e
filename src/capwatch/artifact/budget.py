"""The decompression allowance of one artifact, shared by every archive nested in it."""

from __future__ import annotations

from capwatch.config import Limits, MiB
from capwatch.errors import LimitExceeded

RATIO_FLOOR = 1 * MiB
"""Compression ratios are enforced only past this much output: below it nothing can be a bomb,
and tiny, highly repetitive files (empty ``__init__.py`` in a tar block, padding) compress far
beyond any sane ratio."""


class ArchiveLimitExceeded(LimitExceeded):
    """A limit of the whole artifact was hit (``total_bytes`` or the archive-wide ``ratio``):
    nothing more can be decompressed from it."""


class Budget:
    """Counts bytes decompressed and members listed across one artifact and its nested archives.

    The archive-wide ratio compares all decompressed bytes with the size of the outermost
    artifact, so archives nested inside archives cannot multiply the allowance.
    """

    __slots__ = ("compressed_size", "limits", "members_left", "used")

    def __init__(self, limits: Limits, compressed_size: int) -> None:
        self.limits = limits
        self.compressed_size = compressed_size
        self.used = 0
        self.members_left = limits.members

    @property
    def ratio_cap(self) -> int:
        """Most bytes the archive-wide ratio allows."""
        return max(RATIO_FLOOR, self.compressed_size * self.limits.ratio)

    def room(self) -> int:
        """Bytes that may still be decompressed."""
        return max(0, min(self.limits.total_bytes, self.ratio_cap) - self.used)

    def binding_limit(self) -> str:
        """The limit that ``room`` runs into first: ``total_bytes`` or ``ratio``."""
        return "total_bytes" if self.limits.total_bytes <= self.ratio_cap else "ratio"

    def exhausted(self) -> bool:
        return self.room() == 0

    def add(self, size: int) -> None:
        """Count ``size`` bytes that were decompressed within ``room``."""
        self.used += size

    def charge(self, size: int, path: str) -> None:
        """Count ``size`` bytes decompressed for ``path``; raise once the artifact is over budget."""
        self.used += size
        if self.used > self.limits.total_bytes:
            raise ArchiveLimitExceeded(
                "total_bytes",
                f"more than {self.limits.total_bytes} bytes decompressed from the artifact "
                f"(stopped at {path or 'the artifact'})",
            )
        if self.used > self.ratio_cap:
            raise ArchiveLimitExceeded(
                "ratio",
                f"the artifact decompresses to more than {self.limits.ratio} times its "
                f"{self.compressed_size} bytes (stopped at {path or 'the artifact'})",
            )

    def over_limit_error(self, path: str) -> ArchiveLimitExceeded:
        """The error for a stream that was cut off because ``room`` ran out."""
        limit = self.binding_limit()
        if limit == "total_bytes":
            message = (
                f"more than {self.limits.total_bytes} bytes decompressed from the artifact; "
                f"{path or 'the artifact'} was cut off"
            )
        else:
            message = (
                f"the artifact decompresses to more than {self.limits.ratio} times its "
                f"{self.compressed_size} bytes; {path or 'the artifact'} was cut off"
            )
        return ArchiveLimitExceeded(limit, message)
