"""Fetching a release from the package indexes pip is configured to use. Download only, never build.

capwatch reads the simple repository API itself (``pip download`` would build sdists to learn
their metadata, running the very code under review). For each index, in order, it asks for
``<index>/<normalized-name>/`` preferring PEP 691 JSON and accepting PEP 503 HTML (for a
``file://`` index, the directory's ``index.json`` or else its ``index.html``), merges the
files all indexes list (as pip does; for a file name listed twice the first index wins, and
differing hashes are warned about), chooses a release and files (:mod:`capwatch.sources.select`)
and makes each file local:

* a ``file://`` file is used in place, after checking its size and hashes;
* an http(s) file is downloaded to ``<cache>/downloads/<sha256>/<filename>``, streaming into a
  temporary file next to it, bounded by ``Limits.artifact_bytes`` and moved into place only
  once every published hash it can check (sha256 always computed; md5 ... sha512) matches. A
  cached copy is re-hashed before reuse and replaced if it does not match.

``<cache>`` is ``cache_dir`` when given, else ``$CAPWATCH_CACHE_DIR``, else
``$XDG_CACHE_HOME/capwatch``, else ``~/.cache/capwatch``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from capwatch.config import Limits, MiB
from capwatch.errors import SourceError, UsageError
from capwatch.sources.errors import HashMismatchError, NetworkError, ProjectNotFoundError
from capwatch.sources.pipconfig import PipSettings, configured_index_urls, normalize_index_url
from capwatch.sources.select import Candidate, candidates, choose_files, choose_version
from capwatch.sources.simple import IndexFile, parse_page
from capwatch.sources.target import ORIGIN_INDEX, Target
from capwatch.sources.transport import (
    CHUNK_BYTES,
    Transport,
    file_url_to_path,
    redact_url,
    scheme_of,
    too_large,
)

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 64 * MiB
"""Largest index page read."""
_DEFAULT_LIMITS = Limits()


def default_cache_dir() -> Path:
    """``$CAPWATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/capwatch``, else ``~/.cache/capwatch``."""
    configured = os.environ.get("CAPWATCH_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "capwatch"


def fetch(
    name: str,
    version: str | None,
    *,
    all_files: bool = False,
    index_urls: Sequence[str] | None = None,
    cache_dir: Path | None = None,
    limits: Limits = _DEFAULT_LIMITS,
    timeout: float | None = None,
    settings: PipSettings | None = None,
) -> list[Target]:
    """Fetch release ``version`` of project ``name`` (the latest non-yanked one when None).

    Returns one :class:`Target` per file (see the module docstring for which). ``index_urls``
    defaults to :func:`configured_index_urls`; ``settings`` (CA bundle, proxy, timeout) to pip's.
    Raises :class:`UsageError` for an invalid name or version, and :class:`SourceError`
    (:class:`ProjectNotFoundError`, :class:`VersionNotFoundError`, :class:`NetworkError`,
    :class:`HashMismatchError`) when the release cannot be fetched.
    """
    try:
        project = canonicalize_name(name, validate=True)
    except ValueError:
        raise UsageError(f"'{name}' is not a valid project name") from None
    try:
        pinned = Version(version) if version is not None else None
    except InvalidVersion:
        raise UsageError(f"'{version}' is not a valid version") from None
    fetcher = Fetcher(
        Transport(settings, timeout=timeout),
        index_urls=index_urls,
        cache_dir=cache_dir,
        limits=limits,
    )
    return fetcher.fetch(project, pinned, all_files=all_files)


class Fetcher:
    """Fetches releases; shares one transport and one index list across many requests."""

    def __init__(
        self,
        transport: Transport,
        *,
        index_urls: Sequence[str] | None = None,
        cache_dir: Path | None = None,
        limits: Limits = _DEFAULT_LIMITS,
    ) -> None:
        self.transport = transport
        self.limits = limits
        self._index_urls = (
            [normalize_index_url(u) for u in index_urls] if index_urls is not None else None
        )
        self._cache_dir = cache_dir

    @property
    def index_urls(self) -> list[str]:
        """The indexes to ask, as given or as pip is configured (read once)."""
        if self._index_urls is None:
            self._index_urls = configured_index_urls()
        return self._index_urls

    @property
    def downloads(self) -> Path:
        """Where downloaded files are cached."""
        return (self._cache_dir or default_cache_dir()) / "downloads"

    def fetch(
        self, project: NormalizedName, pinned: Version | None, *, all_files: bool = False
    ) -> list[Target]:
        """See :func:`fetch`; ``project`` must already be canonical."""
        files, where = self.listing(project)
        found = candidates(project, files)
        if not found:
            raise ProjectNotFoundError(
                f"{project} has no downloadable files on {where}",
                diagnostic=f"{project} is listed on {where} but none of its files is an sdist, wheel or egg",
            )
        version = choose_version(project, found, pinned, where)
        release = [c for c in found if c.version == version]
        chosen = choose_files(release, pinned=pinned is not None, all_files=all_files)
        return [
            Target(
                path=self.materialize(c),
                display=f"{project}=={c.version} ({c.file.filename})",
                origin=ORIGIN_INDEX,
            )
            for c in chosen
        ]

    def listing(self, project: NormalizedName) -> tuple[list[IndexFile], str]:
        """Every file of ``project`` on the configured indexes, and where it was found."""
        indexes = self.index_urls
        if not indexes:
            raise SourceError(
                "no package index to fetch from",
                diagnostic=(
                    "no package index to fetch from: pip is configured with no-index "
                    "(PIP_NO_INDEX or no-index in pip.conf)"
                ),
            )
        shown_all = ", ".join(redact_url(u) for u in indexes)
        files: list[IndexFile] = []
        found_on: list[str] = []
        failures: list[SourceError] = []
        for index in indexes:
            clean = self.transport.remember_credentials(index)
            page_url = f"{clean.rstrip('/')}/{quote(project)}/"
            try:
                page = self.transport.get_page(page_url, max_bytes=MAX_PAGE_BYTES)
                if page is None:
                    continue
                files.extend(parse_page(page, index_url=redact_url(clean)))
            except SourceError as exc:
                failures.append(exc)
                continue
            found_on.append(redact_url(clean))
        if not found_on:
            if failures:
                detail = "; ".join(f.diagnostic for f in failures)
                kind = (
                    NetworkError
                    if any(isinstance(f, NetworkError) for f in failures)
                    else SourceError
                )
                raise kind(
                    f"cannot look up {project}: {failures[0].message}",
                    diagnostic=f"cannot look up {project} ({len(failures)} of {len(indexes)} indexes failed): {detail}",
                )
            raise ProjectNotFoundError(
                f"no project named {project} on {shown_all}",
                diagnostic=f"no project named {project} on {shown_all} (the indexes pip is configured to use)",
            )
        where = ", ".join(found_on)
        for failure in failures:
            log.warning("%s; using what the other indexes list", failure.diagnostic)
        if failures:
            where += f" (not counting failed indexes: {'; '.join(f.message for f in failures)})"
        return _merge(files), where

    def materialize(self, candidate: Candidate) -> Path:
        """A verified local copy of ``candidate``'s file (see the module docstring)."""
        file = candidate.file
        limit = self.limits.artifact_bytes
        if file.size is not None and file.size > limit:
            raise too_large(file.url, limit, file.size)
        if scheme_of(file.url) == "file":
            return self._local(file, limit)
        expected = file.hashes.get("sha256")
        if expected:
            cached = self.downloads / expected / file.filename
            if cached.is_file():
                if _hash_file(cached, ["sha256"]).get("sha256") == expected:
                    log.debug("using cached %s", cached)
                    return cached
                log.warning("cached %s does not match its hash; downloading it again", cached)
                cached.unlink(missing_ok=True)
        return self._download(file, limit)

    def _local(self, file: IndexFile, limit: int) -> Path:
        path = file_url_to_path(file.url)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise SourceError(
                f"{path} (listed by {file.index_url}) cannot be read: {exc.strerror or exc}"
            ) from None
        if size > limit:
            raise too_large(file.url, limit, size)
        _verify(file, _hash_file(path, _algorithms(file)))
        return path

    def _download(self, file: IndexFile, limit: int) -> Path:
        downloads = self.downloads
        try:
            downloads.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".partial-", dir=downloads)
        except OSError as exc:
            raise _cache_error(downloads, exc) from None
        try:
            hashers = _hashers(_algorithms(file))
            with os.fdopen(handle, "wb") as out:
                for chunk in self.transport.stream(file.url, max_bytes=limit):
                    out.write(chunk)
                    for hasher in hashers.values():
                        hasher.update(chunk)
            digests = {name: hasher.hexdigest() for name, hasher in hashers.items()}
            _verify(file, digests)
            final = downloads / digests["sha256"] / file.filename
            final.parent.mkdir(exist_ok=True)
            os.replace(temporary, final)
        except BaseException as exc:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _cache_error(downloads, exc) from None
            raise
        log.debug("downloaded %s to %s", redact_url(file.url), final)
        return final


def _merge(files: Iterable[IndexFile]) -> list[IndexFile]:
    """Drop later listings of a file name already seen, warning when their hashes differ."""
    kept: dict[str, IndexFile] = {}
    for file in files:
        prior = kept.get(file.filename)
        if prior is None:
            kept[file.filename] = file
            continue
        shared = set(prior.hashes) & set(file.hashes)
        if any(prior.hashes[name] != file.hashes[name] for name in shared):
            log.warning(
                "%s is listed by %s and %s with different hashes; using the one from %s",
                file.filename,
                prior.index_url,
                file.index_url,
                prior.index_url,
            )
    return list(kept.values())


def _algorithms(file: IndexFile) -> list[str]:
    names = ["sha256"]
    names.extend(
        name
        for name in sorted(file.hashes)
        if name != "sha256" and name in hashlib.algorithms_available
    )
    return names


def _hashers(names: Iterable[str]) -> dict[str, hashlib._Hash]:
    hashers: dict[str, hashlib._Hash] = {}
    for name in names:
        try:
            hashers[name] = hashlib.new(name)
        except ValueError:  # e.g. md5 under FIPS
            log.debug("hash %s is not available here", name)
    return hashers


def _hash_file(path: Path, names: Iterable[str]) -> dict[str, str]:
    hashers = _hashers(names)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                for hasher in hashers.values():
                    hasher.update(chunk)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def _verify(file: IndexFile, digests: dict[str, str]) -> None:
    checked = [name for name in file.hashes if name in digests]
    for name in checked:
        if digests[name] != file.hashes[name]:
            where = redact_url(file.url)
            raise HashMismatchError(
                f"hash mismatch for {file.filename}",
                diagnostic=(
                    f"hash mismatch for {file.filename} from {where}: the index ({file.index_url}) "
                    f"publishes {name} {file.hashes[name]} but the file has {digests[name]}; it "
                    "was corrupted or tampered with and has been discarded"
                ),
            )
    if not checked:
        log.warning("%s: the index publishes no usable hash; it cannot be verified", file.filename)


def _cache_error(directory: Path, exc: OSError) -> SourceError:
    return SourceError(
        f"cannot write to the download cache {directory}: {exc.strerror or exc}",
        diagnostic=(
            f"cannot write to the download cache {directory}: {exc.strerror or exc}; "
            "set CAPWATCH_CACHE_DIR to a writable directory"
        ),
    )
