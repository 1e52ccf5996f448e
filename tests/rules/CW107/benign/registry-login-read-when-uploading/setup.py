from setuptools import setup

setup(name="pubhelper", version="1.1", packages=["pubhelper"])
