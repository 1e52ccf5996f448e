from setuptools import setup

setup(name="colorkit", version="1.0", packages=["colorkit"])
