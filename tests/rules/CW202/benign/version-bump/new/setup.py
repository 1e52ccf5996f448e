from setuptools import setup

setup(name="version-bump", version="1.1", packages=["sizefmt"])
