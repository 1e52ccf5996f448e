from setuptools import setup

setup(name="vizkit", version="1.4.0", packages=["vizkit"])
