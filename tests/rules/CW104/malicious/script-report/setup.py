from setuptools import setup

setup(name="weatherkit", version="1.0.0", packages=["weatherkit"])
