from setuptools import setup

setup(name="vendorpkg", version="1.0", packages=["vendor"])
