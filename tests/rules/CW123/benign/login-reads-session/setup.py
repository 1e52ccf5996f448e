from setuptools import setup

setup(name="skykit", version="3.1.0", packages=["skykit"])
