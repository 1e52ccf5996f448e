from setuptools import setup

setup(name="opsutil", version="0.3.0", packages=["opsutil"])
