from setuptools import setup

setup(name="devserve", version="1.0.0", packages=["devserve"])
