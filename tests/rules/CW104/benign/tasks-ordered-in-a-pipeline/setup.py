from setuptools import setup

setup(name="ipflow", version="1.2.0", packages=["ipflow"])
