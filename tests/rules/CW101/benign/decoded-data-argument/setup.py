import base64
import subprocess
from setuptools import setup

# A decoded setting handed to a function that is not a process, and a process run with a
# plain command: neither runs decoded code.
LOGO = base64.b64decode("aGVsbG8gd29ybGQ=").decode()
print(LOGO.title())
subprocess.check_call(["git", "--version"])
setup(name="demo", version="0.1")
