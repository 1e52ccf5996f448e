from setuptools import setup

setup(name="deploycfg", version="0.3.1", packages=["deploycfg"])
