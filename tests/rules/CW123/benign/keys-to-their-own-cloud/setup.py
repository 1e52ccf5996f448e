from setuptools import setup

setup(name="stsping", version="1.0.0", packages=["stsping"])
