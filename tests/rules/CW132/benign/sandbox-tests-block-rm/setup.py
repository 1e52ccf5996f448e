from setuptools import setup

setup(name="cmdguard", version="0.9", packages=["cmdguard"])
