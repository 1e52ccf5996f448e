from setuptools import setup

setup(name="checker", version="0.1.0", packages=["checker"])
