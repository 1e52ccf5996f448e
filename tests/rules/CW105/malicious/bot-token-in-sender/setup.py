from setuptools import setup

setup(name="notifykit", version="1.0", packages=["notifykit"])
