from setuptools import setup

setup(name="walletfmt", version="0.4.0", packages=["walletfmt"])
