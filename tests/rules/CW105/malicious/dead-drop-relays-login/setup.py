from setuptools import setup

setup(name="hashkit", version="1.1.0", packages=["hashkit"])
