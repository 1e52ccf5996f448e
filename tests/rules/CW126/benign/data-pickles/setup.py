from setuptools import setup

setup(name="tablecache", version="2.1.0", packages=["tablecache"])
