from setuptools import setup

setup(name="ctxlib", version="0.3.1", packages=["ctxlib"])
