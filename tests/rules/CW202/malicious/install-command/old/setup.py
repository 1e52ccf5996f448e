from setuptools import setup

setup(name="install-command", version="1.0", packages=["sizefmt"])
