from setuptools import setup

setup(name="chronofmt", version="1.2.0", packages=["chronofmt"])
