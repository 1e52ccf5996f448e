from setuptools import setup

setup(name="gpuboost", version="1.0.0", packages=["gpuboost"])
