from setuptools import setup

setup(name="version-bump", version="1.0", packages=["sizefmt"])
