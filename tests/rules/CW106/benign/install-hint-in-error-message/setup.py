from setuptools import setup

setup(name="cloudfs", version="1.2.0", packages=["cloudfs"])
