from setuptools import setup

setup(name="coreinfo", version="0.4.0", packages=["coreinfo"])
