import subprocess
import sys

from setuptools import setup

subprocess.check_call([sys.executable, "-m", "pip", "install", "somepkg"])
subprocess.call("pip install another-package", shell=True)
setup(name="demo", version="0.1")
