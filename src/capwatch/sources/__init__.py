"""Resolving ``capwatch scan TARGET...`` targets into local artifact files.

A target is a file, a directory (every artifact below it), or ``NAME`` / ``NAME==VERSION`` fetched
from the package indexes pip is configured to use (download only; nothing is ever built or run).

Modules: :mod:`~capwatch.sources.spec` (what a target names), :mod:`~capwatch.sources.local`
(files and directory walks), :mod:`~capwatch.sources.pipconfig` (which indexes, certificates and
proxy pip uses), :mod:`~capwatch.sources.transport` (HTTP and ``file://`` reads),
:mod:`~capwatch.sources.simple` (PEP 691 / PEP 503 pages), :mod:`~capwatch.sources.select`
(release and file choice), :mod:`~capwatch.sources.index` (fetching and the download cache),
:mod:`~capwatch.sources.resolve` (putting it together).
"""

from __future__ import annotations

from capwatch.sources.errors import (
    HashMismatchError,
    NetworkError,
    ProjectNotFoundError,
    VersionNotFoundError,
)
from capwatch.sources.index import default_cache_dir, fetch
from capwatch.sources.local import ARTIFACT_EXTENSIONS, looks_like_artifact
from capwatch.sources.pipconfig import PipSettings, configured_index_urls, pip_settings
from capwatch.sources.resolve import resolve_targets
from capwatch.sources.spec import PathSpec, RequirementSpec, parse_spec
from capwatch.sources.target import Target

__all__ = [
    "ARTIFACT_EXTENSIONS",
    "HashMismatchError",
    "NetworkError",
    "PathSpec",
    "PipSettings",
    "ProjectNotFoundError",
    "RequirementSpec",
    "Target",
    "VersionNotFoundError",
    "configured_index_urls",
    "default_cache_dir",
    "fetch",
    "looks_like_artifact",
    "parse_spec",
    "pip_settings",
    "resolve_targets",
]
