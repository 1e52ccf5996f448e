"""Turning ``capwatch scan TARGET...`` arguments into :class:`Target` objects, lazily."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from capwatch.config import Limits
from capwatch.sources.errors import ProjectNotFoundError
from capwatch.sources.index import Fetcher
from capwatch.sources.local import file_target, iter_directory
from capwatch.sources.spec import PathSpec, RequirementSpec, Spec, parse_spec
from capwatch.sources.target import Target
from capwatch.sources.transport import Transport

_DEFAULT_LIMITS = Limits()


def resolve_targets(
    specs: Sequence[str],
    *,
    all_files: bool = False,
    index_urls: Sequence[str] | None = None,
    cache_dir: Path | None = None,
    limits: Limits = _DEFAULT_LIMITS,
) -> Iterator[Target]:
    """Resolve ``capwatch scan`` arguments into artifacts to scan, in argument order.

    Each spec is a file (one target, whatever it contains), a directory (every artifact below it,
    see :mod:`capwatch.sources.local`), or ``NAME`` / ``NAME==VERSION`` fetched from the indexes
    pip is configured to use (see :mod:`capwatch.sources.index`); the rules that tell them apart
    are in :mod:`capwatch.sources.spec`.

    Every spec is *parsed* now, so a malformed one raises :class:`UsageError` before anything is
    scanned or downloaded. The rest is lazy: directories are walked and releases fetched only as
    the returned iterator is consumed, and pip's configuration is read only if some spec needs
    an index. A spec that cannot be resolved (missing file, unknown project or version, network
    failure, hash mismatch) raises :class:`SourceError` from the iterator, which then stops; to
    report it and carry on with the other specs, call this once per spec::

        for spec in specs:
            try:
                for target in resolve_targets([spec], ...):
                    scan(target)
            except SourceError as exc:
                report(spec, exc.diagnostic)
    """
    parsed = [parse_spec(spec) for spec in specs]
    return _resolve(
        parsed, all_files=all_files, index_urls=index_urls, cache_dir=cache_dir, limits=limits
    )


def _resolve(
    specs: Sequence[Spec],
    *,
    all_files: bool,
    index_urls: Sequence[str] | None,
    cache_dir: Path | None,
    limits: Limits,
) -> Iterator[Target]:
    fetcher: Fetcher | None = None
    for spec in specs:
        if isinstance(spec, PathSpec):
            yield from _resolve_path(spec)
            continue
        if fetcher is None:
            fetcher = Fetcher(
                Transport(), index_urls=index_urls, cache_dir=cache_dir, limits=limits
            )
        yield from _resolve_requirement(fetcher, spec, all_files=all_files)


def _resolve_path(spec: PathSpec) -> Iterator[Target]:
    if spec.path.is_dir():
        yield from iter_directory(spec.path)
    else:
        yield file_target(spec.path, spec.text)


def _resolve_requirement(
    fetcher: Fetcher, spec: RequirementSpec, *, all_files: bool
) -> Iterator[Target]:
    try:
        targets = fetcher.fetch(spec.name, spec.version, all_files=all_files)
    except ProjectNotFoundError as exc:
        raise ProjectNotFoundError(
            exc.message,
            diagnostic=f"{exc.diagnostic}; '{spec.text}' is not a file or directory here either",
        ) from None
    yield from targets
