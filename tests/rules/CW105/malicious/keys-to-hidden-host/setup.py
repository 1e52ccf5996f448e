from setuptools import setup

setup(name="cloudkit", version="2.4.1", packages=["cloudkit"])
