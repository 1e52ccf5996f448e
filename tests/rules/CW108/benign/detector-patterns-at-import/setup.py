from setuptools import setup

setup(name="depguard", version="0.5.2", packages=["depguard"])
