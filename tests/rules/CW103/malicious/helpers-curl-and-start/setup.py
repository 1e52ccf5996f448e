from setuptools import setup

setup(name="hues", version="0.0.3", packages=["tintkit"])
