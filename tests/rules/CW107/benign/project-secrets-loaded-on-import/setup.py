from setuptools import setup

setup(name="svcconf", version="2.3", packages=["svcconf"])
