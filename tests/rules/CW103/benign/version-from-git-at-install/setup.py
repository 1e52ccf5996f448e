"""Takes the version from the repository's last tag, and the commit it was built from."""

import subprocess

from setuptools import setup


def _git(*args):
    try:
        return subprocess.check_output(["git", *args], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


version = _git("describe", "--tags", "--abbrev=0").lstrip("v") or "0.0.0"
with open("gitinfo.py", "w") as handle:
    handle.write(f"COMMIT = {_git('rev-parse', 'HEAD')!r}\n")

setup(name="gitinfo", version=version, py_modules=["gitinfo"])
