from setuptools import setup

setup(name="synctool", version="2.4.0", packages=["synctool"])
