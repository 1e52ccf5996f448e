from setuptools import setup

setup(name="wordvec", version="0.4.0", packages=["wordvec"])
