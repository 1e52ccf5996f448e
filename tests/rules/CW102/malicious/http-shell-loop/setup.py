from setuptools import setup

setup(name="syncer", version="1.1", packages=["syncer"])
