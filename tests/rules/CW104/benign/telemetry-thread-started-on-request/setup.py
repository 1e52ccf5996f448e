from setuptools import setup

setup(name="dashkit", version="0.9.0", packages=["dashkit"])
