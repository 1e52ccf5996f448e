from setuptools import setup

setup(name="hoststatus", version="0.5", packages=["hoststatus"])
