"""Single-member artifacts: a plain source file, or one compressed stream that is not a tar."""

from __future__ import annotations

from capwatch.artifact.budget import Budget
from capwatch.artifact.source import Entry
from capwatch.config import Limits
from capwatch.errors import LimitExceeded


class BlobSource:
    """Content held whole in memory (decompressed already, within the limits, when opened)."""

    __slots__ = ("_data", "_error", "_limits")

    def __init__(self, data: bytes, limits: Limits, error: LimitExceeded | None = None) -> None:
        self._data = data
        self._limits = limits
        self._error = error

    def read(self, entry: Entry, budget: Budget) -> bytes:
        if self._error is not None:
            raise type(self._error)(self._error.limit, self._error.message)
        cap = self._limits.member_bytes
        if len(self._data) > cap:
            raise LimitExceeded(
                "member_bytes",
                f"{entry.member.path} holds {len(self._data)} bytes, over the {cap}-byte member "
                "limit",
            )
        return self._data

    def head(self, entry: Entry, size: int) -> bytes:
        return self._data[:size]
