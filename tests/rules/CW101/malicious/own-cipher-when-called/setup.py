from setuptools import setup

setup(name="pixelhide", version="0.0.3", packages=["pixelhide"])
