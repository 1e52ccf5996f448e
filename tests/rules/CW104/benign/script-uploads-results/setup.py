from setuptools import setup

setup(name="benchkit", version="2.1.0", packages=["benchkit"])
