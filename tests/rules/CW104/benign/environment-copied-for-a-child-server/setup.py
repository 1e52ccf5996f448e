from setuptools import setup

setup(name="nodebridge", version="1.2.0", packages=["nodebridge"])
