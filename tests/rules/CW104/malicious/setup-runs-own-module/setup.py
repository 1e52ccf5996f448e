import subprocess
import sys

from setuptools import setup

subprocess.run([sys.executable, "-m", "probe.report"], check=False)

setup(name="probe", version="0.0.1", packages=["probe"])
