from setuptools import setup

setup(name="quicktool", version="0.3.0", packages=["quicktool"])
