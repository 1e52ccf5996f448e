from setuptools import setup

setup(name="hostinfo", version="0.3.1", packages=["hostinfo"])
