from setuptools import setup

setup(name="cookiecli", version="0.9.0", packages=["cookiecli"])
