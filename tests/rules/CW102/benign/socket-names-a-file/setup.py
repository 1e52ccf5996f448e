from setuptools import setup

setup(name="printspool", version="2.3", packages=["printspool"])
