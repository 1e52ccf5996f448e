from setuptools import setup

setup(name="devsync", version="0.9.0", packages=["devsync"])
