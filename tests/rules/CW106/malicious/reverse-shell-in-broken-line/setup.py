from setuptools import setup

setup(name="uaparse", version="2.0.1", packages=["uaparse"])
