"""Caches a package repository's metadata files."""
import os
import tempfile

import requests

_session = requests.Session()


def fetch(url: str, folder: str) -> str:
    response = _session.get(url, stream=True, timeout=30)
    response.raise_for_status()
    handle, path = tempfile.mkstemp(dir=folder, suffix=".xml.gz")
    with os.fdopen(handle, "wb") as out:
        for chunk in response.iter_content(65536):
            out.write(chunk)
        # readable by the other users of the cache, like the files it replaces
        os.fchmod(out.fileno(), 0o644)
    return path
