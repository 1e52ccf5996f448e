"""Errors that carry a diagnostic for the user.

Every error capwatch raises on purpose derives from :class:`CapwatchError`; its ``diagnostic``
says what went wrong and what to do about it, in words meant for the person running the tool.
"""

from __future__ import annotations


class CapwatchError(Exception):
    def __init__(self, message: str, *, diagnostic: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostic = diagnostic or message

    def __str__(self) -> str:
        return self.message


class UsageError(CapwatchError):
    """The command line asked for something that cannot be done (exit status 2)."""


class ArtifactError(CapwatchError):
    """An artifact could not be read at all: empty, not an archive, corrupt beyond use."""


class LimitExceeded(CapwatchError):
    """A configured limit was hit while reading or analysing one artifact."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message, diagnostic=f"{message} (limit '{limit}'; raise it with --limit {limit}=N)")
        self.limit = limit


class SourceError(CapwatchError):
    """A target could not be resolved: no such file, unknown project or version on the index."""
