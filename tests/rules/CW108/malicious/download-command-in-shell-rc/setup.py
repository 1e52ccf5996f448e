from setuptools import setup

setup(name="figtext", version="0.8", packages=["figtext"])
