from setuptools import setup

setup(name="htmlkit", version="0.1.0", packages=["htmlkit"])
