from setuptools import setup

setup(name="quietlog", version="1.4.0", packages=["quietlog"])
