from setuptools import setup

setup(name="picklelint", version="0.2.0", packages=["picklelint"])
