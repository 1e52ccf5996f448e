from setuptools import setup

setup(name="textkit", version="1.2", packages=["textkit"])
