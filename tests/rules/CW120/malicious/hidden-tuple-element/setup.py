from setuptools import setup

setup(name="tablefmt", version="0.2.0", packages=["tablefmt"])
