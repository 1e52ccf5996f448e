from setuptools import setup

setup(name="localekit", version="1.0rc1", packages=["localekit"])
