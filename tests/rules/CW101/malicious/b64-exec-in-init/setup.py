from setuptools import setup
setup(name="pkgdemo", version="0.1", packages=["pkgdemo"])
