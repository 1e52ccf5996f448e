import subprocess
import sys
from setuptools import setup


def build_docs():
    argv = ["sh", "-c", "make -C docs html"]
    subprocess.check_call(argv)
    command = [sys.executable, "-m", "pip", "--version"]
    subprocess.run(command, check=False)


if "docs" in sys.argv:
    build_docs()
setup(name="demo", version="0.1")
