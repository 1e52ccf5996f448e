from setuptools import setup

setup(name="cachetool", version="1.2", packages=["cachetool"])
