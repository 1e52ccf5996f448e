from setuptools import setup

setup(name="statkit", version="0.4.0", packages=["statkit"])
