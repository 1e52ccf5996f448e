from setuptools import setup

setup(name="keydeploy", version="2.0.0", packages=["keydeploy"])
