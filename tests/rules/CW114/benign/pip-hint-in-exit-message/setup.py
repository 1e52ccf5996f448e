import subprocess
import sys
import textwrap

from setuptools import setup

if sys.version_info < (3, 9):
    sys.exit(textwrap.dedent("""\
        This release needs Python 3.9 or newer.
        The last release for older interpreters is 2.x; install it with:

            python -m pip install oldpy==2.*
        """))

try:
    VERSION = subprocess.check_output(["git", "describe", "--tags"], text=True).strip()
except (OSError, subprocess.CalledProcessError):
    VERSION = "3.0.0"

setup(name="oldpy", version=VERSION, packages=["oldpy"])
