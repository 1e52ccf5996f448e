"""Finer-grained :class:`~capwatch.errors.SourceError` subclasses.

They all derive from :class:`SourceError`, so callers that only care that *a target could not be
resolved* catch that; tests and callers that want to react differently (say, skip when offline)
catch the subclass.
"""

from __future__ import annotations

from capwatch.errors import SourceError


class NetworkError(SourceError):
    """An index or a file on it could not be reached (DNS, TLS, timeout, HTTP 5xx, ...)."""


class ProjectNotFoundError(SourceError):
    """No configured index knows the project."""


class VersionNotFoundError(SourceError):
    """The project exists but not in the requested version (or every release is yanked)."""


class HashMismatchError(SourceError):
    """A downloaded file does not match the hash the index published for it."""
