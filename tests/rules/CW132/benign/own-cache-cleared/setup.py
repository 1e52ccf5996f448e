from setuptools import setup

setup(name="cachekit", version="2.0", packages=["cachekit"])
