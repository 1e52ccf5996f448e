from setuptools import setup

setup(name="fontkit", version="0.3.1", packages=["fontkit"])
