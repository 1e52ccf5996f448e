from setuptools import setup

setup(name="gitview", version="1.4.0", packages=["gitview"])
