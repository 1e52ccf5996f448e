from setuptools import setup

setup(name="benchtools", version="0.3", packages=["benchtools"])
