"""The client object is only made and used by a function the user calls."""
from setuptools import setup

setup(name="telemetry", version="0.1", packages=["telemetry"])
