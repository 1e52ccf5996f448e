from setuptools import setup

setup(name="tabfmt", version="0.2", packages=["tabfmt"])
