from setuptools import setup

setup(name="proxykit", version="0.1.0", packages=["proxykit"])
