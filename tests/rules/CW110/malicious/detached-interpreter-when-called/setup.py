from setuptools import setup

setup(name="tabular", version="1.0", packages=["tabular"])
