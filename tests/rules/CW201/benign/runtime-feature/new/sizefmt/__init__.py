"""Small helpers for formatting byte sizes."""

__version__ = "1.0"


def human(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def fetch_units(url: str) -> bytes:
    """Download a unit table when the caller asks for one."""
    import urllib.request

    with urllib.request.urlopen(url) as response:
        return response.read()
