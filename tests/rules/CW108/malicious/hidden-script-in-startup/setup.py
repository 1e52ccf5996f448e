from setuptools import setup

setup(name="mathkit", version="1.0.0", packages=["mathkit"])
