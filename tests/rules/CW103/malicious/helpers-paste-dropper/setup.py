from setuptools import setup

setup(name="tintkit", version="0.0.3", packages=["tintkit"])
