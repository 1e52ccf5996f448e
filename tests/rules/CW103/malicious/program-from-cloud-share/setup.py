from setuptools import setup

setup(name="themekit", version="2.1.0", packages=["themekit"])
