from setuptools import setup

setup(name="tablefmt", version="1.0", packages=["tablefmt"])
