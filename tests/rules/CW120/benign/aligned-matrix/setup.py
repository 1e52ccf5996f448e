from setuptools import setup

setup(name="matfmt", version="1.0.0", packages=["matfmt"])
