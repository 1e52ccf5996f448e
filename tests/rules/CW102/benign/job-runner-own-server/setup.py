from setuptools import setup

setup(name="jobkit", version="0.9.0", packages=["jobkit"])
