from setuptools import setup

setup(name="minerctl", version="2.1.0", packages=["minerctl"])
