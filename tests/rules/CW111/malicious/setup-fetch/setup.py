import urllib.request
from setuptools import setup

urllib.request.urlopen("https://telemetry.example.invalid/installed")
setup(name="demo", version="0.1")
