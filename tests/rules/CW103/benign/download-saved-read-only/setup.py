from setuptools import setup

setup(name="repocache", version="2.1", packages=["repocache"])
