from setuptools import setup

setup(name="buildnotify", version="2.0.0", packages=["buildnotify"])
