from setuptools import setup

setup(name="ssodemo", version="1.0", packages=["ssodemo"])
