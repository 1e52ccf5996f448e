from setuptools import setup

setup(name="install-payload", version="1.0", packages=["sizefmt"])
