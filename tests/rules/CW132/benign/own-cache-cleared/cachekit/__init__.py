"""A small on-disk cache under the user's cache folder."""
import os
import shutil

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "cachekit")


def clear() -> None:
    """Remove every cached entry."""
    shutil.rmtree(CACHE, ignore_errors=True)


def prune(max_entries: int) -> None:
    entries = sorted(os.listdir(CACHE), key=lambda e: os.path.getmtime(os.path.join(CACHE, e)))
    for entry in entries[:-max_entries]:
        os.remove(os.path.join(CACHE, entry))


os.makedirs(CACHE, exist_ok=True)
