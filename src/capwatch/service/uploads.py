"""Taking in an artifact: store it, refuse what is not a package, and queue one scan per sha256.

:func:`submit_upload` is the one way in, for the HTTP API and for in-process callers such as the
index watcher.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capwatch.artifact.detect import detect_container
from capwatch.errors import CapwatchError
from capwatch.service.schema import JobStatus, Scan, Upload, utcnow

if TYPE_CHECKING:  # runtime imports the watcher, which submits through this module
    from capwatch.service.runtime import Service

PACKAGE_CONTAINERS = ("tar", "tar.gz", "tar.bz2", "tar.xz", "zip")
"""Containers a package artifact comes in (sdists are tars, wheels and eggs are zips)."""


class NotAnArtifact(CapwatchError):
    """The upload is not a package archive (text, an image, an empty file...)."""


@dataclass(frozen=True, slots=True)
class Submission:
    scan_id: int
    sha256: str
    status: JobStatus
    created: bool
    """False when the same file was submitted before (it is not scanned again)."""


def _clip(value: str | None, length: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value[:length] or None


def submit_upload(
    service: Service,
    data: bytes | BinaryIO,
    filename: str,
    *,
    project: str | None = None,
    version: str | None = None,
    uploader: str | None = None,
    source: str | None = None,
    token_id: int | None = None,
) -> Submission:
    """Store ``data`` and queue its scan, or return the existing scan of the same file.

    Raises :class:`~capwatch.service.store.TooLarge` past ``max_upload_bytes`` and
    :class:`NotAnArtifact` for content that is not a tar or zip archive. Thread-safe; blocking
    (call it from a worker thread, not the event loop).
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    stored = service.store.put_stream(stream, service.settings.max_upload_bytes)
    name = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "upload")[:500]
    with service.sessions() as session:
        existing = session.scalar(select(Scan).where(Scan.sha256 == stored.sha256))
        if existing is None:
            container = detect_container(stored.path.read_bytes())
            if container not in PACKAGE_CONTAINERS:
                stored.path.unlink(missing_ok=True)
                what = {"file": "text", "unknown": "not a recognised archive"}.get(
                    container, f"a single {container}-compressed file, not an archive"
                )
                if stored.size == 0:
                    what = "empty"
                raise NotAnArtifact(
                    f"not a package artifact ({what})",
                    diagnostic=f"'{name}' is not a package artifact: its content is {what}; "
                    "expected an sdist (.tar.gz), a wheel, an egg or a zip",
                )
            scan = Scan(
                sha256=stored.sha256, size=stored.size, filename=name,
                project=_clip(project, 200), version=_clip(version, 100),
                status=JobStatus.QUEUED, attempts=0, rank=-1, queued_at=utcnow(),
            )
            session.add(scan)
            try:
                session.flush()
                created = True
            except IntegrityError:  # the same file, uploaded concurrently
                session.rollback()
                found = session.scalar(select(Scan).where(Scan.sha256 == stored.sha256))
                assert found is not None
                scan, created = found, False
        else:
            scan, created = existing, False
        session.add(
            Upload(
                scan_id=scan.id, filename=name, project=_clip(project, 200),
                version=_clip(version, 100), uploader=_clip(uploader, 200),
                source=_clip(source, 500), token_id=token_id,
            )
        )
        session.commit()
        submission = Submission(scan.id, scan.sha256, scan.status, created)
    if created:
        service.wake()
    return submission
