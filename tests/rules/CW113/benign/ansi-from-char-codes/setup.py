from setuptools import setup

setup(name="colorkit", version="2.0.0", packages=["colorkit"])
