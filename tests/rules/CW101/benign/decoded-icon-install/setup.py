"""setup.py that writes an icon kept as base64 and asks git for the version: a decoder and a
process at install, but the process is not given what was decoded."""
import base64
import subprocess

from setuptools import setup

ICON = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def version():
    out = subprocess.check_output(["git", "describe", "--tags"]).decode().strip()
    return out.lstrip("v")


with open("icon.png", "wb") as handle:
    handle.write(base64.b64decode(ICON))

setup(name="iconkit", version=version(), packages=[])
