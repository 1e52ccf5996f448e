from setuptools import setup

setup(name="fleetkit", version="1.0.0", packages=["fleetkit"])
