from setuptools import setup

setup(name="tensorhelp", version="0.2.0", packages=["tensorhelp"])
