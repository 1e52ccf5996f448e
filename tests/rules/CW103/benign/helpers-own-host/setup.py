from setuptools import setup

setup(name="fetchkit", version="1.4.0", packages=["fetchkit"])
