from setuptools import setup

setup(name="deskwatch", version="0.1.0", packages=["deskwatch"])
