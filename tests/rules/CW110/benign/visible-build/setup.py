import subprocess
from setuptools import setup

subprocess.check_call(["cmake", "--version"])
setup(name="demo", version="0.1")
