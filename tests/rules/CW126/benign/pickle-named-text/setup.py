from setuptools import setup

setup(name="notes", version="1.0", packages=["notes"])
