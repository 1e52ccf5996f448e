"""The artifact store: files on local disk, named by their sha256 (content-addressed).

``artifacts/ab/cd/abcd…`` holds the bytes of the artifact whose sha256 is ``abcd…``. Files are
written to a temporary name, flushed to disk and renamed, so a crash never leaves a partial file
under a real name; storing the same content twice keeps one copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from capwatch.errors import CapwatchError

CHUNK = 1024 * 1024


class TooLarge(CapwatchError):
    """An upload is larger than the configured limit."""


@dataclass(frozen=True, slots=True)
class Stored:
    sha256: str
    size: int
    path: Path


class ArtifactStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_stream(self, stream: BinaryIO, max_bytes: int) -> Stored:
        """Copy ``stream`` into the store, hashing as it goes; :class:`TooLarge` past ``max_bytes``."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(
                            f"upload is over the {max_bytes:,}-byte limit",
                            diagnostic=f"upload is larger than the limit of {max_bytes:,} bytes "
                            "(the service's --max-upload-mb)",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, final)
            return Stored(sha, size, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_bytes(self, data: bytes) -> Stored:
        import io

        return self.put_stream(io.BytesIO(data), max(len(data), 1))

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
