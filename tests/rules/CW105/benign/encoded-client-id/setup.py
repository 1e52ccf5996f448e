from setuptools import setup

setup(name="hookpost", version="2.0.0", packages=["hookpost"])
