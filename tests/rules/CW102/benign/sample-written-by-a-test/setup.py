from setuptools import setup

setup(name="pyscan", version="0.2.0", packages=["pyscan"])
