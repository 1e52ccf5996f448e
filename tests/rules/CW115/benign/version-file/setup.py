import subprocess

from setuptools import setup

version = subprocess.check_output(["git", "describe", "--tags"]).decode().strip()
with open("pkgdemo/_version.py", "w") as handle:
    handle.write(f"__version__ = {version!r}\n")
setup(name="demo", version=version)
