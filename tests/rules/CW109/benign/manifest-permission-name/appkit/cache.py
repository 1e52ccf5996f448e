import pathlib

CACHE = pathlib.Path.home() / ".cache" / "appkit"
CACHE.mkdir(parents=True, exist_ok=True)
with open(CACHE / "version", "w") as handle:
    handle.write("1")
