from setuptools import setup

setup(name="drvtool", version="1.2.0", packages=["drvtool"])
